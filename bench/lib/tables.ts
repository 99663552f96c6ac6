import type { EmbeddingResults } from "../suites/embedding";
import type { BytesResult } from "../suites/memory-bytes";
import type { StorageCase, StorageResults } from "../suites/storage";
import type { Report, Table } from "./report";
import type { RunResult } from "./runner";
import { fmtInt, fmtMs, fmtRatio, type LatencySummary } from "./stats";

/** Everything measured on one server. */
export interface ServerResults {
  name: string;
  label: string;
  url: string;
  engine: string;
  floor: { c1: RunResult; c32: RunResult };
  naive: { c1: RunResult; c32: RunResult };
  storage?: StorageResults;
  bytes?: BytesResult[];
  overhead?: { without: LatencySummary; with: LatencySummary };
  error?: string;
}

const TARGET = { appendVsPing: 1.5, historyP99: 2, recallP99: 25, bytes: 1024 };

function caseOf(s: ServerResults, op: string, scope?: (c: StorageCase) => boolean): StorageCase | undefined {
  return s.storage?.cases.find((c) => c.op === op && (scope ? scope(c) : c.scope.startsWith("1 user")));
}

/** "✅ 0.31 (≤ 0.42)" or "❌ 3.1 — 2.4× the target 1.3". */
function verdict(value: number | undefined, target: number, unit = ""): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  const v = unit === "B" ? fmtInt(value) : fmtMs(value);
  const t = unit === "B" ? fmtInt(target) : fmtMs(target);
  return value <= target ? `✅ ${v}${unit} (≤ ${t})` : `❌ ${v}${unit}: ${fmtRatio(value / target)} the target ${t}`;
}

export function targetsTable(servers: ServerResults[], perUserRecallScope: string): Table {
  return {
    headers: [
      "server (engine)",
      "PING p99 ms",
      "append p99 ms vs 1.5 × PING p99",
      "history(50) p99 ms vs 2",
      `recall incl. embedding p99 ms (${perUserRecallScope}, hybrid) vs 25`,
      "bytes/message default at 1,000/user vs 1 KB",
    ],
    rows: servers.map((s) => {
      const append = caseOf(s, "append");
      const history = caseOf(s, "history(50)");
      const withEmb = s.storage?.withEmbedding.find((w) => w.mode === "hybrid")?.result.p99;
      const int8 =
        s.bytes?.find((b) => b.encoding === "default" && b.perUser === 1000) ??
        s.bytes?.find((b) => b.encoding === "int8");
      return [
        `${s.label} (${s.engine})`,
        fmtMs(s.floor.c1.p99),
        verdict(append?.c1?.p99, TARGET.appendVsPing * s.floor.c1.p99),
        verdict(history?.c1?.p99, TARGET.historyP99),
        verdict(withEmb, TARGET.recallP99),
        int8?.bytesPerMessage !== undefined
          ? verdict(int8.bytesPerMessage, TARGET.bytes, "B")
          : int8?.error
            ? `not supported: ${int8.error}`
            : "–",
      ];
    }),
  };
}

export function floorTable(servers: ServerResults[]): Table {
  return {
    headers: ["server", "PING p50 ms", "p99 ms", "ops/s c1", "ops/s c32"],
    rows: servers.map((s) => [
      s.label,
      fmtMs(s.floor.c1.p50),
      fmtMs(s.floor.c1.p99),
      fmtInt(s.floor.c1.opsPerSec),
      fmtInt(s.floor.c32.opsPerSec),
    ]),
  };
}

function cut(r: RunResult | undefined): string {
  return r?.truncated ? ` (n=${r.n}, time-capped)` : "";
}

export function storageTable(s: ServerResults): Table {
  return {
    headers: [
      "memories",
      "operation",
      "c1 p50",
      "c1 p95",
      "c1 p99",
      "c1 ops/s",
      "c32 p50",
      "c32 p95",
      "c32 p99",
      "c32 ops/s",
    ],
    rows: (s.storage?.cases ?? []).map((c) => [
      c.scope,
      c.op + cut(c.c1),
      fmtMs(c.c1?.p50),
      fmtMs(c.c1?.p95),
      fmtMs(c.c1?.p99),
      fmtInt(c.c1?.opsPerSec),
      ...(c.c32
        ? [fmtMs(c.c32.p50), fmtMs(c.c32.p95), fmtMs(c.c32.p99), fmtInt(c.c32.opsPerSec) + cut(c.c32)]
        : [c.skipped ?? "–", "", "", ""]),
    ]),
  };
}

export function naiveTable(servers: ServerResults[]): Table {
  return {
    headers: [
      "server",
      "plan append p50 / p99 ms",
      "our append p50 / p99 ms",
      "ours / plan p50",
      "ours / plan p99",
      "plan c32 ops/s",
      "our c32 ops/s",
    ],
    rows: servers.map((s) => {
      const ours = caseOf(s, "append");
      return [
        s.label,
        `${fmtMs(s.naive.c1.p50)} / ${fmtMs(s.naive.c1.p99)}`,
        `${fmtMs(ours?.c1?.p50)} / ${fmtMs(ours?.c1?.p99)}`,
        fmtRatio((ours?.c1?.p50 ?? NaN) / s.naive.c1.p50),
        fmtRatio((ours?.c1?.p99 ?? NaN) / s.naive.c1.p99),
        fmtInt(s.naive.c32.opsPerSec),
        fmtInt(ours?.c32?.opsPerSec),
      ];
    }),
  };
}

