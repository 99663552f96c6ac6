import { Card } from "@/components/ui/card";
import { formatDate, formatMs } from "@/components/ui/format";
import { table, td, th } from "@/components/ui/styles";
import type { RedisReport } from "@/lib/admin/redis-report";

export function SlowlogCard({ slowlog }: { slowlog: RedisReport["slowlog"] }) {
  return (
    <Card title="SLOWLOG (newest 20)" testid="redis-slowlog">
      {!slowlog.available ? (
        <p className="text-sm text-slate-600">This server does not allow SLOWLOG ({slowlog.error}).</p>
      ) : slowlog.entries.length === 0 ? (
        <p className="text-sm text-slate-600">No slow commands recorded (threshold: slowlog-log-slower-than).</p>
      ) : (
        <table className={table}>
          <thead>
            <tr>
              <th className={th}>When</th>
              <th className={th}>Took</th>
              <th className={th}>Command</th>
            </tr>
          </thead>
          <tbody>
            {slowlog.entries.map((e) => (
              <tr key={e.id}>
                <td className={`${td} whitespace-nowrap text-xs`}>{formatDate(e.at)}</td>
                <td className={`${td} whitespace-nowrap tabular-nums`}>{formatMs(e.durationUs / 1000)}</td>
                <td className={`${td} break-all font-mono text-xs`}>{e.command}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
