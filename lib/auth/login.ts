import { AppError } from "../errors";
import { logger } from "../log";
import { passwordMatches } from "./password";
import { createSessionToken } from "./session";
import { assertLoginAllowed, LOGIN_MAX_FAILURES, noteLoginFailure, noteLoginSuccess, type ThrottleStore } from "./throttle";

const log = logger("auth");

/**
 * Checks a password for a client address and returns a session token. Wrong passwords are
 * counted per address (throttle); the answer never says more than "wrong password".
 */
export async function login(store: ThrottleStore, ip: string, password: string): Promise<string> {
  await assertLoginAllowed(store, ip);
  if (!passwordMatches(password)) {
    const { failures, resetInSeconds } = await noteLoginFailure(store, ip);
    log.warn("wrong dashboard password", { ip, failures });
    const left = LOGIN_MAX_FAILURES - failures;
    throw new AppError("unauthorized:auth", left > 0 ? "Wrong password." : `Wrong password. Too many attempts: try again in ${Math.ceil(resetInSeconds / 60)} min.`, {
      details: { attemptsLeft: Math.max(0, left) },
    });
  }
  await noteLoginSuccess(store, ip);
  return createSessionToken();
}
