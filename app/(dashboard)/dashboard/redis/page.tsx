import { ErrorMessage } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { load } from "@/lib/admin/load";
import { getRedisReport } from "@/lib/admin/redis-report";
import { IndexCard, InfoCard } from "./_components/info-card";
import { BiggestKeysCard, KeyspaceCard } from "./_components/keyspace-card";
import { SlowlogCard } from "./_components/slowlog-card";

export const dynamic = "force-dynamic";

export default async function RedisPage() {
  const r = await load("the Redis report", getRedisReport);
  return (
    <div className="space-y-4" data-testid="redis-page">
      <PageHeader title="Redis">
        {r.ok ? (
          <>
            Round trip {r.data.roundTripMs} ms · engine {r.data.engine}
          </>
        ) : (
          "Server details, keyspace and slow commands."
        )}
      </PageHeader>
      {!r.ok ? (
        <ErrorMessage>{r.error}</ErrorMessage>
      ) : (
        <>
          <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
            <KeyspaceCard k={r.data.keyspace} />
            <BiggestKeysCard k={r.data.keyspace} />
          </div>
          <InfoCard info={r.data.info} />
          <div className="grid gap-4 lg:grid-cols-2">
            <IndexCard engine={r.data.engine} index={r.data.index} />
            <SlowlogCard slowlog={r.data.slowlog} />
          </div>
        </>
      )}
    </div>
  );
}
