import { AppError } from "../errors";
import { isSameOrigin } from "./origin";
import { sessionFromCookieHeader, verifySessionToken } from "./session";

/** Throws unauthorized:auth unless the request carries a valid session cookie. */
export async function requireAdmin(request: Request): Promise<void> {
  if (!(await verifySessionToken(sessionFromCookieHeader(request.headers.get("cookie"))))) {
    throw new AppError("unauthorized:auth", "Log in first: this needs a dashboard session (POST /api/admin/session).");
  }
}

/** Mutations: POST/DELETE from this site only (see isSameOrigin). */
export function requireSameOrigin(request: Request): void {
  if (!isSameOrigin(request)) {
    throw new AppError("forbidden:auth", "Cross-site request refused: changes must come from the dashboard itself.");
  }
}
