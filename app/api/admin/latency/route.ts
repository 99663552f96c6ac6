import { getLatency } from "@/lib/admin/latency";
import { adminRoute } from "@/lib/admin/route";
import { latencyQuery } from "@/lib/admin/schemas";

export const runtime = "nodejs";

/** p50/p95/p99 per step for the last hour (1 min steps) or day (15 min steps). */
export const GET = adminRoute({ query: latencyQuery }, ({ query }) => getLatency(query.range, query.op));
