import { adminRoute } from "@/lib/admin/route";
import { usersQuery } from "@/lib/admin/schemas";
import { listUsersPage } from "@/lib/admin/users";

export const runtime = "nodejs";

export const GET = adminRoute({ query: usersQuery }, ({ query }) => listUsersPage(query));
