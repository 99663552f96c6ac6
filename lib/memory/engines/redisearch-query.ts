import type { MemoryRecord, VectorEncoding } from "./types";
import type { Role } from "../types";

/** Query-language helpers for RediSearch (DIALECT 2). */

/** Escapes every character that is not a letter/digit/underscore, so any value is one literal tag or term. */
export function escapeQueryValue(value: string): string {
  return value.replace(/[^\p{L}\p{N}_]/gu, "\\$&");
}

export function userFilter(userId: number | undefined): string {
  return userId === undefined ? "*" : `@user:{${escapeQueryValue(String(userId))}}`;
}

export function vectorType(enc: VectorEncoding): string {
  return enc === "float32" ? "FLOAT32" : enc === "float16" ? "FLOAT16" : "INT8";
}

/** The fields every search RETURNs (never the vector: ioredis would decode it as text). */
export const RETURN_FIELDS = ["id", "user", "role", "ts", "content", "meta"] as const;

export interface SearchDoc {
  key: string;
  score?: number;
  fields: Record<string, string>;
}

/** A RESP3 map as ioredis hands it over (flat [k, v, …] array, Map or object) → plain object. */
export function asRecord(x: unknown): Record<string, unknown> {
  if (x instanceof Map) return Object.fromEntries([...x].map(([k, v]) => [String(k), v]));
  if (Array.isArray(x)) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < x.length; i += 2) out[String(x[i])] = x[i + 1];
    return out;
  }
  return (x ?? {}) as Record<string, unknown>;
}

const stringRecord = (x: unknown) => Object.fromEntries(Object.entries(asRecord(x)).map(([k, v]) => [k, String(v)]));

/**
 * Parses FT.SEARCH replies in both protocols: RESP2 `[total, key, (score,) [f, v, …], …]`
 * and RESP3 `{total_results, results: [{id, score?, extra_attributes}]}`. NOCONTENT gives keys only.
 */
export function parseSearchReply(reply: unknown, withScores: boolean): { total: number; docs: SearchDoc[] } {
  const arr = reply as unknown[];
  if (reply instanceof Map || (Array.isArray(arr) && typeof arr[0] === "string" && !/^\d+$/.test(arr[0]))) {
    const top = asRecord(reply);
    const results = (top.results as unknown[] | undefined) ?? [];
    const docs = results.map((r) => {
      const m = asRecord(r);
      return {
        key: String(m.id),
        score: m.score === undefined ? undefined : Number(m.score),
        fields: stringRecord(m.extra_attributes),
      };
    });
    return { total: Number(top.total_results ?? 0), docs };
  }
  const total = Number(arr[0] ?? 0);
  const docs: SearchDoc[] = [];
  const fieldsAt = withScores ? 2 : 1;
  for (let i = 1; i < arr.length;) {
    const key = String(arr[i]);
    const score = withScores ? Number(arr[i + 1]) : undefined;
    const next = arr[i + fieldsAt];
    const hasFields = Array.isArray(next);
    docs.push({ key, score, fields: hasFields ? stringRecord(next) : {} });
    i += fieldsAt + (hasFields ? 1 : 0);
  }
  return { total, docs };
}

export function recordFromFields(f: Record<string, string>): MemoryRecord {
  const rec: MemoryRecord = {
    id: f.id ?? "",
    userId: Number(f.user),
    role: (f.role ?? "user") as Role,
    content: f.content ?? "",
    ts: Number(f.ts ?? 0),
  };
  if (f.meta) {
    try {
      rec.meta = JSON.parse(f.meta) as Record<string, string>;
    } catch {
      // a damaged meta field must not hide the memory itself
    }
  }
  return rec;
}

/** FT.INFO's vector attribute as a flat map (dim, distance_metric, data_type, algorithm). */
export function vectorAttribute(info: unknown, field: string): Record<string, string> | undefined {
  const attrs = (asRecord(info).attributes as unknown[] | undefined) ?? [];
  for (const a of attrs) {
    const m = stringRecord(a);
    if (m.identifier === field || m.attribute === field) return m;
  }
  return undefined;
}

export function infoValue(info: unknown, name: string): unknown {
  return asRecord(info)[name];
}