export function withEmbeddingTable(servers: ServerResults[]): Table {
  return {
    headers: ["server (engine)", "memories", "mode", "p50 ms", "p95 ms", "p99 ms"],
    rows: servers.flatMap((s) =>
      (s.storage?.withEmbedding ?? []).map((w) => [
        `${s.label} (${s.engine})`,
        w.scope,
        w.mode,
        fmtMs(w.result.p50),
        fmtMs(w.result.p95),
        fmtMs(w.result.p99),
      ]),
    ),
  };
}

export function embeddingTables(e: EmbeddingResults): Table[] {
  return [
    {
      headers: ["model", "cold load ms", "single short query p50 ms", "p99 ms"],
      rows: [[`${e.model} (${e.dtype})`, fmtInt(e.coldLoadMs), fmtMs(e.single.p50), fmtMs(e.single.p99)]],
    },
    {
      headers: ["batch size", "sentences/s", "batch p50 ms", "batch p99 ms", "sentences embedded"],
      rows: e.batches.map((b) => [
        b.size,
        fmtInt(b.sentencesPerSec),
        fmtMs(b.batchP50),
        fmtMs(b.batchP99),
        b.sentences,
      ]),
    },
  ];
}

export function bytesTable(servers: ServerResults[]): Table {
  return {
    headers: [
      "server",
      "engine",
      "encoding",
      "memories/user",
      "bytes/message (all-in)",
      "pieces: MEMORY USAGE by key kind ÷ messages",
    ],
    rows: servers.flatMap((s) =>
      (s.bytes ?? []).map((b) => [
        s.label,
        b.engine,
        b.encoding === "default" ? `default (${b.resolved})` : b.encoding,
        b.perUser ?? Math.round(b.messages / b.users),
        b.bytesPerMessage !== undefined ? fmtInt(b.bytesPerMessage) : `not supported: ${b.error}`,
        b.pieces
          ? Object.entries(b.pieces)
              .map(([k, v]) => `${k} ${Math.round(v)}`)
              .join(", ")
          : "",
      ]),
    ),
  };
}

export function overheadTable(servers: ServerResults[]): Table {
  return {
    headers: [
      "server",
      "append p50 without / with ms",
      "p99 without / with ms",
      "mean without / with ms",
      "mean overhead",
    ],
    rows: servers
      .filter((s) => s.overhead)
      .map((s) => {
        const o = s.overhead!;
        return [
          s.label,
          `${fmtMs(o.without.p50)} / ${fmtMs(o.with.p50)}`,
          `${fmtMs(o.without.p99)} / ${fmtMs(o.with.p99)}`,
          `${fmtMs(o.without.mean)} / ${fmtMs(o.with.mean)}`,
          `${((o.with.mean / o.without.mean - 1) * 100).toFixed(1)} %`,
        ];
      }),
  };
}

/** Fills the report in reading order: targets first, then the details behind them. */
export function writeSections(
  report: Report,
  r: { servers: ServerResults[]; embedding?: EmbeddingResults; notes: string[]; recallScope: string },
): void {
  const head = report.section("Targets");
  head.notes.push(...r.notes);
  head.tables.push({ table: targetsTable(r.servers, r.recallScope) });
  for (const s of r.servers.filter((x) => x.error)) head.notes.push(`**${s.label}: not fully measured** — ${s.error}`);

  report.section("1. Floor: PING round trip").tables.push({ table: floorTable(r.servers) });

  const st = report.section("2. Storage operations (embedding excluded, precomputed vectors), ms");
  st.notes.push(
    "c1 = one operation at a time; c32 = 32 in flight on one connection (ioredis pipelines them). Appends measured while the user has the listed number of memories.",
  );
  for (const s of r.servers) {
    st.tables.push({ caption: `${s.label} — engine ${s.engine}`, table: storageTable(s) });
    const rates = s.storage?.loadRates.map((l) => `${l.scope}: ${fmtInt(l.appendsPerSec)}/s`).join(", ");
    if (rates) st.notes.push(`${s.label} bulk-load rate (32 appends in flight): ${rates}.`);
  }
  st.tables.push({
    caption: "Recall including the query embedding (real model, c1)",
    table: withEmbeddingTable(r.servers),
  });

  const nv = report.section("3. Naive peer: the original plan's append (5 awaited commands)");
  nv.tables.push({ table: naiveTable(r.servers) });

  const em = report.section("4. Embedding (all-MiniLM-L6-v2 via transformers.js, CPU)");
  if (r.embedding) {
    for (const t of embeddingTables(r.embedding)) em.tables.push({ table: t });
    em.notes.push(
      `Batch sentences are chat messages averaging ${Math.round(r.embedding.meanChars)} characters. Cold load is measured in this process: importing transformers.js + onnxruntime-node and creating the session from local files.`,
    );
  } else {
    em.notes.push(
      "Not measured: no model (set EMBEDDING_MODEL_DIR or let the bench run scripts/model/fetch-test-model.sh).",
    );
  }

  const by = report.section("5. Memory per message");
  by.tables.push({ table: bytesTable(r.servers) });

  report
    .section("6. Latency-recording overhead on append (c1, alternating calls)")
    .tables.push({ table: overheadTable(r.servers) });
}
