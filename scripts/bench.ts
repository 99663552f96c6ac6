/**
 * npm run bench [-- --quick] [--json FILE] [--server URL] [--shared] [--only storage,bytes,overhead]
 *                 [--per-user 10000[,…]] [--iterations N] [--case-ms MS]
 *
 * --per-user sets the one-user sizes of the storage suite (and skips its many-users phase);
 * --iterations / --case-ms cap each measured case (count / wall time) to keep shared-machine
 * runs short. With the model, storage recalls embed every query with the real model.
 *
 * Latency of every memory operation on every server kind of the test matrix (Redis 7, Valkey 8,
 * Redis 8, Redis Stack) against the PING floor and the original plan's append, embedding speed,
 * bytes per message and the latency-recording overhead. Writes bench/results/<date>-<sha>.{md,json}.
 *
 * By default each server kind runs as a private, empty instance on a random port (the binaries
 * come from scripts/test-servers.sh, which installs them if needed), so INFO used_memory deltas
 * and timings are not disturbed by anyone else's keys. --shared uses the running test servers
 * (REDIS7_URL…) instead; --server URL measures one server you name. Every key goes under a
 * unique prefix and is deleted afterwards.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createRedisClient } from "@/lib/redis/client";
import { probeRedis } from "@/lib/redis/probe";
import { chooseEngine } from "@/lib/memory/engines/choose";
import { FULL, QUICK, type BenchContext } from "../bench/lib/context";
import { anchorSentences, conversation } from "../bench/lib/corpus";
import { startOwnedServer, type OwnedServer } from "../bench/lib/redis-process";
import { Report, reportMeta } from "../bench/lib/report";
import { run } from "../bench/lib/runner";
import { describeServer, matrixFromEnv } from "../bench/lib/servers";
import { fmtInt } from "../bench/lib/stats";
import { writeSections, type ServerResults } from "../bench/lib/tables";
import { createVectorBank, switchableEmbedder } from "../bench/lib/vectors";
import { measureEmbedding, type EmbeddingResults } from "../bench/suites/embedding";
import { measureFloor } from "../bench/suites/floor";
import { measureBytes } from "../bench/suites/memory-bytes";
import { naiveAppend } from "../bench/suites/naive";
import { measureOverhead } from "../bench/suites/overhead";
import { measureStorage } from "../bench/suites/storage";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "string" },
    server: { type: "string", multiple: true },
    shared: { type: "boolean", default: false },
    only: { type: "string" },
    "per-user": { type: "string" },
    iterations: { type: "string" },
    "case-ms": { type: "string" },
  },
});

const log = (m: string) => console.error(`[bench] ${m}`);
const WRAPPERS: Record<string, string> = {
  redis7: "redis7-server",
  valkey8: "valkey8-server",
  redis8: "redis8-server",
  "redis-stack": "redis-stack-server",
};

function modelDir(): string | undefined {
  if (process.env.EMBEDDING_MODEL_DIR) return process.env.EMBEDDING_MODEL_DIR;
  try {
    log("fetching the test model (scripts/model/fetch-test-model.sh)");
    const out = execFileSync("bash", ["scripts/model/fetch-test-model.sh"], { stdio: ["ignore", "pipe", "inherit"] })
      .toString()
      .trim()
      .split("\n");
    return out.at(-1);
  } catch (e) {
    log(`no model: ${(e as Error).message.split("\n")[0]} — random unit vectors, embedding not measured`);
    return undefined;
  }
}

interface Target {
  name: string;
  url: string;
  /** Starts the private instance just before it is measured. */
  start?: () => Promise<OwnedServer>;
  owned?: OwnedServer;
}

async function targets(): Promise<{ list: Target[]; mode: string }> {
  if (args.server?.length)
    return {
      list: args.server.map((url, i) => ({ name: `server${i + 1}`, url })),
      mode: "the server(s) given with --server (shared: byte counts may include others' writes)",
    };
  const { servers, env } = matrixFromEnv(process.env, log, { shared: args.shared });
  if (args.shared || !env.MM_SERVER_BIN_DIR) return { list: servers, mode: "the running test servers (shared)" };
  const list: Target[] = [];
  for (const s of servers) {
    const bin = path.join(env.MM_SERVER_BIN_DIR, WRAPPERS[s.name] ?? "");
    if (!existsSync(bin)) {
      list.push(s);
      continue;
    }
    list.push({ name: s.name, url: "", start: () => startOwnedServer(bin, { label: s.name }) });
  }
  return { list, mode: "a private, empty instance of each server kind (persistence off), started for this run" };
}

async function measureNaive(redis: Redis, prefix: string, ctx: BenchContext) {
  const append = naiveAppend(redis, prefix);
  const msgs = conversation(ctx.sizes.iterations + 100, 555);
  ctx.bank.precompute(msgs.map((m) => m.content));
  const op = (i: number) => {
    const m = msgs[Math.abs(i) % msgs.length]!;
    return append(5_000_000 + (Math.abs(i) % 50), m.role, m.content, ctx.bank.get(m.content));
  };
  const c1 = await run(op, { iterations: ctx.sizes.iterations, concurrency: 1 });
  const c32 = await run(op, { iterations: ctx.sizes.iterations, concurrency: 32 });
  return { c1, c32 };
}

