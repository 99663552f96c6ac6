import { createHash, randomBytes } from "node:crypto";
import { jwtVerify, SignJWT } from "jose";
import { getConfig } from "../config";
import { processSingleton } from "../app/state";

/**
 * Dashboard sessions: an HS256-signed JWT in an httpOnly, SameSite=Strict cookie. Nothing is
 * stored server-side; logout clears the cookie and the token expires after SESSION_HOURS.
 * The key is SESSION_SECRET (hashed to 32 bytes) or random per process (kept once per process, lib/app/state.ts, so
 * every bundled route verifies with the same key; restarting logs everyone out).
 */

export const SESSION_COOKIE = "mm_session";
const ISSUER = "mindmate";
const AUDIENCE = "mindmate-admin";

function sessionKey(): Uint8Array {
  const secret = getConfig().admin.sessionSecret;
  if (secret) return new Uint8Array(createHash("sha256").update(secret, "utf8").digest());
  return processSingleton("auth:session-key", () => new Uint8Array(randomBytes(32)));
}

export function sessionMaxAgeSeconds(): number {
  return getConfig().admin.sessionHours * 3600;
}

export async function createSessionToken(now = new Date()): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ role: "admin" })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject("admin")
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + sessionMaxAgeSeconds())
    .sign(sessionKey());
}

/** True for a token this app signed that has not expired. Never throws. */
export async function verifySessionToken(token: string | undefined): Promise<boolean> {
  if (!token) return false;
  try {
    const { payload } = await jwtVerify(token, sessionKey(), {
      algorithms: ["HS256"],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    return payload.role === "admin";
  } catch {
    return false;
  }
}

export interface CookieSpec {
  name: string;
  value: string;
  httpOnly: true;
  sameSite: "strict";
  secure: boolean;
  path: "/";
  maxAge: number;
}

export function sessionCookie(token: string): CookieSpec {
  return {
    name: SESSION_COOKIE,
    value: token,
    httpOnly: true,
    sameSite: "strict",
    secure: getConfig().nodeEnv === "production",
    path: "/",
    maxAge: sessionMaxAgeSeconds(),
  };
}

export function clearedSessionCookie(): CookieSpec {
  return { ...sessionCookie(""), maxAge: 0 };
}

/** Set-Cookie header value for a CookieSpec (route handlers that build a Response themselves). */
export function serializeCookie(c: CookieSpec): string {
  return [
    `${c.name}=${c.value}`,
    `Path=${c.path}`,
    `Max-Age=${c.maxAge}`,
    "HttpOnly",
    "SameSite=Strict",
    ...(c.secure ? ["Secure"] : []),
  ].join("; ");
}

/** The session cookie's value from a Cookie header. */
export function sessionFromCookieHeader(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}
