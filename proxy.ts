import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE, verifySessionToken } from "@/lib/auth/session";

/**
 * The login gate in front of the dashboard, the admin API, the API docs and the OpenAPI
 * document: pages redirect to /login, APIs answer 401 JSON. /, /login, /api/health and
 * /api/telegram are outside the matcher. Route handlers and pages check the session again
 * (defence in depth: a page stays protected even if this matcher misses it).
 */
export async function proxy(request: NextRequest): Promise<NextResponse> {
  const { pathname, search } = request.nextUrl;
  if (pathname === "/api/admin/session") return NextResponse.next(); // log in / log out
  if (await verifySessionToken(request.cookies.get(SESSION_COOKIE)?.value)) return NextResponse.next();
  if (pathname.startsWith("/api/")) {
    return NextResponse.json(
      {
        error: {
          code: "unauthorized:auth",
          message: "Log in first: this needs a dashboard session (POST /api/admin/session).",
        },
      },
      { status: 401, headers: { "Cache-Control": "no-store" } },
    );
  }
  const login = new URL("/login", request.url);
  login.searchParams.set("next", pathname + search);
  return NextResponse.redirect(login);
}

export const config = {
  matcher: ["/dashboard", "/dashboard/:path*", "/docs", "/docs/:path*", "/api/admin/:path*", "/api/openapi.json"],
};
