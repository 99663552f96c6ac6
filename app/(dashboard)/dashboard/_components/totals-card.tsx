import { Card } from "@/components/ui/card";
import { formatBytes, formatNumber } from "@/components/ui/format";
import { Stat } from "@/components/ui/stat";
import type { Overview } from "@/lib/admin/overview";

export function TotalsCard({ o }: { o: Overview }) {
  const t = o.totals;
  return (
    <Card title="Totals" testid="overview-totals">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat label="Users" value={formatNumber(t.users)} testid="stat-users" />
        <Stat label="Messages" value={formatNumber(t.messages)} testid="stat-messages" />
        <Stat label="Long-term memories" value={formatNumber(t.memories)} testid="stat-memories" />
        <Stat
          label="Tokens"
          value={formatNumber(t.promptTokens + t.completionTokens)}
          hint={`${formatNumber(t.promptTokens)} prompt + ${formatNumber(t.completionTokens)} completion`}
          testid="stat-tokens"
        />
      </div>
      {o.journal.pending > 0 && (
        <p className="mt-3 text-sm text-amber-800">{o.journal.pending} writes wait in the journal for Redis.</p>
      )}
    </Card>
  );
}

export function RedisMemoryCard({ o }: { o: Overview }) {
  const m = o.redisMemory;
  const b = o.bytesPerMessage;
  return (
    <Card title="Redis memory" testid="overview-redis-memory">
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3">
        <Stat label="Used" value={formatBytes(m.usedBytes)} testid="stat-used-memory" />
        <Stat label="Peak" value={formatBytes(m.peakBytes)} testid="stat-peak-memory" />
        <Stat
          label="Fragmentation"
          value={m.fragmentation?.toFixed(2) ?? "—"}
          hint="RSS ÷ used; much above 1.5 wastes RAM"
          testid="stat-fragmentation"
        />
        <Stat
          label="Max memory"
          value={m.maxmemoryBytes ? formatBytes(m.maxmemoryBytes) : "no limit"}
          hint={`policy ${m.policy ?? "?"}`}
          testid="stat-maxmemory"
        />
        <Stat
          label="Evicted keys"
          value={formatNumber(m.evictedKeys)}
          hint={m.evictedKeys > 0 ? "Redis dropped data to stay under maxmemory" : undefined}
          testid="stat-evicted"
        />
        <Stat
          label="Bytes per stored message"
          value={b.keys !== null ? formatBytes(b.keys) : b.usedMemory !== null ? formatBytes(b.usedMemory) : "—"}
          hint={
            b.keys !== null
              ? `this app's keys (sampled MEMORY USAGE${b.keysSampled ? ", estimated" : ""}) ÷ stored messages; whole server's used memory ÷ messages: ${formatBytes(b.usedMemory)}`
              : b.usedMemory !== null
                ? "used memory ÷ stored messages"
                : "no messages stored yet"
          }
          testid="stat-bytes-per-message"
        />
      </div>
    </Card>
  );
}
