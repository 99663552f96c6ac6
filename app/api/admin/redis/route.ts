import { getRedisReport } from "@/lib/admin/redis-report";
import { adminRoute } from "@/lib/admin/route";

export const runtime = "nodejs";

/** INFO highlights, keyspace by namespace, TTLs, SLOWLOG and vector index info. */
export const GET = adminRoute({}, () => getRedisReport());
