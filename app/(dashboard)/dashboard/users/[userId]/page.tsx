import Link from "next/link";
import { Card } from "@/components/ui/card";
import { EmptyState, ErrorMessage, Notice } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { link } from "@/components/ui/styles";
import { load } from "@/lib/admin/load";
import { userId as userIdSchema } from "@/lib/admin/schemas";
import { getUserProfile } from "@/lib/admin/profile";
import { getHistoryPage, getMemoriesPage, getUserDetail, historyPageAround } from "@/lib/admin/users";
import { MemoriesList } from "./_components/memories-list";
import { ProfileCard } from "./_components/profile-card";
import { SettingsCard } from "./_components/settings-card";
import { Timeline } from "./_components/timeline";
import { UserActions } from "./_components/user-actions";

export const dynamic = "force-dynamic";

const PAGE = 50;
const MEMORIES_PAGE = 25;
const str = (v: string | string[] | undefined) =>
  typeof v === "string" && /^[0-9a-z]+-[0-9a-z]+$/.test(v) ? v : undefined;

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const parsedId = userIdSchema.safeParse((await params).userId);
  if (!parsedId.success) return <ErrorMessage title="Not a user id">{parsedId.error.issues[0]?.message}</ErrorMessage>;
  const userId = parsedId.data;
  const sp = await searchParams;
  const before = str(sp.before);
  const focus = str(sp.focus);
  const mo = Math.max(0, Number.parseInt(typeof sp.mo === "string" ? sp.mo : "0", 10) || 0);

  const detail = await load("the user", () => getUserDetail(userId));
  if (!detail.ok) {
    return detail.error.includes("No user") ? (
      <EmptyState title={`No user ${userId}`} testid="user-missing">
        Nothing is stored for this id (it may have been forgotten). Back to{" "}
        <Link href="/dashboard/users" className={link}>
          users
        </Link>
        .
      </EmptyState>
    ) : (
      <ErrorMessage>{detail.error}</ErrorMessage>
    );
  }
  const around = focus ? await load("the history", () => historyPageAround(userId, focus, PAGE)) : undefined;
  const history =
    around?.ok && around.data
      ? { ok: true as const, data: around.data }
      : await load("the history", () => getHistoryPage(userId, { before, limit: PAGE }));
  const memories = await load("long-term memories", () =>
    getMemoriesPage(userId, { offset: mo, limit: MEMORIES_PAGE }),
  );
  const profile = await load("the profile", () => getUserProfile(userId));
  const s = detail.data.settings;

  return (
    <div className="space-y-4" data-testid="user-page" data-user-id={userId}>
      <PageHeader title={`User ${userId}`} testid="user-header">
        {s.firstName ?? "Unnamed"}
        {s.username && <> · @{s.username}</>}
      </PageHeader>
      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <Card title="History" testid="user-history">
          {focus && around?.ok && !around.data && (
            <div id={`m-${focus}`} className="mb-3">
              <Notice testid="focus-outside-history">
                That message is older than the short-term history (HISTORY_MAX); it is still in the long-term memories
                on the right.
              </Notice>
            </div>
          )}
          {!history.ok ? (
            <ErrorMessage>{history.error}</ErrorMessage>
          ) : history.data.messages.length === 0 ? (
            <EmptyState title="No messages in the short-term history" testid="history-empty">
              The conversation was cleared or expired. Long-term memories stay searchable.
            </EmptyState>
          ) : (
            <Timeline
              userId={userId}
              messages={history.data.messages}
              hasMore={history.data.hasMore}
              focus={focus}
              paged={!!before || !!focus}
            />
          )}
        </Card>
        <div className="space-y-4">
          <Card title="Actions">
            <UserActions userId={userId} />
          </Card>
          <SettingsCard d={detail.data} />
          {profile.ok ? (
            <ProfileCard userId={userId} facts={profile.data.facts} />
          ) : (
            <ErrorMessage>{profile.error}</ErrorMessage>
          )}
          <Card title={`Long-term memories (${memories.ok ? memories.data.total : "?"})`} testid="user-memories">
            <span id="memories" />
            {!memories.ok ? (
              <ErrorMessage>{memories.error}</ErrorMessage>
            ) : memories.data.total === 0 ? (
              <EmptyState title="No long-term memories">Every message the user sends is remembered here.</EmptyState>
            ) : (
              <MemoriesList
                userId={userId}
                items={memories.data.items}
                total={memories.data.total}
                offset={mo}
                limit={MEMORIES_PAGE}
                focus={focus}
              />
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}
