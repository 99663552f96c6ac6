import Link from "next/link";
import { LatencyChart } from "@/components/dashboard/latency-chart";
import { Card } from "@/components/ui/card";
import { formatMs, formatNumber } from "@/components/ui/format";
import { table, td, th } from "@/components/ui/styles";
import type { LatencyRangeName } from "@/lib/admin/latency";
import type { LatencySeries } from "@/lib/metrics";

const TITLES: Record<string, string> = {
  append: "Append (store a message)",
  history: "History read",
  recall: "Recall (vector search)",
  embed: "Embedding",
  llm: "LLM call",
  webhook: "Webhook handling",
};

export function LatencySection({ range, series }: { range: LatencyRangeName; series: LatencySeries[] }) {
  const tab = (r: LatencyRangeName, label: string) => (
    <Link
      href={`/dashboard?range=${r}`}
      scroll={false}
      data-testid={`latency-range-${r}`}
      aria-current={r === range ? "page" : undefined}
      className={`rounded px-2 py-1 text-xs ${r === range ? "bg-slate-900 text-white" : "bg-slate-100 text-slate-700"}`}
    >
      {label}
    </Link>
  );
  return (
    <Card
      title={`Latency — ${range === "1h" ? "last hour (1 min steps)" : "last 24 hours (15 min steps)"}`}
      testid="overview-latency"
      action={
        <div className="flex gap-1">
          {tab("1h", "Last hour")}
          {tab("24h", "Last 24 h")}
        </div>
      }
    >
      <table className={`${table} mb-4`} data-testid="latency-table">
        <thead>
          <tr>
            <th className={th}>Operation</th>
            <th className={th}>Count</th>
            <th className={th}>p50</th>
            <th className={th}>p95</th>
            <th className={th}>p99</th>
          </tr>
        </thead>
        <tbody>
          {series.map((s) => (
            <tr key={s.op} data-testid={`latency-row-${s.op}`}>
              <td className={td}>{TITLES[s.op] ?? s.op}</td>
              <td className={`${td} tabular-nums`}>{formatNumber(s.total.count)}</td>
              <td className={`${td} tabular-nums`}>{formatMs(s.total.p50)}</td>
              <td className={`${td} tabular-nums`}>{formatMs(s.total.p95)}</td>
              <td className={`${td} tabular-nums`}>{formatMs(s.total.p99)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
        {series.map((s) => (
          <LatencyChart key={s.op} title={TITLES[s.op] ?? s.op} points={s.points} testid={`latency-chart-${s.op}`} />
        ))}
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Percentiles come from log-scale histograms shared by all app instances through Redis (±9 %).
      </p>
    </Card>
  );
}
