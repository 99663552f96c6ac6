/**
 * CSRF defence for mutations (with SameSite=Strict cookies as the second layer): a browser
 * request must come from this origin. Browsers send Sec-Fetch-Site and/or Origin on every
 * POST/DELETE; a request with neither is not from a browser (curl, scripts) and cannot carry a
 * victim's cookie by accident, so it passes.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin";
  const origin = request.headers.get("origin");
  if (!origin) return true;
  if (origin === "null") return false;
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The caller's address for the login throttle. X-Forwarded-For is a list each proxy appends
 * the address it saw to, so only its last `trustedProxies` entries were written by proxies we
 * run behind; everything left of them is whatever the client sent. The entry `trustedProxies`
 * from the right is the address the outermost trusted proxy saw — the client. The default 1
 * fits Render and Vercel: one platform proxy appends (Render) or sets (Vercel) the client's
 * address, so the rightmost entry is it and a client-supplied X-Forwarded-For cannot pick its
 * own throttle bucket. 0 = no proxy: the header is ignored, because Next.js fills in the socket
 * address only when the client sent none (a route handler does not see the socket), so every
 * caller shares one bucket, "direct"; the global budget bounds guessing either way. Fewer
 * entries than hops (a request that skipped a proxy) falls back to the leftmost entry.
 */
export function clientIp(request: Request, trustedProxies = 1): string {
  const hops = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (trustedProxies <= 0 || hops.length === 0) return "direct";
  const ip = hops[Math.max(0, hops.length - trustedProxies)]!;
  return ip.slice(0, 64).replace(/[^\w.:-]/g, "_");
}
