import {
  readInfo,
  readSlowlog,
  roundTripMs,
  scanKeyspace,
  type InfoSections,
  type KeyspaceReport,
  type SlowlogEntry,
} from "./redis-info";
import { adminDeps } from "./deps";

/** The INFO fields worth a glance, by section (the rest is noise for this app). */
const WANTED: Record<string, string[]> = {
  server: ["redis_version", "valkey_version", "server_name", "redis_mode", "os", "uptime_in_days", "tcp_port"],
  clients: ["connected_clients", "blocked_clients", "maxclients"],
  memory: [
    "used_memory_human",
    "used_memory_peak_human",
    "used_memory_dataset",
    "used_memory_overhead",
    "mem_fragmentation_ratio",
    "maxmemory_human",
    "maxmemory_policy",
    "allocator_frag_ratio",
  ],
  stats: [
    "total_connections_received",
    "total_commands_processed",
    "instantaneous_ops_per_sec",
    "keyspace_hits",
    "keyspace_misses",
    "evicted_keys",
    "expired_keys",
    "rejected_connections",
  ],
  persistence: [
    "rdb_last_save_time",
    "rdb_changes_since_last_save",
    "rdb_last_bgsave_status",
    "aof_enabled",
    "aof_last_write_status",
  ],
  replication: ["role", "connected_slaves"],
  keyspace: [],
};

export function pickInfo(info: InfoSections): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [section, fields] of Object.entries(WANTED)) {
    const src = info[section];
    if (!src) continue;
    out[section] = fields.length
      ? Object.fromEntries(fields.filter((f) => src[f] !== undefined).map((f) => [f, src[f]!]))
      : { ...src };
  }
  return out;
}

export interface RedisReport {
  roundTripMs: number;
  info: Record<string, Record<string, string>>;
  keyspace: KeyspaceReport;
  slowlog: { available: boolean; entries: SlowlogEntry[]; error?: string };
  index: Record<string, unknown>;
  engine: string;
}

export async function getRedisReport(): Promise<RedisReport> {
  const { rt, memory } = await adminDeps();
  const [rtt, info, keyspace, slowlog, stats] = await Promise.all([
    roundTripMs(rt.redis),
    readInfo(rt.redis),
    scanKeyspace(rt.redis, rt.config.redis.prefix),
    readSlowlog(rt.redis, 20),
    memory.stats(),
  ]);
  return { roundTripMs: rtt, info: pickInfo(info), keyspace, slowlog, index: stats.index, engine: memory.engine };
}
