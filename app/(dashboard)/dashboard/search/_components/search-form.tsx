import { button, input } from "@/components/ui/styles";
import type { SearchQuery } from "@/lib/admin/schemas";

/** A plain GET form: results are server-rendered and every search has a shareable URL. */
export function SearchForm({ q }: { q: Partial<SearchQuery> }) {
  return (
    <form method="get" className="flex flex-wrap items-end gap-3" data-testid="search-form">
      <label className="flex min-w-72 flex-1 flex-col text-xs font-medium text-slate-600">
        Query
        <input
          name="q"
          defaultValue={q.q ?? ""}
          required
          placeholder="e.g. favourite food"
          className={`${input} mt-1`}
          data-testid="search-query"
        />
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-600">
        User id (blank = all)
        <input
          name="userId"
          defaultValue={q.userId ?? ""}
          inputMode="numeric"
          className={`${input} mt-1 w-40`}
          data-testid="search-user"
        />
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-600">
        k
        <input
          name="k"
          type="number"
          min={1}
          max={100}
          defaultValue={q.k ?? 10}
          className={`${input} mt-1 w-20`}
          data-testid="search-k"
        />
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Min score
        <input
          name="minScore"
          type="number"
          min={0}
          max={1}
          step="any"
          defaultValue={q.minScore ?? 0}
          className={`${input} mt-1 w-24`}
          data-testid="search-min-score"
        />
      </label>
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Mode
        <select name="mode" defaultValue={q.mode ?? "hybrid"} className={`${input} mt-1`} data-testid="search-mode">
          <option value="hybrid">hybrid</option>
          <option value="dense">dense (vectors)</option>
          <option value="lexical">lexical (BM25)</option>
        </select>
      </label>
      <button type="submit" className={button} data-testid="search-submit">
        Search
      </button>
    </form>
  );
}
