import { Card } from "@/components/ui/card";
import { formatMs } from "@/components/ui/format";
import { EmptyState, ErrorMessage } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { load } from "@/lib/admin/load";
import { describeIssues } from "@/lib/admin/route";
import { searchQuery } from "@/lib/admin/schemas";
import { searchMemories } from "@/lib/admin/search";
import { SearchForm } from "./_components/search-form";
import { SearchResults } from "./_components/search-results";

export const dynamic = "force-dynamic";

export default async function SearchPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter(([, v]) => typeof v === "string" && v !== ""),
  );
  const asked = "q" in raw;
  const parsed = searchQuery.safeParse(raw);
  const result = asked && parsed.success ? await load("search results", () => searchMemories(parsed.data)) : undefined;
  return (
    <div className="space-y-4" data-testid="search-page">
      <PageHeader title="Search">
        Who talked about what: searches long-term memory with the same recall the bot uses.
      </PageHeader>
      <Card>
        <SearchForm q={parsed.success ? parsed.data : (raw as Record<string, never>)} />
      </Card>
      {asked && !parsed.success && (
        <ErrorMessage title="Check the search options">{describeIssues(parsed.error)}</ErrorMessage>
      )}
      {!asked && (
        <EmptyState title="Type what you are looking for" testid="search-empty">
          Hybrid mode combines meaning (vectors) and exact words (BM25). Leave the user id blank to search everyone;
          raise the min score to see only close matches.
        </EmptyState>
      )}
      {result && !result.ok && <ErrorMessage>{result.error}</ErrorMessage>}
      {result?.ok &&
        (result.data.hits.length === 0 ? (
          <EmptyState title="Nothing found" testid="search-none">
            No memory matches with score ≥ {parsed.data?.minScore} (searched in {formatMs(result.data.tookMs)} with
            engine {result.data.engine}). Lower the min score, try other words or the lexical mode.
          </EmptyState>
        ) : (
          <Card>
            <SearchResults r={result.data} />
          </Card>
        ))}
    </div>
  );
}
