import { Card } from "@/components/ui/card";
import { formatBytes, formatNumber } from "@/components/ui/format";
import { Stat } from "@/components/ui/stat";
import type { BudgetReport } from "@/lib/memory/budget";

/** Warning banner above the overview when Redis memory is above 90 % of the budget (or full). */
export function BudgetBanner({ b }: { b: BudgetReport }) {
  if (b.level === "ok") return null;
  const share = b.usedShare !== null ? `${Math.round(b.usedShare * 100)} %` : "";
  return (
    <div
      role="alert"
      data-testid="budget-banner"
      className={`rounded border p-3 text-sm ${b.level === "warn" ? "border-amber-300 bg-amber-50 text-amber-900" : "border-red-300 bg-red-50 text-red-900"}`}
    >
      <strong>
        {b.level === "full"
          ? "Redis is full."
          : `Redis memory at ${share} of the ${b.budgetBytes ? "budget" : "maxmemory"}.`}
      </strong>{" "}
      {b.reasons.length ? b.reasons.join(" · ") : "Old long-term memories will be trimmed when the budget is reached."}
    </div>
  );
}

function days(n: number | null | undefined): string {
  if (n === null || n === undefined) return "not growing";
  return n < 1 ? "< 1 day" : `≈ ${formatNumber(Math.round(n))} days`;
}

/** used / budget / maxmemory as one bar, the 24 h projection and what the budget trimmed. */
export function BudgetCard({ b }: { b: BudgetReport }) {
  const scale = Math.max(b.maxmemoryBytes, b.budgetBytes, b.usedBytes, 1);
  const pct = (x: number) => `${Math.min(100, (x / scale) * 100).toFixed(1)}%`;
  const color = b.level === "ok" ? "bg-emerald-500" : b.level === "warn" ? "bg-amber-500" : "bg-red-600";
  const p = b.projection;
  return (
    <Card title="Memory budget" testid="overview-budget">
      <div
        className="relative h-4 w-full rounded bg-slate-100"
        data-testid="budget-gauge"
        aria-label={`used ${formatBytes(b.usedBytes)} of ${formatBytes(b.budgetBytes || b.maxmemoryBytes)}`}
      >
        {/* Without maxmemory and budget there is nothing to fill up to: no bar rather than a full one. */}
        {b.maxmemoryBytes > 0 || b.budgetBytes > 0 ? (
          <div className={`h-4 rounded ${color}`} style={{ width: pct(b.usedBytes) }} />
        ) : null}
        {b.budgetBytes > 0 && (
          <div className="absolute top-0 h-4 w-0.5 bg-slate-800" style={{ left: pct(b.budgetBytes) }} title="budget" />
        )}
      </div>
      <div className="mt-3 grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat
          label="Used"
          value={formatBytes(b.usedBytes)}
          hint={
            b.usedShare !== null
              ? `${Math.round(b.usedShare * 100)} % of the ${b.budgetBytes ? "budget" : "maxmemory"}`
              : "no limit"
          }
          testid="budget-used"
        />
        <Stat
          label="Budget"
          value={b.budgetBytes ? formatBytes(b.budgetBytes) : "off"}
          hint={
            b.budgetSource === "off"
              ? "set MEMORY_BUDGET_MB (or a maxmemory) to trim before Redis is full"
              : b.budgetSource
          }
          testid="budget-budget"
        />
        <Stat
          label="Max memory"
          value={b.maxmemoryBytes ? formatBytes(b.maxmemoryBytes) : "no limit"}
          hint={`policy ${b.policy ?? "?"}`}
          testid="budget-maxmemory"
        />
        <Stat
          label="Full in"
          value={p ? days(p.daysToFull) : "—"}
          hint={
            p
              ? `at the last ${p.windowHours} h's growth (${formatBytes(Math.abs(p.growthPerDay))}/day${p.growthPerDay < 0 ? " shrinking" : ""})`
              : "needs 30 min of samples (one per 10 min)"
          }
          testid="budget-projection"
        />
        <Stat
          label="Memories trimmed"
          value={formatNumber(b.trimmed.memories)}
          hint={
            b.trimmed.lastSweepAt
              ? `${formatNumber(b.trimmed.sweeps)} sweeps, last ${b.trimmed.lastSweepAt}`
              : "none yet"
          }
          testid="budget-trimmed"
        />
        <Stat
          label="Histories trimmed"
          value={formatNumber(b.trimmed.histories)}
          hint="users inactive beyond HISTORY_PROTECT_DAYS"
          testid="budget-histories"
        />
        <Stat
          label="Replay guards trimmed"
          value={formatNumber(b.trimmed.guards)}
          hint="applied:<id> older than a day"
          testid="budget-guards"
        />
      </div>
      {b.trimmed.users.length > 0 && (
        <table className="mt-3 w-full text-sm" data-testid="budget-trimmed-users">
          <thead>
            <tr className="text-left text-slate-500">
              <th>User</th>
              <th>Memories trimmed</th>
            </tr>
          </thead>
          <tbody>
            {b.trimmed.users.slice(0, 20).map((u) => (
              <tr key={u.userId}>
                <td>
                  <a className="underline" href={`/dashboard/users/${u.userId}`}>
                    {u.userId}
                  </a>
                </td>
                <td>{formatNumber(u.memories)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
