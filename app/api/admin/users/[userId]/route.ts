import { adminRoute } from "@/lib/admin/route";
import { userParams } from "@/lib/admin/schemas";
import { forgetUser, getUserDetail } from "@/lib/admin/users";

export const runtime = "nodejs";

export const GET = adminRoute({ params: userParams }, ({ params }) => getUserDetail(params.userId));

/** Forget: deletes every key and index entry of the user. */
export const DELETE = adminRoute({ params: userParams, mutation: true }, ({ params }) => forgetUser(params.userId));
