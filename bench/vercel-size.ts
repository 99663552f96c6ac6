/**
 * npx tsx bench/vercel-size.ts [route]   (after `next build`; default app/api/telegram)
 * Prints the traced size of a route's function against Vercel's 250 MB limit.
 */
import path from "node:path";
import { tracedSize } from "./lib/nft-size";

const route = process.argv[2] ?? "app/api/telegram";
const root = process.cwd();
const routeTrace = path.join(root, ".next/server", route, "route.js.nft.json");
const serverTrace = path.join(root, ".next/next-minimal-server.js.nft.json");
const mb = (b: number) => (b / 1e6).toFixed(1) + " MB";

const own = tracedSize([routeTrace]);
const withRuntime = tracedSize([routeTrace, serverTrace]);
console.log(
  `${route}: ${own.files} traced files, ${mb(own.bytes)}; with the Next server runtime trace: ${withRuntime.files} files, ${mb(withRuntime.bytes)} (limit 250 MB)`,
);
for (const p of withRuntime.byPackage) console.log(`  ${p.name.padEnd(40)} ${mb(p.bytes)}`);
if (own.missing) console.log(`  (${own.missing} traced paths missing on disk)`);
