import { formatDate } from "@/components/ui/format";
import { Pager } from "@/components/ui/pager";
import type { MemoryHit } from "@/lib/memory/types";

/** Long-term memories, newest first, paged with ?mo=<offset>. */
export function MemoriesList({
  userId,
  items,
  total,
  offset,
  limit,
  focus,
}: {
  userId: number;
  items: MemoryHit[];
  total: number;
  offset: number;
  limit: number;
  focus?: string;
}) {
  return (
    <div data-testid="memories">
      <ul className="divide-y divide-slate-100 text-sm">
        {items.map((m) => (
          <li
            key={m.id}
            id={`mem-${m.id}`}
            data-testid="memory-item"
            className={`scroll-mt-20 py-1.5 ${focus === m.id ? "bg-amber-50" : ""}`}
          >
            <span className="mr-2 text-xs text-slate-500">
              {formatDate(m.ts)} · {m.role}
            </span>
            {m.content}
          </li>
        ))}
      </ul>
      <Pager
        basePath={`/dashboard/users/${userId}`}
        params={{}}
        offset={offset}
        limit={limit}
        total={total}
        testid="memories-pager"
        offsetParam="mo"
        hash="#memories"
      />
    </div>
  );
}
