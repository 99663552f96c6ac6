import type { Redis } from "../redis/client";
import { prefixPattern, scanKeys } from "../redis/scan";

/**
 * What the dashboard's Redis page shows: INFO fields that matter, the app's keyspace grouped
 * by namespace with sampled MEMORY USAGE, TTLs and SLOWLOG. Everything is bounded (SCAN stops
 * after `maxKeys`, MEMORY USAGE runs on a sample) so the page stays cheap on big databases.
 * Commands a managed service refuses (SLOWLOG, MEMORY USAGE on some) degrade to "unavailable".
 */

export type InfoSections = Record<string, Record<string, string>>;

export function parseInfo(text: string): InfoSections {
  const out: InfoSections = {};
  let section = "default";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith("#")) {
      section = line.slice(1).trim().toLowerCase();
      out[section] ??= {};
      continue;
    }
    const i = line.indexOf(":");
    if (i > 0) (out[section] ??= {})[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export async function readInfo(redis: Redis): Promise<InfoSections> {
  return parseInfo(await redis.info("everything").catch(() => redis.info()));
}

export async function roundTripMs(redis: Redis): Promise<number> {
  const started = performance.now();
  await redis.ping();
  return Math.round((performance.now() - started) * 1000) / 1000;
}

export interface KeySample {
  key: string;
  type: string;
  bytes?: number;
  /** Seconds; -1 = no expiry. */
  ttl: number;
}

export interface NamespaceStats {
  namespace: string;
  keys: number;
  sampled: number;
  /** Average MEMORY USAGE of the sample × keys. */
  estimatedBytes?: number;
  types: Record<string, number>;
}

export interface KeyspaceReport {
  prefix: string;
  scannedKeys: number;
  /** True when SCAN stopped at maxKeys: counts are lower bounds. */
  truncated: boolean;
  dbKeys: number;
  namespaces: NamespaceStats[];
  biggestKeys: KeySample[];
  ttl: { bucket: string; keys: number }[];
  memoryUsageAvailable: boolean;
}

/** "h:42" → "h", "m:vec:42" → "m:vec", "metrics:recall:29000" → "metrics:recall". */
export function namespaceOf(keyWithoutPrefix: string): string {
  const parts = keyWithoutPrefix.split(":");
  const kept: string[] = [];
  for (const p of parts.slice(0, Math.max(1, parts.length - 1))) {
    if (/^-?\d+$/.test(p) || kept.length === 2) break;
    kept.push(p);
  }
  return kept.join(":") || parts[0]!;
}

const TTL_BUCKETS: { bucket: string; max: number }[] = [
  { bucket: "< 1 hour", max: 3600 },
  { bucket: "< 1 day", max: 86400 },
  { bucket: "< 7 days", max: 7 * 86400 },
  { bucket: "< 30 days", max: 30 * 86400 },
  { bucket: "≥ 30 days", max: Infinity },
];

export function ttlBucket(ttl: number): string {
  if (ttl < 0) return "no expiry";
  return TTL_BUCKETS.find((b) => ttl < b.max)!.bucket;
}

export async function scanKeyspace(
  redis: Redis,
  prefix: string,
  opts: { maxKeys?: number; samplePerNamespace?: number } = {},
): Promise<KeyspaceReport> {
  const maxKeys = opts.maxKeys ?? 20000;
  const perNs = opts.samplePerNamespace ?? 25;
  const byNs = new Map<string, string[]>();
  let scanned = 0;
  let truncated = false;
  for await (const keys of scanKeys(redis, prefixPattern(prefix), Math.min(1000, maxKeys))) {
    for (const k of keys) {
      scanned++;
      const ns = namespaceOf(k.slice(prefix.length));
      const list = byNs.get(ns) ?? [];
      list.push(k);
      byNs.set(ns, list);
    }
    if (scanned >= maxKeys) {
      truncated = true; // (or the last page ended exactly there: a report that says "at least")
      break;
    }
  }

  const sample: { ns: string; key: string }[] = [];
  for (const [ns, keys] of byNs) {
    const step = Math.max(1, Math.floor(keys.length / perNs));
    for (let i = 0, taken = 0; i < keys.length && taken < perNs; i += step, taken++) sample.push({ ns, key: keys[i]! });
  }
  const p = redis.pipeline();
  for (const { key } of sample) p.type(key).ttl(key).call("MEMORY", "USAGE", key, "SAMPLES", "0");
  const res = sample.length ? ((await p.exec()) ?? []) : [];
  const samples: (KeySample & { ns: string })[] = sample.map(({ ns, key }, i) => {
    const [eType, type] = res[i * 3] ?? [];
    const [, ttl] = res[i * 3 + 1] ?? [];
    const [eMem, bytes] = res[i * 3 + 2] ?? [];
    return {
      ns,
      key,
      type: eType ? "?" : String(type),
      ttl: Number(ttl ?? -1),
      bytes: eMem || bytes == null ? undefined : Number(bytes),
    };
  });
  const memoryUsageAvailable = samples.some((s) => s.bytes !== undefined);

  const namespaces: NamespaceStats[] = [...byNs.entries()].map(([namespace, keys]) => {
    const mine = samples.filter((s) => s.ns === namespace);
    const sized = mine.filter((s) => s.bytes !== undefined);
    const types: Record<string, number> = {};
    for (const s of mine) types[s.type] = (types[s.type] ?? 0) + 1;
    const avg = sized.length ? sized.reduce((n, s) => n + s.bytes!, 0) / sized.length : undefined;
    return {
      namespace,
      keys: keys.length,
      sampled: mine.length,
      estimatedBytes: avg === undefined ? undefined : Math.round(avg * keys.length),
      types,
    };
  });
  namespaces.sort((a, b) => (b.estimatedBytes ?? b.keys) - (a.estimatedBytes ?? a.keys));

  const ttlCounts = new Map<string, number>();
  for (const s of samples) ttlCounts.set(ttlBucket(s.ttl), (ttlCounts.get(ttlBucket(s.ttl)) ?? 0) + 1);
  const order = ["no expiry", ...TTL_BUCKETS.map((b) => b.bucket)];
  return {
    prefix,
    scannedKeys: scanned,
    truncated,
    dbKeys: await redis.dbsize(),
    namespaces,
    biggestKeys: samples
      .filter((s) => s.bytes !== undefined)
      .sort((a, b) => b.bytes! - a.bytes!)
      .slice(0, 10)
      .map(({ key, type, bytes, ttl }) => ({ key, type, bytes, ttl })),
    ttl: order.filter((b) => ttlCounts.has(b)).map((bucket) => ({ bucket, keys: ttlCounts.get(bucket)! })),
    memoryUsageAvailable,
  };
}

export interface SlowlogEntry {
  id: number;
  at: string;
  durationUs: number;
  command: string;
  client?: string;
}

/** Vector blobs and other binary arguments as "<binary>", long text cut short. */
export function printableArg(arg: unknown): string {
  const s = String(arg);
  if (/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(s)) return "<binary>"; // ioredis decoded it as UTF-8, so its byte size is lost
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

export async function readSlowlog(
  redis: Redis,
  count = 20,
): Promise<{ available: boolean; entries: SlowlogEntry[]; error?: string }> {
  try {
    const raw = (await redis.call("SLOWLOG", "GET", String(count))) as unknown[][];
    const entries = raw.map((e) => ({
      id: Number(e[0]),
      at: new Date(Number(e[1]) * 1000).toISOString(),
      durationUs: Number(e[2]),
      command: (e[3] as unknown[]).map(printableArg).join(" ").slice(0, 300),
      client: e[4] ? String(e[4]) : undefined,
    }));
    return { available: true, entries };
  } catch (e) {
    return { available: false, entries: [], error: (e as Error).message };
  }
}
