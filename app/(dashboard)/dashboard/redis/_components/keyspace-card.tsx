import { Card } from "@/components/ui/card";
import { formatBytes, formatNumber } from "@/components/ui/format";
import { table, td, th } from "@/components/ui/styles";
import type { KeyspaceReport } from "@/lib/admin/redis-info";

const NAMES: Record<string, string> = {
  h: "short-term history (LIST)",
  u: "user settings (HASH)",
  users: "users index (ZSET)",
  upd: "processed Telegram updates",
  metrics: "latency metrics",
  login: "login throttle",
  applied: "journal replay guard",
};

function describe(ns: string): string {
  return NAMES[ns] ?? NAMES[ns.split(":")[0]!] ?? (ns.startsWith("m") ? "long-term memory (engine)" : "");
}

export function KeyspaceCard({ k }: { k: KeyspaceReport }) {
  return (
    <Card title="Keyspace by namespace" testid="redis-keyspace">
      <p className="mb-2 text-sm text-slate-600">
        {formatNumber(k.scannedKeys)} keys under <code className="text-slate-900">{k.prefix}</code>
        {k.truncated ? " (scan stopped early: counts are lower bounds)" : ""}, {formatNumber(k.dbKeys)} in the database.
        {!k.memoryUsageAvailable && " MEMORY USAGE is not available on this server, so sizes are unknown."}
      </p>
      <table className={table} data-testid="keyspace-table">
        <thead>
          <tr>
            <th className={th}>Namespace</th>
            <th className={th}>Keys</th>
            <th className={th}>Est. memory</th>
            <th className={th}>Per key</th>
            <th className={th}>Types (sample)</th>
          </tr>
        </thead>
        <tbody>
          {k.namespaces.map((n) => (
            <tr key={n.namespace} data-testid={`ns-${n.namespace}`}>
              <td className={td}>
                <code>{n.namespace}</code> <span className="text-xs text-slate-500">{describe(n.namespace)}</span>
              </td>
              <td className={`${td} tabular-nums`}>{formatNumber(n.keys)}</td>
              <td className={`${td} tabular-nums`}>{formatBytes(n.estimatedBytes)}</td>
              <td className={`${td} tabular-nums`}>
                {n.estimatedBytes !== undefined ? formatBytes(n.estimatedBytes / n.keys) : "—"}
              </td>
              <td className={`${td} text-xs`}>
                {Object.entries(n.types)
                  .map(([t, c]) => `${t}×${c}`)
                  .join(", ")}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-1 text-xs text-slate-500">
        Memory is estimated from MEMORY USAGE of up to 25 sampled keys per namespace.
      </p>
    </Card>
  );
}

export function BiggestKeysCard({ k }: { k: KeyspaceReport }) {
  return (
    <Card title="Biggest sampled keys" testid="redis-biggest">
      <table className={table}>
        <tbody>
          {k.biggestKeys.map((b) => (
            <tr key={b.key}>
              <td className={`${td} break-all font-mono text-xs`}>{b.key}</td>
              <td className={`${td} text-xs`}>{b.type}</td>
              <td className={`${td} whitespace-nowrap tabular-nums`}>{formatBytes(b.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3 className="mt-4 mb-1 text-xs font-semibold uppercase text-slate-500">TTL distribution (sample)</h3>
      <ul className="text-sm" data-testid="redis-ttl">
        {k.ttl.map((t) => (
          <li key={t.bucket} className="flex justify-between">
            <span>{t.bucket}</span>
            <span className="tabular-nums">{t.keys}</span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
