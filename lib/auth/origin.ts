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

/** The caller's address for throttling: first X-Forwarded-For hop, X-Real-IP, else "local". */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || request.headers.get("x-real-ip")?.trim() || "local";
  return ip.slice(0, 64).replace(/[^\w.:-]/g, "_");
}
