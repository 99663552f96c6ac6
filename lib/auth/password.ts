import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { getConfig } from "../config";
import { processSingleton } from "../app/state";

/**
 * The dashboard password: ADMIN_PASSWORD, or a strong random one generated once per process
 * (printed at start by lib/app/start.ts). Kept once per process (lib/app/state.ts) because Next.js bundles each route
 * separately and they must all accept the same generated password.
 */

interface PasswordState {
  generated?: string;
  announced?: boolean;
}
const state = (): PasswordState => processSingleton<PasswordState>("auth:admin-password", () => ({}));

export function adminPassword(): { password: string; generated: boolean } {
  const configured = getConfig().admin.password;
  if (configured) return { password: configured, generated: false };
  const s = state();
  s.generated ??= randomBytes(18).toString("base64url"); // 24 chars, 144 bits
  return { password: s.generated, generated: true };
}

/**
 * Constant-time comparison: both sides are hashed first so neither the content nor the length
 * of the real password leaks through timing.
 */
export function passwordMatches(candidate: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(candidate), digest(adminPassword().password));
}

/** The console line for a generated password, once per process; undefined when nothing to say. */
export function passwordAnnouncement(): string | undefined {
  const { password, generated } = adminPassword();
  const s = state();
  if (!generated || s.announced) return undefined;
  s.announced = true;
  return (
    `\n  Dashboard password (generated, valid until this process restarts): ${password}\n` +
    "  Set ADMIN_PASSWORD to choose your own (required when running several instances).\n"
  );
}
