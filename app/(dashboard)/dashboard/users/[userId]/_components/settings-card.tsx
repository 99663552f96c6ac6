import { Card } from "@/components/ui/card";
import { formatDate, formatNumber } from "@/components/ui/format";
import type { UserDetail } from "@/lib/admin/users";

export function SettingsCard({ d }: { d: UserDetail }) {
  const s = d.settings;
  const rows: [string, string][] = [
    ["Model", s.model ?? "default"],
    ["Personal mode (recall)", s.personal ? "on" : "off"],
    ["Language", s.language ?? "—"],
    ["First seen", formatDate(s.createdAt)],
    ["Last seen", formatDate(s.lastSeenAt)],
    ["Messages", formatNumber(s.messages)],
    ["In short-term history", formatNumber(d.historyLength)],
    ["Long-term memories", formatNumber(d.memories)],
    ["Tokens (prompt / completion)", `${formatNumber(s.promptTokens)} / ${formatNumber(s.completionTokens)}`],
  ];
  return (
    <Card title="Settings" testid="user-settings">
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{k}</dt>
            <dd data-testid={`setting-${k.split(" ")[0]!.toLowerCase()}`}>{v}</dd>
          </div>
        ))}
      </dl>
      {s.summary && (
        <details className="mt-3 text-sm">
          <summary className="cursor-pointer text-slate-600">Rolling summary</summary>
          <p className="mt-1 whitespace-pre-wrap">{s.summary}</p>
        </details>
      )}
    </Card>
  );
}
