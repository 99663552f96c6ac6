import Link from "next/link";
import { formatDate, formatMs } from "@/components/ui/format";
import { link, table, td, th } from "@/components/ui/styles";
import type { RecallResult } from "@/lib/memory/types";

export function SearchResults({ r }: { r: RecallResult }) {
  return (
    <div>
      <p className="mb-2 text-sm text-slate-600" data-testid="search-meta">
        <span data-testid="search-count">{r.hits.length}</span> results in{" "}
        <span data-testid="search-took">{formatMs(r.tookMs)}</span> · engine{" "}
        <b data-testid="search-engine">{r.engine}</b> · mode <b>{r.mode}</b>
      </p>
      <table className={table} data-testid="search-results">
        <thead>
          <tr>
            <th className={th}>Score</th>
            <th className={th}>User</th>
            <th className={th}>Role</th>
            <th className={th}>Date</th>
            <th className={th}>Message</th>
          </tr>
        </thead>
        <tbody>
          {r.hits.map((h) => (
            <tr key={`${h.userId}-${h.id}`} data-testid="search-hit" data-message-id={h.id} data-user-id={h.userId}>
              <td
                className={`${td} tabular-nums`}
                data-testid="hit-score"
                title={h.similarity !== undefined ? `cosine ${h.similarity.toFixed(3)}` : undefined}
              >
                {h.score.toFixed(3)}
                {h.similarity !== undefined && r.mode === "hybrid" && (
                  <span className="block text-xs text-slate-500">cos {h.similarity.toFixed(3)}</span>
                )}
              </td>
              <td className={td}>
                <Link href={`/dashboard/users/${h.userId}`} className={link}>
                  {h.userId}
                </Link>
              </td>
              <td className={td}>{h.role}</td>
              <td className={`${td} whitespace-nowrap`}>{formatDate(h.ts)}</td>
              <td className={td}>
                <span data-testid="hit-content">{h.content}</span>{" "}
                <Link
                  href={`/dashboard/users/${h.userId}?focus=${h.id}#m-${h.id}`}
                  className={`${link} text-xs`}
                  data-testid="hit-link"
                >
                  open in timeline
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
