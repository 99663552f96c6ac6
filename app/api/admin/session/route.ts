import { login } from "@/lib/auth/login";
import { clientIp } from "@/lib/auth/origin";
import { clearedSessionCookie, serializeCookie, sessionCookie } from "@/lib/auth/session";
import { adminRoute } from "@/lib/admin/route";
import { loginBody } from "@/lib/admin/schemas";
import { getRuntime } from "@/lib/app";

export const runtime = "nodejs";

/** Log in: checks the password (throttled per address and globally) and sets the session cookie. */
export const POST = adminRoute({ body: loginBody, auth: false, mutation: true }, async ({ body, request }) => {
  const rt = getRuntime();
  const token = await login(
    { redis: rt.redis, prefix: rt.config.redis.prefix },
    clientIp(request, rt.config.admin.trustedProxies),
    body.password,
  );
  return Response.json(
    { ok: true },
    { headers: { "Set-Cookie": serializeCookie(sessionCookie(token)), "Cache-Control": "no-store" } },
  );
});

/** Log out: clears the cookie. */
export const DELETE = adminRoute({ auth: false, mutation: true }, async () =>
  Response.json(
    { ok: true },
    { headers: { "Set-Cookie": serializeCookie(clearedSessionCookie()), "Cache-Control": "no-store" } },
  ),
);
