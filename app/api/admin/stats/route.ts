import { getOverview } from "@/lib/admin/overview";
import { adminRoute } from "@/lib/admin/route";

export const runtime = "nodejs";

/** Overview: health, totals, Redis memory, bytes per message. */
export const GET = adminRoute({}, () => getOverview());
