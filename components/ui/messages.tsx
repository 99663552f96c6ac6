import type { ReactNode } from "react";

/** An error as a readable message (pages never go blank). */
export function ErrorMessage({
  title = "Something went wrong",
  children,
  testid = "error",
}: {
  title?: string;
  children: ReactNode;
  testid?: string;
}) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900" data-testid={testid}>
      <p className="font-semibold">{title}</p>
      <div className="mt-1 text-sm">{children}</div>
    </div>
  );
}

/** An empty list that says what to do next. */
export function EmptyState({
  title,
  children,
  testid = "empty",
}: {
  title: string;
  children?: ReactNode;
  testid?: string;
}) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center" data-testid={testid}>
      <p className="font-medium">{title}</p>
      {children && <div className="mx-auto mt-2 max-w-xl text-sm text-slate-600">{children}</div>}
    </div>
  );
}

export function Notice({ children, testid }: { children: ReactNode; testid?: string }) {
  return (
    <div className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900" data-testid={testid}>
      {children}
    </div>
  );
}
