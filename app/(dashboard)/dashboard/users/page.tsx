import Link from "next/link";
import { Card } from "@/components/ui/card";
import { EmptyState, ErrorMessage, Notice } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { Pager } from "@/components/ui/pager";
import { button, input, link } from "@/components/ui/styles";
import { load } from "@/lib/admin/load";
import { usersQuery } from "@/lib/admin/schemas";
import { listUsersPage } from "@/lib/admin/users";
import { UsersTable } from "./_components/users-table";

export const dynamic = "force-dynamic";

export default async function UsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v !== ""),
  );
  const parsed = usersQuery.safeParse(raw);
  const q = parsed.success ? parsed.data : usersQuery.parse({});
  const res = await load("users", () => listUsersPage(q));
  const forgotten = typeof raw.forgotten === "string" ? raw.forgotten : undefined;
  return (
    <div className="space-y-4" data-testid="users-page">
      <PageHeader title="Users">
        Everyone who talked to the bot or the playground. Click an id for the history.
      </PageHeader>
      {forgotten && (
        <Notice testid="users-forgotten">
          User {forgotten} was forgotten: every message, memory and setting is deleted.
        </Notice>
      )}
      <Card>
        <form method="get" className="mb-3 flex gap-2" data-testid="users-search">
          <input
            name="q"
            defaultValue={q.q ?? ""}
            placeholder="Search id, name or @username"
            className={`${input} w-72`}
            data-testid="users-search-input"
          />
          <input type="hidden" name="sort" value={q.sort} />
          <input type="hidden" name="order" value={q.order} />
          <button type="submit" className={button} data-testid="users-search-submit">
            Search
          </button>
          {q.q && (
            <Link href="/dashboard/users" className={`${link} self-center text-sm`}>
              Clear
            </Link>
          )}
        </form>
        {!parsed.success && (
          <ErrorMessage title="Ignored invalid list options">
            {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}
          </ErrorMessage>
        )}
        {!res.ok ? (
          <ErrorMessage>{res.error}</ErrorMessage>
        ) : res.data.total === 0 ? (
          q.q ? (
            <EmptyState title={`No user matches “${q.q}”`}>
              Try part of the id, the first name or the @username.
            </EmptyState>
          ) : (
            <EmptyState title="No users yet" testid="users-empty">
              Connect the bot (set <code>TELEGRAM_BOT_TOKEN</code> and send it a message) or chat in the{" "}
              <Link href="/dashboard/playground" className={link}>
                playground
              </Link>
              ; users appear here after their first message.
            </EmptyState>
          )
        ) : (
          <>
            <UsersTable users={res.data.users} q={q} />
            <Pager
              basePath="/dashboard/users"
              params={{ q: q.q, sort: q.sort, order: q.order }}
              offset={q.offset}
              limit={q.limit}
              total={res.data.total}
            />
          </>
        )}
      </Card>
    </div>
  );
}
