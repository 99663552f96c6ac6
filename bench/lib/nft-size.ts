import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Size of a serverless function as Vercel packages it: the files listed in Next's trace
 * (`<route>.js.nft.json`, paths relative to the trace file) plus the route file itself,
 * optionally merged with the Next server runtime's own trace. Unique files, sizes on disk.
 */
export interface TracedSize {
  files: number;
  bytes: number;
  /** Largest contributors, grouped by npm package (or top folder). */
  byPackage: { name: string; bytes: number }[];
  missing: number;
}

function packageOf(file: string): string {
  const parts = file.split(path.sep);
  const i = parts.lastIndexOf("node_modules");
  if (i < 0) return parts.slice(0, Math.min(parts.length - 1, 3)).join("/") || file;
  const scoped = parts[i + 1]?.startsWith("@");
  return parts.slice(i + 1, i + (scoped ? 3 : 2)).join("/");
}

export function tracedFiles(nftJson: string): string[] {
  const dir = path.dirname(nftJson);
  const trace = JSON.parse(readFileSync(nftJson, "utf8")) as { files: string[] };
  const own = nftJson.replace(/\.nft\.json$/, "");
  return [own, ...trace.files.map((f) => path.resolve(dir, f))];
}

export function tracedSize(traces: string[]): TracedSize {
  const files = new Set<string>();
  for (const t of traces) for (const f of tracedFiles(t)) files.add(f);
  let bytes = 0;
  let missing = 0;
  const byPkg = new Map<string, number>();
  for (const f of files) {
    if (!existsSync(f)) {
      missing++;
      continue;
    }
    const st = statSync(f);
    if (!st.isFile()) continue;
    bytes += st.size;
    const name = packageOf(f);
    byPkg.set(name, (byPkg.get(name) ?? 0) + st.size);
  }
  const byPackage = [...byPkg]
    .map(([name, b]) => ({ name, bytes: b }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 12);
  return { files: files.size, bytes, byPackage, missing };
}
