/**
 * npm run memory:import — restores exports made by memory:export (one document, or JSON lines).
 *
 *   npm run memory:import < user.json
 *   npm run memory:import -- --file all.jsonl [--replace]
 *   --replace  overwrite users that already have data (default: refuse and report them)
 * Vectors in the file are reused when they come from the configured embedder with the same
 * dimensions; otherwise the text is embedded again.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { getMemory } from "../lib/app";
import { closeRuntime, fail } from "./memory-common";

const USAGE = "usage: npm run memory:import -- [--file FILE] [--replace]   (reads stdin without --file)";

/** One JSON document (object or array), else JSON lines. */
function parseDocuments(text: string): unknown[] {
  const trimmed = text.trim();
  if (!trimmed) throw new Error("the input is empty.");
  try {
    const whole = JSON.parse(trimmed) as unknown;
    return Array.isArray(whole) ? whole : [whole];
  } catch {
    return trimmed
      .split("\n")
      .filter((l) => l.trim())
      .map((line, i) => {
        try {
          return JSON.parse(line) as unknown;
        } catch (e) {
          throw new Error(`line ${i + 1} is not valid JSON: ${(e as Error).message}`);
        }
      });
  }
}

async function main() {
  const { values } = parseArgs({
    options: { file: { type: "string" }, replace: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return console.log(USAGE);
  if (!values.file && process.stdin.isTTY) throw new Error(`nothing to read: pipe a file in or pass --file.\n${USAGE}`);
  const docs = parseDocuments(readFileSync(values.file ?? 0, "utf8"));
  const memory = await getMemory();
  let ok = 0;
  const failed: string[] = [];
  for (const [i, doc] of docs.entries()) {
    const label = `document ${i + 1}${typeof doc === "object" && doc && "userId" in doc ? ` (user ${String((doc as { userId: unknown }).userId)})` : ""}`;
    try {
      await memory.importUser(doc as never, { replace: Boolean(values.replace) });
      ok += 1;
      console.error(`imported ${label}`);
    } catch (e) {
      failed.push(`${label}: ${(e as Error).message}`);
    }
  }
  console.error(`${ok} imported, ${failed.length} failed`);
  if (failed.length > 0) throw new Error(`some documents were not imported:\n  ${failed.join("\n  ")}`);
}

main()
  .then(closeRuntime)
  .catch(async (e: unknown) => {
    await closeRuntime();
    fail("memory:import", e);
  });
