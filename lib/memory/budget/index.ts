import { logger } from "../../log";
import type { MemoryContext } from "../context";
import { budgetBytes, isOomError, readServerMemory, type ServerMemory } from "./info";
import { maybeSample, parseSamples, project, type Projection, type Sample } from "./samples";
import { trimBatch, type TrimResult } from "./trim";

const log = logger("memory");

export interface BudgetOptions {
  /** MEMORY_BUDGET_MB: undefined = 85 % of maxmemory (off without one), 0 = off. */
  budgetMb?: number;
  /** HISTORY_PROTECT_DAYS. */
  protectDays: number;
  /** The cheap check (one INFO memory) runs after this many writes… */
  checkEveryWrites?: number;
  /** …or when this much time has passed since the last one, on the next write. */
  checkEveryMs?: number;
  /** Memories per trim batch. */
  batch?: number;
  /** Memories of each user kept by the first trim pass. */
  keepNewest?: number;
}

/** Sweeps start at this share of the budget and stop at the lower one, so writes in between never reach it. */
export const START_AT = 0.95;
export const STOP_AT = 0.9;
const MAX_BATCHES_PER_SWEEP = 200;
const OOM_RECENT_MS = 10 * 60_000;

/** What the last check saw (in-process; /api/health reads it without a round trip). */
export interface BudgetSnapshot extends ServerMemory {
  budgetBytes: number;
  budgetSource: "MEMORY_BUDGET_MB" | "85 % of maxmemory" | "off";
  checkedAt: number;
  /** Last time a write was refused with OOM in this process. */
  oomSeenAt?: number;
  sweeping: boolean;
}

export interface BudgetReport extends BudgetSnapshot {
  /** used / budget (or / maxmemory when the budget is off), 0..1+. */
  usedShare: number | null;
  level: "ok" | "warn" | "critical" | "full";
  reasons: string[];
  projection?: Projection;
  samples: Sample[];
  trimmed: {
    memories: number;
    histories: number;
    guards: number;
    sweeps: number;
    lastSweepAt?: string;
    users: { userId: number; memories: number }[];
  };
}

export interface Budget {
  /**
   * Called before an append with its estimated size: resolves at once, except during a sweep
   * once the writes since the sweep's last INFO reading have used up the room left under the
   * budget — then the write waits for the next reading (backpressure: writes may outpace
   * trimming, so without it a burst overruns the budget by whatever arrives during one batch).
   */
  beforeWrite(bytes: number): Promise<void> | undefined;
  /** Called after every append (a counter; the INFO check runs every N writes, N bytes or T ms). */
  afterWrite(bytes: number): void;
  /** Called with a failed write's error: OOM is remembered and triggers a check. */
  afterError(e: unknown): void;
  /** One check now (and a sweep if needed); resolves when done. */
  check(): Promise<BudgetSnapshot>;
  snapshot(): BudgetSnapshot | undefined;
  report(): Promise<BudgetReport>;
}

/**
 * What one append is assumed to add, for the budget's metering between INFO readings: the text
 * (UTF-8) plus a generous fixed part for the vector, the record's other fields and the history
 * entry (≈ 1 KB at the compact defaults; see the bench's bytes table). Over-estimating only makes
 * a burst wait for the sweep's next reading a little sooner.
 */
export function estimatedWriteBytes(content: string): number {
  return Buffer.byteLength(content, "utf8") + 1536;
}

export function levelOf(
  used: number,
  budget: number,
  maxmemory: number,
  oomRecent: boolean,
): { share: number | null; level: BudgetReport["level"] } {
  const limit = budget > 0 ? budget : maxmemory;
  const share = limit > 0 ? used / limit : null;
  const full = oomRecent || (maxmemory > 0 && used >= maxmemory * 0.99);
  return {
    share,
    level: full ? "full" : share === null ? "ok" : share > 0.95 ? "critical" : share > 0.9 ? "warn" : "ok",
  };
}

const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

