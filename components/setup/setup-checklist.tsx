import Link from "next/link";
import type { MissingSetting } from "@/lib/config";
import type { CheckState, SetupCheck } from "@/lib/setup-status";
import { AutoRefresh } from "./auto-refresh";

const MARK: Record<CheckState, { sign: string; cls: string; label: string }> = {
  ok: { sign: "✓", cls: "text-emerald-600", label: "ready" },
  working: { sign: "…", cls: "text-sky-600", label: "in progress" },
  todo: { sign: "!", cls: "text-amber-600", label: "to do" },
  error: { sign: "✗", cls: "text-red-600", label: "problem" },
};

function Row({
  state,
  title,
  children,
  testId,
}: {
  state: CheckState;
  title: string;
  children: React.ReactNode;
  testId?: string;
}) {
  const m = MARK[state];
  return (
    <li className="flex gap-3 rounded border border-slate-200 bg-white p-3" data-testid={testId} data-state={state}>
      <span aria-label={m.label} className={`${m.cls} w-4 shrink-0 text-center`}>
        {m.sign}
      </span>
      <div className="min-w-0">
        <p className="font-medium break-words">{title}</p>
        <div className="text-sm text-slate-600 break-words">{children}</div>
      </div>
    </li>
  );
}

/** The start page: a live checklist (re-rendered every 2 s while something is starting). */
export function SetupChecklist({ checks, missing }: { checks: SetupCheck[]; missing: MissingSetting[] }) {
  const covered = new Set(["TELEGRAM_BOT_TOKEN", "OPENAI_API_KEY"]); // explained by the checks above
  const busy = checks.some((c) => c.state === "working");
  return (
    <main className="mx-auto max-w-2xl p-8" data-testid="setup">
      {busy && <AutoRefresh seconds={2} />}
      <h1 className="text-3xl font-semibold">MindMate</h1>
      <p className="mt-1 text-slate-600">Telegram AI companion with long-term memory.</p>
      <ul className="mt-6 space-y-2" data-testid="setup-checks">
        {checks.map((c) => (
          <Row key={c.id} state={c.state} title={c.title} testId={`check-${c.id}`}>
            {c.detail}
            {c.state === "working" && c.percent !== undefined && (
              <span className="mt-1 block h-1.5 w-full rounded bg-slate-100">
                <span className="block h-1.5 rounded bg-sky-500" style={{ width: `${c.percent}%` }} />
              </span>
            )}
          </Row>
        ))}
        {missing
          .filter((m) => !covered.has(m.variable))
          .map((m) => (
            <Row key={m.variable} state="todo" title={`${m.variable} is not set`}>
              {m.effect} <span className="block">How: {m.fix}</span>
            </Row>
          ))}
      </ul>
      <p className="mt-6">
        <Link href="/dashboard" className="rounded bg-slate-900 px-4 py-2 text-white">
          Open the dashboard
        </Link>
        <Link href="/dashboard/playground" className="ml-4 text-slate-700 underline">
          Playground
        </Link>
      </p>
    </main>
  );
}
