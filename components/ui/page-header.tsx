import type { ReactNode } from "react";

export function PageHeader({ title, children, testid }: { title: string; children?: ReactNode; testid?: string }) {
  return (
    <header className="mb-5" data-testid={testid}>
      <h1 className="text-2xl font-semibold">{title}</h1>
      {children && <div className="mt-1 text-sm text-slate-600">{children}</div>}
    </header>
  );
}