/** Why the operator should look (health reasons and the dashboard banner). */
export function budgetReasons(s: BudgetSnapshot, now = Date.now()): string[] {
  const oomRecent = s.oomSeenAt !== undefined && now - s.oomSeenAt < OOM_RECENT_MS;
  const { share, level } = levelOf(s.usedBytes, s.budgetBytes, s.maxmemoryBytes, oomRecent);
  const out: string[] = [];
  if (oomRecent)
    out.push(
      `Redis refused a write with OOM ${Math.round((now - s.oomSeenAt!) / 1000)} s ago (maxmemory ${mb(s.maxmemoryBytes)}, policy ${s.policy ?? "?"}): writes wait in the journal until memory frees up`,
    );
  else if (level === "full")
    out.push(
      `Redis maxmemory reached: ${mb(s.usedBytes)} used of ${mb(s.maxmemoryBytes)} (policy ${s.policy ?? "?"})${s.budgetBytes ? "" : "; the memory budget is off (MEMORY_BUDGET_MB)"}`,
    );
  if (level !== "full" && share !== null && share > 0.95) {
    out.push(
      s.budgetBytes > 0
        ? `Memory budget ${Math.round(share * 100)} % used (${mb(s.usedBytes)} of ${mb(s.budgetBytes)}): old memories are being trimmed`
        : `Redis memory ${Math.round(share * 100)} % of maxmemory (${mb(s.usedBytes)} of ${mb(s.maxmemoryBytes)}) and no budget: set MEMORY_BUDGET_MB`,
    );
  }
  return out;
}

