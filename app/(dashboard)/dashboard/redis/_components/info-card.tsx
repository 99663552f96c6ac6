import { Card } from "@/components/ui/card";

export function InfoCard({ info }: { info: Record<string, Record<string, string>> }) {
  return (
    <Card title="INFO" testid="redis-info">
      <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
        {Object.entries(info).map(([section, fields]) => (
          <div key={section} data-testid={`info-${section}`}>
            <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500">{section}</h3>
            <dl className="text-sm">
              {Object.entries(fields).map(([k, v]) => (
                <div key={k} className="flex justify-between gap-2 border-b border-slate-50">
                  <dt className="text-slate-600">{k}</dt>
                  <dd className="truncate font-mono text-xs" title={v}>
                    {v}
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
      </div>
    </Card>
  );
}

export function IndexCard({ engine, index }: { engine: string; index: Record<string, unknown> }) {
  return (
    <Card title={`Vector index (${engine})`} testid="redis-index">
      {Object.keys(index).length === 0 ? (
        <p className="text-sm text-slate-600">The engine reports no index details.</p>
      ) : (
        <pre className="max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(index, null, 2)}</pre>
      )}
    </Card>
  );
}
