import { adminRoute } from "@/lib/admin/route";
import { userParams } from "@/lib/admin/schemas";
import { clearUser } from "@/lib/admin/users";

export const runtime = "nodejs";

/** New conversation: short-term history only; long-term memory and settings stay. */
export const POST = adminRoute({ params: userParams, mutation: true }, ({ params }) => clearUser(params.userId));
