import { formatDate } from "@/components/ui/format";
import type { PlaygroundTurn } from "@/lib/admin/playground";

/** What the pipeline put in front of the model for the last turn. */
export function PromptView({ turn }: { turn: PlaygroundTurn }) {
  const p = turn.prompt;
  return (
    <div className="space-y-3 text-sm" data-testid="prompt-view">
      <p className="text-xs text-slate-500" data-testid="prompt-meta">
        model <b>{turn.model}</b> · {p.tokens} prompt tokens (estimated) · {turn.tookMs} ms
        {turn.usage && ` · usage ${turn.usage.promptTokens} + ${turn.usage.completionTokens}`}
      </p>
      <section data-testid="prompt-recalled">
        <h3 className="text-xs font-semibold uppercase text-slate-500">Recalled memories ({p.recalled.length})</h3>
        {p.recalled.length === 0 ? (
          <p className="text-slate-500">
            None (personal mode off, nothing similar enough, or everything is already in the window).
          </p>
        ) : (
          <ul className="mt-1 space-y-1">
            {p.recalled.map((h) => (
              <li key={h.id} data-testid="recalled-item" className="rounded bg-amber-50 px-2 py-1">
                <span className="mr-1 font-mono text-xs">{h.score.toFixed(3)}</span>
                <span className="text-xs text-slate-500">
                  {formatDate(h.ts)} · {h.role}:
                </span>{" "}
                {h.content}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section data-testid="prompt-summary">
        <h3 className="text-xs font-semibold uppercase text-slate-500">Rolling summary</h3>
        <p className="whitespace-pre-wrap text-slate-700">
          {p.summary ?? "None yet (the history still fits in the window)."}
        </p>
      </section>
      <section data-testid="prompt-window">
        <h3 className="text-xs font-semibold uppercase text-slate-500">Window ({p.window.length} recent messages)</h3>
        <ol className="mt-1 space-y-1">
          {p.window.map((m) => (
            <li key={m.id} className="rounded bg-slate-50 px-2 py-1">
              <span className="text-xs font-semibold uppercase text-slate-500">{m.role}</span> {m.content}
            </li>
          ))}
        </ol>
      </section>
      <details>
        <summary className="cursor-pointer text-xs text-slate-600">
          Raw messages sent to the model ({p.messages.length})
        </summary>
        <pre
          className="mt-1 max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-900 p-2 text-xs text-slate-100"
          data-testid="prompt-raw"
        >
          {p.messages.map((m) => `[${m.role}] ${m.content}`).join("\n\n")}
        </pre>
      </details>
    </div>
  );
}
