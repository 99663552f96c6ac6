import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { EmbeddingProvider } from "@/lib/embeddings";
import { createMemory, createMemoryContext, type CreateMemoryOptions } from "@/lib/memory";
import { contextFor } from "@/lib/memory/contextual";
import { deleteMatching, prefixPattern } from "@/lib/redis/scan";
import type { RecallMode } from "@/lib/memory/types";
import type { VectorEngineName } from "@/lib/memory/engines/choose";
import type { LocomoConversation } from "./dataset";

/**
 * LoCoMo retrieval: every turn of a conversation becomes a memory of one user, stored through
 * appendMessage() exactly as the bot stores a message — with the previous turn as its context
 * by the same rule (contextFor) — and every question with evidence is asked through the memory
 * facade's recall(), the same dense/lexical/hybrid code the bot uses.
 * recall@k = |evidence ∩ top-k dia_ids| / |evidence|, reported overall, per category and per
 * conversation (mean ± sd over conversations = the leave-one-conversation-out score, since no
 * parameter is fitted here: the defaults were picked by leave-one-out in scripts/locomo/explore.ts).
 */

export interface EvalOptions {
  redis: Redis;
  engine: VectorEngineName;
  embedder: EmbeddingProvider;
  encoding: CreateMemoryOptions["encoding"];
  algorithm: CreateMemoryOptions["algorithm"];
  conversations: LocomoConversation[];
  modes: RecallMode[];
  ks: number[];
  /** Key prefix to write under (removed afterwards); default a unique `eval:locomo:<random>:`. */
  prefix?: string;
  /** false: store turns without their neighbour (the pre-issue-14 scheme), to measure its cost and gain. */
  context?: boolean;
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
}

export interface ModeResult {
  n: number;
  /** "recall@<k>" → mean recall. */
  recall: Record<string, number>;
  byCategory: Record<string, { n: number; recall: Record<string, number> }>;
  byConversation: Record<string, { n: number; recall: Record<string, number> }>;
  /** Mean and population sd over conversations of each recall@k. */
  perConversation: Record<string, { mean: number; sd: number }>;
  query_p50_ms: number;
  query_p95_ms: number;
}

