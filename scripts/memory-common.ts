/**
 * Shared plumbing of the memory CLIs (memory:export, memory:import, memory:reindex): the same
 * config, runtime and facade code as the app, and errors printed as one clear line.
 */
import { ConfigError } from "../lib/config";
import { isAppError } from "../lib/errors";
import { getRuntime } from "../lib/app";

export function fail(command: string, e: unknown): never {
  if (e instanceof ConfigError) console.error(e.message);
  else if (isAppError(e)) console.error(`${command} failed (${e.code}): ${e.message}`);
  else console.error(`${command} failed: ${(e as Error)?.message ?? String(e)}`);
  process.exit(1);
}

/** Closes the shared Redis connection so the process can end once output is flushed. */
export async function closeRuntime(): Promise<void> {
  try {
    await getRuntime().redis.quit();
  } catch {
    // already closed or never connected
  }
}

/** Writes a line, waiting when the pipe or file is busy (large --all exports). */
export function writeLine(out: NodeJS.WritableStream, line: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = out.write(line + "\n", (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else out.once("drain", resolve);
  });
}

/** A one-line progress bar on stderr (only when stderr is a terminal, else a line per 10 %). */
export function progressBar(label: string) {
  let lastPct = -1;
  return (done: number, total: number, note = "") => {
    const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
    if (process.stderr.isTTY) {
      const width = 30;
      const fill = Math.round((pct / 100) * width);
      process.stderr.write(
        `\r${label} [${"#".repeat(fill)}${".".repeat(width - fill)}] ${pct}% ${done}/${total} ${note}   `,
      );
      if (pct === 100 && done >= total) process.stderr.write("\n");
    } else if (pct >= lastPct + 10 || (pct === 100 && lastPct !== 100)) {
      lastPct = pct;
      process.stderr.write(`${label}: ${pct}% (${done}/${total}) ${note}\n`);
    }
  };
}