async function benchServer(
  t: Target,
  ctx: BenchContext,
  embedder: EmbeddingProvider & { live: boolean },
  hasModel: boolean,
): Promise<ServerResults> {
  if (t.start) {
    t.owned = await t.start();
    t.url = t.owned.url;
    log(`started a private ${t.name} on ${t.url}`);
  }
  const label = await describeServer(t.url);
  log(`== ${t.name}: ${label} (${t.url})`);
  const redis = createRedisClient({ url: t.url, name: "mindmate-bench", commandTimeoutMs: 120_000 });
  const runId = Math.random().toString(36).slice(2, 8);
  const prefix = (part: string) => `bench:${runId}:${part}:`;
  try {
    const engine = chooseEngine(await probeRedis(redis), "auto");
    const floor = await measureFloor(ctx, t.url);
    log(`  PING p50 ${floor.c1.p50.toFixed(3)} p99 ${floor.c1.p99.toFixed(3)} ms`);
    const naive = await measureNaive(redis, prefix("naive"), ctx);
    log(`  plan append p50 ${naive.c1.p50.toFixed(3)} p99 ${naive.c1.p99.toFixed(3)} ms`);
    const res: ServerResults = { name: t.name, label, url: t.url, engine, floor, naive };
    const only = args.only?.split(",");
    try {
      if (!only || only.includes("storage"))
        res.storage = await measureStorage(ctx, {
          redis,
          prefix: prefix("s"),
          engine,
          embedder,
          hasLiveModel: hasModel,
        });
      if (!only || only.includes("bytes"))
        res.bytes = await measureBytes(ctx, { redis, engine, embedder, prefixBase: prefix("b") });
      if (!only || only.includes("overhead"))
        res.overhead = await measureOverhead(ctx, { redis, engine, embedder, prefix: prefix("o") });
    } catch (e) {
      res.error = (e as Error).message;
      log(`  FAILED: ${res.error}`);
    }
    return res;
  } finally {
    redis.disconnect();
    await t.owned?.stop();
  }
}

async function main() {
  const quick = args.quick;
  const sizes = { ...(quick ? QUICK : FULL) };
  if (args["per-user"]) {
    sizes.perUser = args["per-user"]
      .split(",")
      .map((n) => Number(n.replace(/_/g, "")))
      .filter((n) => Number.isInteger(n) && n > 0)
      .sort((a, b) => a - b);
    if (!sizes.perUser.length)
      throw new Error(`--per-user wants sizes like 10000 or 1000,10000, got ${args["per-user"]}`);
    sizes.spreadTotal = 0; // one user only
  }
  if (args.iterations) sizes.iterations = Math.max(10, Number(args.iterations) || sizes.iterations);
  if (args["case-ms"]) sizes.caseMaxMs = Math.max(100, Number(args["case-ms"]) || sizes.caseMaxMs);
  const command = `npm run bench${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`;
  const report = new Report(reportMeta(`MindMate benchmark${quick ? " (--quick: reduced sizes)" : ""}`, command));
  const started = performance.now();

  const dir = modelDir();
  let embedding: EmbeddingResults | undefined;
  let real: EmbeddingProvider | undefined;
  if (dir) {
    log("embedding: cold load, single query, batches");
    const onlyOthers = args.only !== undefined && !args.only.split(",").includes("embedding");
    const m = await measureEmbedding(dir, {
      queries: onlyOthers ? 30 : sizes.embedQueries,
      quick: quick || onlyOthers,
    });
    embedding = m.results;
    real = m.embedder;
  }
  const bank = await createVectorBank(real, anchorSentences(300));
  const embedder = switchableEmbedder(bank, real);
  const ctx: BenchContext = { report, sizes, quick, bank, log };

  const { list, mode } = await targets();
  const servers: ServerResults[] = [];
  for (const t of list) servers.push(await benchServer(t, ctx, embedder, Boolean(real)));

  const recallScope = sizes.perUser.includes(10_000) ? "1 user × 10,000" : `1 user × ${fmtInt(sizes.perUser.at(-1))}`;
  const notes = [
    `Servers: ${mode}. All on loopback on the same ${report.meta.machine.cores}-core machine as the client, so server and client compete for CPU.`,
    bank.source === "real"
      ? "Vectors: 300 real sentences embedded once with all-MiniLM-L6-v2; each stored text gets its anchor plus Gaussian noise, renormalised (cosine ≈ 0.9 to the anchor) — clustered like real embeddings. Queries during storage ops are precomputed the same way."
      : "Vectors: random unit vectors (no model available) — HNSW and vector-set timings on random data differ from real, clustered embeddings.",
    `Sizes: per-user ${sizes.perUser.map(fmtInt).join(" / ")} memories; ${fmtInt(sizes.spreadTotal)} memories over ${fmtInt(sizes.spreadUsers)} users; ${fmtInt(sizes.iterations)} measured operations per case (time-capped at ${sizes.caseMaxMs / 1000} s); bytes over ${fmtInt(sizes.memoryMessages)} messages.` +
      (quick ? " **--quick: reduced sizes — not the full benchmark.**" : ""),
    "Latencies in milliseconds, nearest-rank percentiles.",
  ];
  writeSections(report, { servers, embedding, notes, recallScope });
  report.data.servers = servers;
  report.data.embedding = embedding;
  report.data.sizes = sizes;
  report.data.vectors = bank.source;
  report.data.durationS = Math.round((performance.now() - started) / 1000);
  const files = report.write(path.join(process.cwd(), "bench/results"), args.json);
  console.log(report.markdown());
  log(`wrote ${files.md} and ${files.json} in ${report.data.durationS as number} s`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
