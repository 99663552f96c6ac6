import { adminRoute } from "@/lib/admin/route";
import { historyQuery, userParams } from "@/lib/admin/schemas";
import { getHistoryPage } from "@/lib/admin/users";

export const runtime = "nodejs";

export const GET = adminRoute({ params: userParams, query: historyQuery }, ({ params, query }) =>
  getHistoryPage(params.userId, query),
);
