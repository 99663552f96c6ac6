import Link from "next/link";
import { buttonSecondary } from "./styles";

/** Previous / next links that keep the other query parameters. */
export function Pager({
  basePath,
  params,
  offset,
  limit,
  total,
  testid = "pager",
  offsetParam = "offset",
  hash = "",
}: {
  basePath: string;
  params: Record<string, string | undefined>;
  offset: number;
  limit: number;
  total: number;
  testid?: string;
  offsetParam?: string;
  hash?: string;
}) {
  const href = (o: number) => {
    const q = new URLSearchParams(
      Object.entries({ ...params, [offsetParam]: String(o) }).filter(
        (e): e is [string, string] => !!e[1] && e[1] !== "0",
      ),
    );
    return `${basePath}${q.size ? `?${q}` : ""}${hash}`;
  };
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <div className="mt-3 flex items-center gap-2 text-sm" data-testid={testid}>
      <span className="text-slate-600" data-testid={`${testid}-range`}>
        {from}–{to} of {total}
      </span>
      {offset > 0 && (
        <Link href={href(Math.max(0, offset - limit))} className={buttonSecondary} data-testid={`${testid}-prev`}>
          ← Previous
        </Link>
      )}
      {to < total && (
        <Link href={href(offset + limit)} className={buttonSecondary} data-testid={`${testid}-next`}>
          Next →
        </Link>
      )}
    </div>
  );
}
