import {
  deleteUserProfileFacts,
  editUserProfileFact,
  getUserProfile,
  profileDeleteQuery,
  profileEditBody,
} from "@/lib/admin/profile";
import { adminRoute } from "@/lib/admin/route";
import { userParams } from "@/lib/admin/schemas";

export const runtime = "nodejs";

/** The user's profile: every fact, current and superseded, with provenance. */
export const GET = adminRoute({ params: userParams }, ({ params }) => getUserProfile(params.userId));

/** Edit a current fact's text (the old version stays as history). */
export const PATCH = adminRoute({ params: userParams, body: profileEditBody, mutation: true }, ({ params, body }) =>
  editUserProfileFact(params.userId, body.factId, body.text),
);

/** Delete one current fact (`factId`) or all of them (`factId=all`). */
export const DELETE = adminRoute(
  { params: userParams, query: profileDeleteQuery, mutation: true },
  ({ params, query }) => deleteUserProfileFacts(params.userId, query.factId),
);
