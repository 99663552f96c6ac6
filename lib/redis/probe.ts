import type { Redis } from "ioredis";

export interface RedisCapabilities {
  serverKind: "redis" | "valkey" | "unknown";
  version: string;
  search: { available: boolean; version?: string };
  vectorSets: boolean;
  json: { available: boolean; version?: string };
}

function infoField(info: string, field: string): string | undefined {
  const m = info.match(new RegExp(`^${field}:(.*)$`, "m"));
  return m?.[1]?.trim();
}

/** MODULE LIST encodes versions as integers: 20813 → 2.8.13. */
function moduleVersion(v: unknown): string | undefined {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return `${Math.floor(n / 10000)}.${Math.floor(n / 100) % 100}.${n % 100}`;
}

async function modules(redis: Redis): Promise<Map<string, string | undefined>> {
  const out = new Map<string, string | undefined>();
  try {
    const list = (await redis.call("MODULE", "LIST")) as unknown[][];
    for (const entry of list) {
      const fields = new Map<string, unknown>();
      for (let i = 0; i + 1 < entry.length; i += 2) fields.set(String(entry[i]), entry[i + 1]);
      out.set(String(fields.get("name")).toLowerCase(), moduleVersion(fields.get("ver")));
    }
  } catch {
    // Managed services (Upstash, some clouds) refuse MODULE LIST; commands are probed below.
  }
  return out;
}

/** True when the server knows the command (COMMAND INFO answers nil for unknown ones). */
async function hasCommand(redis: Redis, name: string): Promise<boolean> {
  try {
    const info = (await redis.call("COMMAND", "INFO", name)) as unknown[];
    return Array.isArray(info) && info[0] != null;
  } catch {
    return false;
  }
}

/** Asks the server what it is and which vector features it has. One-off, at startup. */
export async function probeRedis(redis: Redis): Promise<RedisCapabilities> {
  const info = await redis.info("server");
  const valkeyVersion = infoField(info, "valkey_version");
  const serverName = infoField(info, "server_name");
  const serverKind =
    valkeyVersion || serverName === "valkey" ? "valkey" : infoField(info, "redis_version") ? "redis" : "unknown";
  const version = valkeyVersion ?? infoField(info, "redis_version") ?? "unknown";

  const mods = await modules(redis);
  const [ftSearch, vadd, jsonSet] = await Promise.all([
    hasCommand(redis, "FT.SEARCH"),
    hasCommand(redis, "VADD"),
    hasCommand(redis, "JSON.SET"),
  ]);
  const searchModule = mods.has("search") ? "search" : mods.has("ft") ? "ft" : undefined;
  const jsonModule = mods.has("rejson") ? "rejson" : mods.has("json") ? "json" : undefined;

  return {
    serverKind,
    version,
    search: { available: ftSearch, version: searchModule ? mods.get(searchModule) : undefined },
    vectorSets: vadd,
    json: { available: jsonSet, version: jsonModule ? mods.get(jsonModule) : undefined },
  };
}
