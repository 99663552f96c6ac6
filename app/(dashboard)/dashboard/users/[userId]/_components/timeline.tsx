import Link from "next/link";
import { formatDate } from "@/components/ui/format";
import { buttonSecondary } from "@/components/ui/styles";
import type { HistoryMessage } from "@/lib/memory/types";

const roleStyle: Record<string, string> = {
  user: "border-sky-200 bg-sky-50",
  assistant: "border-slate-200 bg-white",
  system: "border-amber-200 bg-amber-50",
};

/** Short-term history, oldest first; every message has an anchor (#m-<id>) for links from search. */
export function Timeline({
  userId,
  messages,
  hasMore,
  focus,
  paged,
}: {
  userId: number;
  messages: HistoryMessage[];
  hasMore: boolean;
  focus?: string;
  paged: boolean;
}) {
  return (
    <div data-testid="timeline">
      <div className="mb-2 flex gap-2">
        {hasMore && messages[0] && (
          <Link
            href={`/dashboard/users/${userId}?before=${messages[0].id}`}
            className={buttonSecondary}
            data-testid="timeline-older"
          >
            ← Older messages
          </Link>
        )}
        {paged && (
          <Link href={`/dashboard/users/${userId}`} className={buttonSecondary} data-testid="timeline-newest">
            Newest messages →
          </Link>
        )}
      </div>
      <ol className="space-y-2">
        {messages.map((m) => (
          <li
            key={m.id}
            id={`m-${m.id}`}
            data-testid="timeline-message"
            data-message-id={m.id}
            data-role={m.role}
            className={`scroll-mt-20 rounded-md border p-2 text-sm ${roleStyle[m.role] ?? ""} ${focus === m.id ? "ring-2 ring-amber-400" : ""}`}
          >
            <div className="mb-0.5 flex justify-between text-xs text-slate-500">
              <span className="font-semibold uppercase">{m.role}</span>
              <a href={`#m-${m.id}`} className="hover:underline">
                {formatDate(m.ts)}
              </a>
            </div>
            {m.media?.kind === "photo" && (
              // eslint-disable-next-line @next/next/no-img-element -- an authenticated API image; next/image would proxy it again
              <img
                src={`/api/admin/media/${encodeURIComponent(m.media.fileId)}`}
                alt={m.media.caption ?? "Photo"}
                className="mb-1 max-h-40 rounded border border-slate-200"
                loading="lazy"
                data-testid="timeline-photo"
              />
            )}
            <p className="whitespace-pre-wrap break-words">
              {m.media?.kind === "voice" && (
                <span
                  className="mr-1 font-medium text-slate-600"
                  data-testid="timeline-voice"
                  title={`Voice message, ${m.media.duration ?? "?"} s (transcript below)`}
                >
                  🎤 transcript{m.media.duration !== undefined ? ` (${Math.round(m.media.duration)} s)` : ""}:
                </span>
              )}
              {m.content}
            </p>
            {m.truncated && <p className="mt-1 text-xs text-amber-700">(stored truncated)</p>}
          </li>
        ))}
      </ol>
    </div>
  );
}
