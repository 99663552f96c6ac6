import { adminRoute } from "@/lib/admin/route";
import { pageQuery, userParams } from "@/lib/admin/schemas";
import { getMemoriesPage } from "@/lib/admin/users";

export const runtime = "nodejs";

export const GET = adminRoute({ params: userParams, query: pageQuery }, ({ params, query }) =>
  getMemoriesPage(params.userId, query),
);