export interface EvalResult {
  engine: VectorEngineName;
  model: string;
  turns: number;
  ingest_per_s: number;
  /** Process CPU (all threads, model included) per stored turn, ms. */
  ingest_cpu_ms_per_turn: number;
  modes: Partial<Record<RecallMode, ModeResult>>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export async function runLocomoEval(o: EvalOptions): Promise<EvalResult> {
  const prefix = o.prefix ?? `eval:locomo:${randomUUID().slice(0, 8)}:`;
  const opts: CreateMemoryOptions = {
    redis: o.redis,
    prefix,
    engine: o.engine,
    embedder: o.embedder,
    historyMax: 100,
    ttlDays: 1,
    longTermTtlDays: 0,
    maxMessageChars: 16000,
    encoding: o.encoding,
    algorithm: o.algorithm,
  };
  const memory = createMemory(opts);
  const { engine } = createMemoryContext(opts);
  const log = o.progress ?? (() => undefined);
  try {
    await memory.init();
    // ---- ingest ----
    let turns = 0;
    const ingestStarted = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const [ci, conv] of o.conversations.entries()) {
      const userId = ci + 1;
      let previous: { content: string; ts: number } | undefined;
      for (const t of conv.turns) {
        const context = o.context === false ? undefined : contextFor(previous, t.ts);
        await memory.appendMessage({
          userId,
          role: "user",
          content: t.content,
          at: new Date(t.ts),
          meta: { dia_id: t.diaId },
          context,
        });
        previous = t;
      }
      turns += conv.turns.length;
      log(`ingested ${conv.name}: ${conv.turns.length} turns`);
    }
    const ingestPerS = turns / ((performance.now() - ingestStarted) / 1000);
    const cpu = process.cpuUsage(cpuStarted);
    const cpuPerTurn = (cpu.user + cpu.system) / 1000 / Math.max(1, turns);

    // ---- questions ----
    const maxK = Math.max(...o.ks);
    const result: EvalResult = {
      engine: o.engine,
      model: o.embedder.id,
      turns,
      ingest_per_s: Math.round(ingestPerS * 10) / 10,
      ingest_cpu_ms_per_turn: Math.round(cpuPerTurn * 100) / 100,
      modes: {},
    };
    for (const mode of o.modes) {
      const sums: Record<string, number> = {};
      const cats: Record<string, { n: number; sums: Record<string, number> }> = {};
      const convs: Record<string, { n: number; sums: Record<string, number> }> = {};
      const latencies: number[] = [];
      let n = 0;
      for (const [ci, conv] of o.conversations.entries()) {
        for (const q of conv.questions) {
          const started = performance.now();
          const { hits } = await memory.recall({ userId: ci + 1, query: q.question, k: maxK, mode });
          latencies.push(performance.now() - started);
          const ranked = hits.map((h) => h.meta?.dia_id ?? "");
          const cat = (cats[String(q.category)] ??= { n: 0, sums: {} });
          const cv = (convs[conv.name] ??= { n: 0, sums: {} });
          n += 1;
          cat.n += 1;
          cv.n += 1;
          for (const k of o.ks) {
            const top = new Set(ranked.slice(0, k));
            const r = q.evidence.filter((e) => top.has(e)).length / q.evidence.length;
            sums[`recall@${k}`] = (sums[`recall@${k}`] ?? 0) + r;
            cat.sums[`recall@${k}`] = (cat.sums[`recall@${k}`] ?? 0) + r;
            cv.sums[`recall@${k}`] = (cv.sums[`recall@${k}`] ?? 0) + r;
          }
        }
      }
      latencies.sort((a, b) => a - b);
      const mean = (s: Record<string, number>, count: number) =>
        Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round((v / Math.max(1, count)) * 1000) / 1000]));
      result.modes[mode] = {
        n,
        recall: mean(sums, n),
        byCategory: Object.fromEntries(
          Object.entries(cats)
            .sort()
            .map(([c, v]) => [c, { n: v.n, recall: mean(v.sums, v.n) }]),
        ),
        byConversation: Object.fromEntries(
          Object.entries(convs).map(([c, v]) => [c, { n: v.n, recall: mean(v.sums, v.n) }]),
        ),
        perConversation: spread(Object.values(convs).map((v) => mean(v.sums, v.n))),
        query_p50_ms: Math.round(percentile(latencies, 0.5) * 100) / 100,
        query_p95_ms: Math.round(percentile(latencies, 0.95) * 100) / 100,
      };
      log(`${mode}: ${JSON.stringify(result.modes[mode]!.recall)}`);
    }
    return result;
  } finally {
    await engine.dropAll().catch(() => undefined);
    await deleteMatching(o.redis, prefixPattern(prefix));
    memory.close();
  }
}

/** Mean ± population sd of each recall@k over conversations. */
function spread(rows: Record<string, number>[]): Record<string, { mean: number; sd: number }> {
  const out: Record<string, { mean: number; sd: number }> = {};
  for (const key of Object.keys(rows[0] ?? {})) {
    const xs = rows.map((r) => r[key] ?? 0);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    out[key] = { mean: Math.round(m * 1000) / 1000, sd: Math.round(sd * 1000) / 1000 };
  }
  return out;
}

/** The printed table: one row per mode (overall) and per mode × category. */
export function formatTable(r: EvalResult, ks: number[]): string {
  const head = ["mode", "category", "n", ...ks.map((k) => `R@${k}`), "p50 ms", "p95 ms"];
  const rows: string[][] = [];
  for (const [mode, m] of Object.entries(r.modes)) {
    rows.push([
      mode,
      "all",
      String(m.n),
      ...ks.map((k) => m.recall[`recall@${k}`]!.toFixed(3)),
      m.query_p50_ms.toFixed(1),
      m.query_p95_ms.toFixed(1),
    ]);
    for (const [c, v] of Object.entries(m.byCategory))
      rows.push(["", `cat ${c}`, String(v.n), ...ks.map((k) => v.recall[`recall@${k}`]!.toFixed(3)), "", ""]);
    const convs = Object.keys(m.byConversation).length;
    if (convs > 1)
      rows.push([
        "",
        `per conv (${convs}) mean±sd`,
        "",
        ...ks.map(
          (k) =>
            `${m.perConversation[`recall@${k}`]!.mean.toFixed(3)}±${m.perConversation[`recall@${k}`]!.sd.toFixed(3)}`,
        ),
        "",
        "",
      ]);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [
    `LoCoMo retrieval — engine ${r.engine}, model ${r.model}, ${r.turns} turns, ingest ${r.ingest_per_s}/s, ${r.ingest_cpu_ms_per_turn} ms CPU/turn`,
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ].join("\n");
}
