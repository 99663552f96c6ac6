import { ErrorMessage } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { getLatency } from "@/lib/admin/latency";
import { load } from "@/lib/admin/load";
import { getOverview } from "@/lib/admin/overview";
import { HealthCard } from "./_components/health-card";
import { LatencySection } from "./_components/latency-section";
import { RedisMemoryCard, TotalsCard } from "./_components/totals-card";
import { FirstStepsNotice } from "./_components/first-steps";
import { BudgetBanner, BudgetCard } from "./_components/budget-card";

export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ range?: string }> }) {
  const range = (await searchParams).range === "24h" ? "24h" : "1h";
  const [overview, latency] = await Promise.all([
    load("the overview", getOverview),
    load("latency metrics", () => getLatency(range)),
  ]);
  return (
    <div className="space-y-4" data-testid="overview-page">
      <PageHeader title="Overview">
        Health, totals, Redis memory and latency of every app instance sharing this Redis.
      </PageHeader>
      {overview.ok ? (
        <>
          {overview.data.budget && <BudgetBanner b={overview.data.budget} />}
          {overview.data.totals.users === 0 && <FirstStepsNotice />}
          <HealthCard health={overview.data.health} engine={overview.data.engine} />
          <TotalsCard o={overview.data} />
          <RedisMemoryCard o={overview.data} />
          {overview.data.budget && <BudgetCard b={overview.data.budget} />}
        </>
      ) : (
        <ErrorMessage>{overview.error}</ErrorMessage>
      )}
      {latency.ok ? (
        <LatencySection range={range} series={latency.data.series} />
      ) : (
        <ErrorMessage testid="latency-error">{latency.error}</ErrorMessage>
      )}
    </div>
  );
}
