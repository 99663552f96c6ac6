import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SESSION_COOKIE, verifySessionToken } from "./session";

/**
 * For server components: redirects to /login unless logged in. The proxy does the same check
 * up front; this second check keeps a page safe even if the proxy matcher misses it.
 */
export async function requireAdminPage(next?: string): Promise<void> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!(await verifySessionToken(token))) redirect(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
}

export async function isLoggedIn(): Promise<boolean> {
  return verifySessionToken((await cookies()).get(SESSION_COOKIE)?.value);
}
