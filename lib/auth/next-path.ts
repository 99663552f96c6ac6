/**
 * Where to go after logging in. `next` comes from the URL, so it is resolved against our own
 * origin exactly as a browser would (tabs and newlines stripped, `\` read as `/`, `//host`
 * meaning another host) and kept only when it stays on that origin. What is returned is a
 * path that cannot be read as another host either: leading slashes are collapsed to one.
 */
const SELF = "http://self.invalid";
export const DEFAULT_AFTER_LOGIN = "/dashboard";

export function safeNextPath(next: string | string[] | undefined): string {
  if (typeof next !== "string" || next === "" || next.length > 2048) return DEFAULT_AFTER_LOGIN;
  let url: URL;
  try {
    url = new URL(next, `${SELF}/`);
  } catch {
    return DEFAULT_AFTER_LOGIN;
  }
  if (url.origin !== SELF) return DEFAULT_AFTER_LOGIN;
  const path = `/${url.pathname.replace(/^\/+/, "")}${url.search}${url.hash}`;
  return path === "/login" || path.startsWith("/login?") ? DEFAULT_AFTER_LOGIN : path;
}
