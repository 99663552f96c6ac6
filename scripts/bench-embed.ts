/**
 * npx tsx scripts/bench-embed.ts [--threads N] [--intra N] [--dtype fp32|q8] [--micro-batch]
 *                                [--seconds 4] [--json FILE]
 *
 * The local embedder through its worker pool, as the app uses it: embeds/s for one caller
 * embedding one short query at a time, 8 concurrent callers embedding one chat message each
 * (where micro-batching can help) and one caller embedding batches of 32 chat messages; with
 * the main thread's event-loop delay (max and p99) during each phase, which stays small when
 * inference runs off the main thread. Needs the model: EMBEDDING_MODEL_DIR, or the folder that
 * scripts/model/fetch-test-model.sh lays out.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { conversation, queries } from "../bench/lib/corpus";
import { createLocalEmbedder, poolSize } from "../lib/embeddings/local";

const { values: args } = parseArgs({
  options: {
    threads: { type: "string" },
    intra: { type: "string" },
    dtype: { type: "string", default: "fp32" },
    "micro-batch": { type: "boolean", default: false },
    seconds: { type: "string", default: "4" },
    json: { type: "string" },
  },
});

function modelDir(): string {
  if (process.env.EMBEDDING_MODEL_DIR) return process.env.EMBEDDING_MODEL_DIR;
  return execFileSync("bash", ["scripts/model/fetch-test-model.sh"], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim()
    .split("\n")
    .at(-1)!;
}

const ms = (ns: number) => Math.round(ns / 1e5) / 10;

/** Runs `callers` loops of `op` for `seconds`; returns embeds/s and the main thread's loop delay. */
async function phase(
  name: string,
  callers: number,
  perCall: number,
  op: (i: number) => Promise<unknown>,
  seconds: number,
) {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let calls = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (performance.now() < deadline) await op(calls++);
    }),
  );
  const wall = (performance.now() - started) / 1000;
  h.disable();
  const r = {
    name,
    callers,
    perCall,
    calls,
    embedsPerSec: Math.round((calls * perCall) / wall),
    loopDelayMaxMs: ms(h.max),
    loopDelayP99Ms: ms(h.percentile(99)),
  };
  console.log(
    `${name.padEnd(26)} ${String(r.embedsPerSec).padStart(6)} embeds/s   event-loop delay p99 ${r.loopDelayP99Ms} ms, max ${r.loopDelayMaxMs} ms`,
  );
  return r;
}

async function main() {
  const seconds = Number(args.seconds);
  const threads = args.threads === undefined ? undefined : Number(args.threads);
  const intra = args.intra === undefined ? undefined : Number(args.intra);
  const dtype = args.dtype === "q8" ? "q8" : "fp32";
  const microBatch = args["micro-batch"];
  const sized = poolSize(threads);
  const config = { workers: sized.workers, intraOpThreads: intra ?? sized.intraOpThreads, dtype, microBatch };
  console.log(`pool: ${JSON.stringify(config)}`);
  const e = createLocalEmbedder({
    model: "Xenova/all-MiniLM-L6-v2",
    modelDir: modelDir(),
    cacheDir: "/tmp/mindmate-bench-cache",
    dtype,
    threads,
    intraOpThreads: intra,
    microBatch,
  });
  const t0 = performance.now();
  await e.warmUp();
  const warmUpMs = Math.round(performance.now() - t0);
  const qs = queries(400, 11);
  const msgs = conversation(1024, 99).map((m) => m.content);
  await e.embed(msgs.slice(0, 32)); // JIT and onnxruntime's first-run allocations
  const results = [
    await phase("single, 1 caller", 1, 1, (i) => e.embed([qs[i % qs.length]!]), seconds),
    await phase("single, 8 callers", 8, 1, (i) => e.embed([msgs[i % msgs.length]!]), seconds),
    await phase(
      "batch of 32, 1 caller",
      1,
      32,
      (i) => e.embed(msgs.slice((i * 32) % 992, ((i * 32) % 992) + 32)),
      seconds,
    ),
  ];
  const out = { config, warmUpMs, status: e.status(), results };
  if (args.json) writeFileSync(args.json, JSON.stringify(out, null, 2));
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
