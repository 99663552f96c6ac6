/**
 * npm run memory:export — writes user data as versioned JSON (format mindmate.user, v1).
 *
 *   npm run memory:export -- --user 123456 > user.json       one user
 *   npm run memory:export -- --all > all.jsonl                every user in the users index, one per line
 *   options: --vectors   include base64 float32 vectors + embedder id (import then skips re-embedding)
 *            --out FILE  write to FILE instead of stdout
 */
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import { getMemory } from "../lib/app";
import { closeRuntime, fail, writeLine } from "./memory-common";

const USAGE = "usage: npm run memory:export -- (--user ID | --all) [--vectors] [--out FILE]";

async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: "string" },
      all: { type: "boolean" },
      vectors: { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(USAGE);
  if (!values.user === !values.all) throw new Error(`give exactly one of --user ID or --all.\n${USAGE}`);
  const userId = values.user === undefined ? undefined : Number(values.user);
  if (userId !== undefined && (!Number.isSafeInteger(userId) || userId <= 0))
    throw new Error(`--user must be a numeric Telegram user id, got "${values.user}".`);
  const file = values.out ? createWriteStream(values.out) : undefined;
  if (file) await new Promise((resolve, reject) => file.once("open", resolve).once("error", reject));
  const out = file ?? process.stdout;

  const memory = await getMemory();
  const opts = { vectors: Boolean(values.vectors) };
  if (userId !== undefined) {
    const doc = await memory.exportUser(userId, opts);
    if (doc.history.length === 0 && doc.memories.length === 0 && doc.settings.messages === 0)
      console.error(`note: user ${userId} has no stored data`);
    await writeLine(out, JSON.stringify(doc));
    console.error(`exported user ${userId}: ${doc.history.length} history messages, ${doc.memories.length} memories`);
  } else {
    let n = 0;
    for (let offset = 0; ; offset += 1000) {
      const page = await memory.listUsers({ sort: "userId", order: "asc", offset, limit: 1000 });
      for (const u of page.users) {
        await writeLine(out, JSON.stringify(await memory.exportUser(u.userId, opts)));
        n += 1;
      }
      if (offset + 1000 >= page.total) break;
    }
    console.error(`exported ${n} user(s)`);
  }
  if (file)
    await new Promise<void>((resolve, reject) => file.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

main()
  .then(closeRuntime)
  .catch((e: unknown) => fail("memory:export", e));
