import type { ReactNode } from "react";

export function Stat({
  label,
  value,
  hint,
  testid,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testid?: string;
}) {
  return (
    <div className="rounded-md border border-slate-100 bg-slate-50 p-3" data-testid={testid}>
      <p className="text-xs uppercase tracking-wide text-slate-500">{label}</p>
      <p className="mt-1 text-xl font-semibold tabular-nums" data-testid={testid ? `${testid}-value` : undefined}>
        {value}
      </p>
      {hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
    </div>
  );
}
