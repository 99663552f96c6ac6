import Link from "next/link";
import { formatDate, formatNumber } from "@/components/ui/format";
import { link, table, td, th } from "@/components/ui/styles";
import type { UserSummary } from "@/lib/memory/types";
import type { UsersQuery } from "@/lib/admin/schemas";

type SortKey = UsersQuery["sort"];

function SortHeader({ label, sortKey, q }: { label: string; sortKey: SortKey; q: UsersQuery }) {
  const active = q.sort === sortKey;
  const order = active && q.order === "desc" ? "asc" : "desc";
  const params = new URLSearchParams({ ...(q.q ? { q: q.q } : {}), sort: sortKey, order });
  return (
    <th className={th} aria-sort={active ? (q.order === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={`/dashboard/users?${params}`} className="hover:underline" data-testid={`sort-${sortKey}`}>
        {label} {active ? (q.order === "asc" ? "▲" : "▼") : ""}
      </Link>
    </th>
  );
}

export function UsersTable({ users, q }: { users: UserSummary[]; q: UsersQuery }) {
  return (
    <table className={table} data-testid="users-table">
      <thead>
        <tr>
          <SortHeader label="User id" sortKey="userId" q={q} />
          <th className={th}>Name</th>
          <SortHeader label="Last active" sortKey="lastActive" q={q} />
          <SortHeader label="Messages" sortKey="messages" q={q} />
          <th className={th}>Model</th>
          <th className={th}>Personal mode</th>
        </tr>
      </thead>
      <tbody>
        {users.map((u) => (
          <tr key={u.userId} data-testid={`user-row-${u.userId}`} className="hover:bg-slate-50">
            <td className={`${td} tabular-nums`}>
              <Link href={`/dashboard/users/${u.userId}`} className={link} data-testid="user-link">
                {u.userId}
              </Link>
            </td>
            <td className={td}>
              {u.firstName ?? "—"}
              {u.username && <span className="ml-1 text-slate-500">@{u.username}</span>}
            </td>
            <td className={td}>{formatDate(u.lastActiveAt ?? u.lastSeenAt)}</td>
            <td className={`${td} tabular-nums`} data-testid="user-messages">
              {formatNumber(u.messages)}
            </td>
            <td className={td}>{u.model ?? "default"}</td>
            <td className={td}>{u.personal ? "on" : "off"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
