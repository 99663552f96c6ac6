import { Card } from "@/components/ui/card";
import { Stat } from "@/components/ui/stat";
import type { HealthReport } from "@/lib/health";

const badge = {
  ok: "bg-emerald-100 text-emerald-800",
  degraded: "bg-amber-100 text-amber-800",
  down: "bg-red-100 text-red-800",
} as const;

export function HealthCard({ health, engine }: { health: HealthReport; engine: string }) {
  const r = health.redis;
  return (
    <Card
      title="Health"
      testid="overview-health"
      action={
        <span
          className={`rounded px-2 py-0.5 text-xs font-semibold ${badge[health.status]}`}
          data-testid="health-status"
        >
          {health.status}
        </span>
      }
    >
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <Stat
          label="Redis round trip"
          value={r.roundTripMs !== undefined ? `${r.roundTripMs} ms` : "—"}
          testid="health-rtt"
        />
        <Stat
          label="Server"
          value={r.serverKind ? `${r.serverKind} ${r.version}` : "unreachable"}
          hint={r.url}
          testid="health-server"
        />
        <Stat label="Vector engine" value={health.engine ?? engine} testid="health-engine" />
        <Stat
          label="Embedder"
          value={health.embedder.model.split("/").pop()}
          hint={`${health.embedder.provider}, ${health.embedder.dims} dims${health.embedder.loaded ? `, loaded in ${health.embedder.loadMs} ms` : ", loads on first use"}`}
          testid="health-embedder"
        />
      </div>
      {health.reasons.length > 0 && (
        <ul className="mt-3 list-disc pl-5 text-sm text-amber-800">
          {health.reasons.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      )}
    </Card>
  );
}
