import { Card } from "@/components/ui/card";
import { formatDate } from "@/components/ui/format";
import { EmptyState } from "@/components/ui/messages";
import type { ProfileFact } from "@/lib/memory/types";
import { ProfileFactActions } from "./profile-fact-actions";
import { CATEGORY_LABELS } from "@/lib/chat/profile/labels";

function Sources({ userId, fact }: { userId: number; fact: ProfileFact }) {
  if (fact.sources.length === 0)
    return <span>{fact.by === "admin" ? "edited by an admin" : fact.by === "import" ? "imported" : "no source"}</span>;
  return (
    <span>
      from{" "}
      {fact.sources.map((id, i) => (
        <a
          key={id}
          href={`/dashboard/users/${userId}?focus=${id}#m-${id}`}
          className="text-sky-700 hover:underline"
          data-testid="profile-source"
        >
          {i > 0 ? ", " : ""}message {i + 1}
        </a>
      ))}
    </span>
  );
}

/**
 * The user's profile: current facts with where each was learnt (links into the timeline) and
 * edit/delete for the admin; superseded and deleted facts below as history.
 */
export function ProfileCard({ userId, facts }: { userId: number; facts: ProfileFact[] }) {
  const live = facts.filter((f) => !f.supersededAt);
  const past = facts.filter((f) => f.supersededAt).reverse();
  return (
    <Card title={`Profile (${live.length})`} testid="user-profile">
      {live.length === 0 ? (
        <EmptyState title="No profile facts yet">
          The bot notes durable facts and preferences every few turns (PROFILE_EVERY_TURNS).
        </EmptyState>
      ) : (
        <ul className="space-y-2 text-sm">
          {live.map((f) => (
            <li
              key={f.id}
              className="rounded-md border border-slate-200 p-2"
              data-testid="profile-fact"
              data-fact-id={f.id}
            >
              <div className="flex items-start justify-between gap-2">
                <div>
                  <span className="text-xs font-semibold uppercase text-slate-500">{CATEGORY_LABELS[f.category]}</span>
                  <p data-testid="profile-fact-text">{f.text}</p>
                </div>
                <ProfileFactActions userId={userId} fact={{ id: f.id, text: f.text }} />
              </div>
              <p className="mt-1 text-xs text-slate-500">
                learnt {formatDate(f.learntAt)} · <Sources userId={userId} fact={f} />
              </p>
            </li>
          ))}
        </ul>
      )}
      {past.length > 0 && (
        <details className="mt-3 text-sm" data-testid="profile-history">
          <summary className="cursor-pointer text-slate-600">History ({past.length} superseded or deleted)</summary>
          <ul className="mt-1 space-y-1">
            {past.map((f) => (
              <li key={f.id} className="text-slate-500" data-testid="profile-past-fact">
                <span className="line-through">{f.text}</span> — {f.deleted ? "deleted" : "replaced"}{" "}
                {formatDate(f.supersededAt)}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  );
}
