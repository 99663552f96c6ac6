import Link from "next/link";
import type { MissingSetting } from "@/lib/config";
import type { HealthReport } from "@/lib/health";

function Row({ ok, title, children }: { ok: boolean; title: string; children: React.ReactNode }) {
  return (
    <li className="flex gap-3 rounded border border-slate-200 bg-white p-3">
      <span aria-hidden className={ok ? "text-emerald-600" : "text-amber-600"}>{ok ? "✓" : "!"}</span>
      <div>
        <p className="font-medium">{title}</p>
        <div className="text-sm text-slate-600">{children}</div>
      </div>
    </li>
  );
}

export function SetupChecklist({ missing, health }: { missing: MissingSetting[]; health: HealthReport }) {
  return (
    <main className="mx-auto max-w-2xl p-8" data-testid="setup">
      <h1 className="text-3xl font-semibold">MindMate</h1>
      <p className="mt-1 text-slate-600">Telegram AI companion with long-term memory.</p>
      <ul className="mt-6 space-y-2" data-testid="setup-checks">
        <Row ok={health.redis.reachable} title={health.redis.reachable ? `Redis: ${health.redis.serverKind} ${health.redis.version} (${health.redis.url})` : "Redis is not reachable"}>
          {health.redis.reachable ? (
            <>Vector engine: <b>{health.engine ?? "—"}</b>, round trip {health.redis.roundTripMs} ms.</>
          ) : (
            <>{health.redis.error} — start a Redis server or set <code>REDIS_URL</code>.</>
          )}
        </Row>
        <Row ok={!health.embedder.error} title={`Embeddings: ${health.embedder.provider} ${health.embedder.model} (${health.embedder.dims} dims)`}>
          {health.embedder.error ?? (health.embedder.loaded ? `Loaded in ${health.embedder.loadMs} ms.` : "Loads on first use.")}
        </Row>
        {missing.map((m) => (
          <Row key={m.variable} ok={false} title={`${m.variable} is not set`}>
            {m.effect} <span className="block">How: {m.fix}</span>
          </Row>
        ))}
      </ul>
      <p className="mt-6">
        <Link href="/dashboard" className="rounded bg-slate-900 px-4 py-2 text-white">Open the dashboard</Link>
        <a href="/api/health" className="ml-4 text-slate-700 underline">/api/health</a>
      </p>
    </main>
  );
}
