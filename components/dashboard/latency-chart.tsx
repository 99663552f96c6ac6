"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatMs, formatTime } from "@/components/ui/format";

export interface ChartPoint {
  t: number;
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
}

const LINES = [
  { key: "p50", color: "#0284c7" },
  { key: "p95", color: "#d97706" },
  { key: "p99", color: "#dc2626" },
] as const;

/** p50/p95/p99 over time for one operation (Recharts; client-only because it measures the DOM). */
export function LatencyChart({ title, points, testid }: { title: string; points: ChartPoint[]; testid: string }) {
  const withData = points.filter((p) => p.count > 0).length;
  const hasData = withData > 0;
  return (
    <figure
      className="rounded-lg border border-slate-200 bg-white p-3"
      data-testid={testid}
      data-has-data={hasData ? "true" : "false"}
    >
      <figcaption className="mb-1 flex justify-between text-sm font-medium">
        <span>{title}</span>
        <span className="text-xs font-normal text-slate-500">{points.reduce((n, p) => n + p.count, 0)} ops</span>
      </figcaption>
      <div className="h-44 w-full">
        {hasData ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={points} margin={{ top: 5, right: 8, left: 0, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="t" tickFormatter={formatTime} tick={{ fontSize: 10 }} minTickGap={24} />
              <YAxis tickFormatter={(v: number) => formatMs(v)} tick={{ fontSize: 10 }} width={56} />
              <Tooltip labelFormatter={(t) => formatTime(Number(t))} formatter={(v) => formatMs(Number(v))} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {LINES.map((l) => (
                <Line
                  key={l.key}
                  type="monotone"
                  dataKey={l.key}
                  stroke={l.color}
                  dot={withData < 5 ? { r: 3 } : false}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        ) : (
          <p className="flex h-full items-center justify-center text-center text-xs text-slate-500">
            No operations recorded in this range yet.
          </p>
        )}
      </div>
    </figure>
  );
}