export function createBudget(ctx: MemoryContext, o: BudgetOptions): Budget {
  const everyWrites = o.checkEveryWrites ?? 100;
  const everyMs = o.checkEveryMs ?? 15_000;
  const batch = o.batch ?? 250;
  const key = ctx.keys.budget;
  let writes = 0;
  let lastCheckAt = 0;
  let snap: BudgetSnapshot | undefined;
  let oomSeenAt: number | undefined;
  let running: Promise<BudgetSnapshot> | undefined;
  let bytesSinceCheck = 0;
  // During a sweep: bytes that may still be written before the next reading (budget − used at
  // the last one, minus the estimates of the writes let through since), and who waits for it.
  let room: number | undefined;
  let waiters: (() => void)[] = [];
  const reading = (used: number, budget: number | undefined) => {
    room = budget === undefined ? undefined : budget - used;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };

  // Counts of trims not yet written: at maxmemory Redis refuses HINCRBY (deletes still work), so
  // they are kept here and written with the next batch that gets through.
  const unrecorded = { users: new Map<number, number>(), memories: 0, histories: 0, guards: 0 };

  async function record(r: TrimResult): Promise<void> {
    for (const [u, n] of r.memories) {
      unrecorded.users.set(u, (unrecorded.users.get(u) ?? 0) + n);
      unrecorded.memories += n;
    }
    unrecorded.histories += r.histories.length;
    unrecorded.guards += r.guards;
    const m = ctx.redis.multi();
    for (const [u, n] of unrecorded.users) if (n > 0) m.hincrby(key("trimmed"), String(u), n);
    if (unrecorded.memories) m.hincrby(key("state"), "memories", unrecorded.memories);
    if (unrecorded.histories) m.hincrby(key("state"), "histories", unrecorded.histories);
    if (unrecorded.guards) m.hincrby(key("state"), "guards", unrecorded.guards);
    try {
      await m.exec();
      unrecorded.users.clear();
      unrecorded.memories = unrecorded.histories = unrecorded.guards = 0;
    } catch (e) {
      if (!isOomError(e) && !/EXECABORT/.test((e as Error).message)) throw e;
    }
  }

  async function sweep(s: BudgetSnapshot): Promise<void> {
    s.sweeping = true;
    const state = { guardsDone: false };
    let batches = 0;
    let used = s.usedBytes;
    reading(used, s.budgetBytes);
    try {
      while (used > s.budgetBytes * STOP_AT && batches < MAX_BATCHES_PER_SWEEP) {
        const r = await trimBatch(ctx, { protectDays: o.protectDays, batch, keepNewest: o.keepNewest }, state);
        if (!r) {
          log.warn("memory budget: nothing left to trim", { usedBytes: used, budgetBytes: s.budgetBytes });
          break;
        }
        batches += 1;
        await record(r);
        used = (await readServerMemory(ctx.redis)).usedBytes;
        s.usedBytes = used;
        reading(used, s.budgetBytes);
      }
      if (batches) {
        await ctx.redis
          .multi()
          .hincrby(key("state"), "sweeps", 1)
          .hset(key("state"), "lastSweepAt", new Date().toISOString())
          .exec()
          .catch(() => undefined);
        log.info("memory budget sweep", { batches, usedBytes: used, budgetBytes: s.budgetBytes });
      }
    } finally {
      s.usedBytes = used;
      s.sweeping = false;
      reading(used, undefined); // writes go on unmetered (nothing left to trim: Redis itself refuses them, the journal keeps them)
    }
  }

  async function runCheck(): Promise<BudgetSnapshot> {
    const mem = await readServerMemory(ctx.redis);
    const b = budgetBytes(o.budgetMb, mem.maxmemoryBytes);
    const s: BudgetSnapshot = {
      ...mem,
      budgetBytes: b.bytes,
      budgetSource: b.source,
      checkedAt: Date.now(),
      oomSeenAt,
      sweeping: false,
    };
    snap = s;
    await maybeSample(ctx.redis, key("samples"), mem.usedBytes).catch(() => false); // a full Redis refuses the sample: fine
    if (b.bytes > 0 && mem.usedBytes >= b.bytes * START_AT) await sweep(s);
    return s;
  }

  function check(): Promise<BudgetSnapshot> {
    lastCheckAt = Date.now();
    writes = 0;
    bytesSinceCheck = 0;
    running ??= runCheck()
      .catch((e: unknown) => {
        log.warn("memory budget check failed", { error: e });
        return snap ?? Promise.reject(e);
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    beforeWrite(bytes) {
      if (room === undefined) return undefined;
      if (room >= bytes) {
        room -= bytes;
        return undefined;
      }
      const wait = async (): Promise<void> => {
        while (room !== undefined && room < bytes) await new Promise<void>((r) => waiters.push(r));
        if (room !== undefined) room -= bytes;
      };
      return wait();
    },
    afterWrite(bytes) {
      writes += 1;
      bytesSinceCheck += bytes;
      if (running) return;
      // Every N writes, T ms, or 2 % of the budget written (big messages fill it in fewer writes).
      const byBytes = snap !== undefined && snap.budgetBytes > 0 && bytesSinceCheck >= snap.budgetBytes * 0.02;
      if (writes >= everyWrites || byBytes || Date.now() - lastCheckAt >= everyMs) void check().catch(() => undefined);
    },
    afterError(e) {
      if (!isOomError(e)) return;
      oomSeenAt = Date.now();
      if (snap) snap.oomSeenAt = oomSeenAt;
      if (!running) void check().catch(() => undefined);
    },
    check,
    snapshot: () => snap,
    async report() {
      const mem = await readServerMemory(ctx.redis);
      const b = budgetBytes(o.budgetMb, mem.maxmemoryBytes);
      await maybeSample(ctx.redis, key("samples"), mem.usedBytes).catch(() => false);
      const res =
        (await ctx.redis.multi().hgetall(key("state")).hgetall(key("trimmed")).lrange(key("samples"), 0, -1).exec()) ??
        [];
      const state = (res[0]?.[1] ?? {}) as Record<string, string>;
      const trimmed = (res[1]?.[1] ?? {}) as Record<string, string>;
      const samples = parseSamples((res[2]?.[1] ?? []) as string[]).reverse();
      const s: BudgetSnapshot = {
        ...mem,
        budgetBytes: b.bytes,
        budgetSource: b.source,
        checkedAt: Date.now(),
        oomSeenAt,
        sweeping: snap?.sweeping ?? false,
      };
      const oomRecent = oomSeenAt !== undefined && Date.now() - oomSeenAt < OOM_RECENT_MS;
      const { share, level } = levelOf(mem.usedBytes, b.bytes, mem.maxmemoryBytes, oomRecent);
      const users = Object.entries(trimmed)
        .map(([u, n]) => ({ userId: Number(u), memories: Number(n) }))
        .sort((x, y) => y.memories - x.memories || x.userId - y.userId);
      return {
        ...s,
        usedShare: share,
        level,
        reasons: budgetReasons(s),
        projection: project(
          samples,
          { ts: s.checkedAt, usedBytes: mem.usedBytes },
          b.bytes > 0 ? b.bytes : mem.maxmemoryBytes,
        ),
        samples,
        trimmed: {
          memories: Number(state.memories ?? 0),
          histories: Number(state.histories ?? 0),
          guards: Number(state.guards ?? 0),
          sweeps: Number(state.sweeps ?? 0),
          lastSweepAt: state.lastSweepAt,
          users,
        },
      };
    },
  };
}
