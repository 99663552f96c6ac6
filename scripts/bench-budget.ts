/**
 * npm run bench:budget [-- --server valkey8|redis8|redis7] [--maxmemory-mb 25] [--times 3] [--json FILE]
 *
 * The free-tier question: how many realistic chat messages fit a `maxmemory 25mb`,
 * `noeviction` server before the memory budget (85 % of maxmemory by default) starts trimming,
 * and does the app keep taking messages afterwards without a failed write? Starts its own
 * private server (the binaries scripts/test-servers.sh installs), appends `--times` × the
 * capacity through the memory facade with the defaults (int8, compact history) for 12 users,
 * and reports capacity, max used memory vs budget, failed appends and trimmed counts. Messages
 * are dated over the last `--days` (default 60) like weeks of real use, so the trim meets old
 * memories (a memory trimmed within a day of its write leaves a small tombstone for 7 days).
 * The embedder is the tests' deterministic 384-dim hash embedder: bytes depend on the
 * dimensions, not on the model, and this keeps the run to a minute or two.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createMemory } from "@/lib/memory";
import { createRedisClient } from "@/lib/redis/client";
import { conversation } from "../bench/lib/corpus";
import { hashBagEmbedder } from "../tests/helpers/memory";
import { serverBinary, startOwnServer } from "../tests/helpers/own-server";

const { values } = parseArgs({
  options: {
    server: { type: "string", default: "valkey8" },
    "maxmemory-mb": { type: "string", default: "25" },
    times: { type: "string", default: "3" },
    days: { type: "string", default: "60" },
    json: { type: "string" },
  },
});
const name = values.server as "valkey8" | "redis8" | "redis7";
const engine = name === "redis8" ? "vectorset" : "scan";
const maxMb = Number(values["maxmemory-mb"]);
const times = Number(values.times);

async function main(): Promise<void> {
  const binary = serverBinary(name);
  if (!binary)
    throw new Error(
      `no ${name} binary: run bash scripts/test-servers.sh start first (it installs them into ~/.cache/mindmate)`,
    );
  const own = await startOwnServer(binary, {
    ports: [22000, 22999],
    args: ["--maxmemory", `${maxMb}mb`, "--maxmemory-policy", "noeviction"],
  });
  const redis = createRedisClient({ url: own.url, name: "mindmate-bench-budget", commandTimeoutMs: 20_000 });
  const prefix = "bench-budget:";
  const memory = createMemory({
    redis,
    prefix,
    engine,
    embedder: hashBagEmbedder(),
    historyMax: 50,
    ttlDays: 90,
    longTermTtlDays: 90,
    maxMessageChars: 16_000,
    encoding: undefined,
    algorithm: "HNSW",
    journal: { max: 1000 },
    budget: { protectDays: 7 },
  });
  try {
    await memory.init();
    const first = (await memory.budgetCheck!())!;
    const users = 12;
    let appended = 0;
    let failed = 0;
    let capacity: number | undefined;
    let maxUsed = 0;
    const used = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1]);
    const trimmed = async () => Number((await redis.hget(`${prefix}budget:state`, "memories")) ?? 0);
    // Dates: spread over the last `days`, oldest first, for the number of appends expected.
    const expected = Math.ceil((times * (first.budgetBytes - first.usedBytes)) / 700);
    const stepMs = (Number(values.days) * 86_400_000) / expected;
    const t0 = Date.now() - expected * stepMs;
    let seq = 0;
    const started = performance.now();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        maxUsed = Math.max(maxUsed, await used().catch(() => 0));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    // Batches of 500 realistic lines, 12 users round-robin, until `times` × the capacity.
    for (let batch = 0; capacity === undefined || appended < times * capacity; batch++) {
      const lines = conversation(500, 1000 + batch);
      await Promise.all(
        Array.from({ length: users }, async (_, u) => {
          for (let i = u; i < lines.length; i += users) {
            try {
              const at = new Date(Math.min(Date.now(), Math.round(t0 + seq++ * stepMs)));
              await memory.appendMessage({ userId: u + 1, role: lines[i]!.role, content: lines[i]!.content, at });
              appended += 1;
            } catch {
              failed += 1;
            }
          }
        }),
      );
      maxUsed = Math.max(maxUsed, await used());
      if (capacity === undefined && (await trimmed()) > 0) capacity = appended;
      if (batch > 2000) break; // never loops forever (a server that never trims)
    }
    await memory.budgetCheck!();
    sampling = false;
    await sampler;
    const report = (await memory.budgetReport!())!;
    const out = {
      server: name,
      engine,
      maxmemoryBytes: first.maxmemoryBytes,
      budgetBytes: first.budgetBytes,
      startUsedBytes: first.usedBytes,
      capacityMessages: capacity ?? null,
      bytesPerMessageBeforeTrim: capacity ? Math.round((first.budgetBytes * 0.95 - first.usedBytes) / capacity) : null,
      appended,
      failed,
      maxUsedBytes: maxUsed,
      overBudgetBytes: Math.max(0, maxUsed - first.budgetBytes),
      trimmed: {
        memories: report.trimmed.memories,
        histories: report.trimmed.histories,
        guards: report.trimmed.guards,
        sweeps: report.trimmed.sweeps,
      },
      wallMs: Math.round(performance.now() - started),
    };
    console.log(JSON.stringify(out, null, 2));
    if (values.json) writeFileSync(values.json, JSON.stringify({ kind: "bench-budget", data: out }, null, 2));
  } finally {
    memory.close();
    redis.disconnect();
    await own.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
