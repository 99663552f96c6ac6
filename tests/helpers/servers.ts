import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { VectorEngineName } from "@/lib/memory/engines/choose";

/** The four real servers scripts/test-servers.sh starts, with what each must offer. */
export interface TestServer {
  name: "redis7" | "valkey8" | "redis8" | "redis-stack";
  url: string;
  kind: "redis" | "valkey";
  engine: VectorEngineName;
  search: boolean;
  vectorSets: boolean;
  json: boolean;
}

const matrix: (Omit<TestServer, "url"> & { env: string })[] = [
  { name: "redis7", env: "REDIS7_URL", kind: "redis", engine: "scan", search: false, vectorSets: false, json: false },
  {
    name: "valkey8",
    env: "VALKEY8_URL",
    kind: "valkey",
    engine: "scan",
    search: false,
    vectorSets: false,
    json: false,
  },
  {
    name: "redis8",
    env: "REDIS8_URL",
    kind: "redis",
    engine: "vectorset",
    search: false,
    vectorSets: true,
    json: false,
  },
  {
    name: "redis-stack",
    env: "REDIS_STACK_URL",
    kind: "redis",
    engine: "redisearch",
    search: true,
    vectorSets: false,
    json: true,
  },
];

/** Servers whose URL is set; a missing one is reported by the test as skipped with the reason. */
export function testServers(): { available: TestServer[]; missing: string[] } {
  const available: TestServer[] = [];
  const missing: string[] = [];
  for (const { env, ...s } of matrix) {
    const url = process.env[env];
    if (url) available.push({ ...s, url });
    else missing.push(`${s.name} (${env} not set: run the tests through npm test)`);
  }
  return { available, missing };
}

export function serverByName(name: TestServer["name"]): TestServer | undefined {
  return testServers().available.find((s) => s.name === name);
}

/** A unique key prefix per test, so files running in parallel never see each other's keys. */
export function uniquePrefix(label = "t"): string {
  return `test:${label}:${randomUUID().slice(0, 8)}:`;
}

/** A plain client for assertions and cleanup. */
export function rawClient(url: string): Redis {
  return new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
}

/** Every key under a prefix (SCAN, never KEYS). */
export async function keysWithPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    out.push(...keys);
  } while (cursor !== "0");
  return out;
}

export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(redis, prefix);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}
