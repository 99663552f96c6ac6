import { AppError } from "../errors";
import { logger } from "../log";
import { passwordMatches } from "./password";
import { createSessionToken } from "./session";
import { countLoginAttemptOrThrow, LOGIN_MAX_FAILURES, noteLoginSuccess, type ThrottleStore } from "./throttle";

const log = logger("auth");

/**
 * Checks a password for a client address and returns a session token. The attempt is counted
 * first (atomically, per address and globally) and only then compared, so parallel guesses
 * cannot exceed the limit; the answer never says more than "wrong password".
 */
export async function login(store: ThrottleStore, ip: string, password: string): Promise<string> {
  const { attempts, resetInSeconds } = await countLoginAttemptOrThrow(store, ip);
  if (!passwordMatches(password)) {
    log.warn("wrong dashboard password", { ip, failures: attempts });
    const left = LOGIN_MAX_FAILURES - attempts;
    throw new AppError(
      "unauthorized:auth",
      left > 0
        ? "Wrong password."
        : `Wrong password. Too many attempts: try again in ${Math.ceil(resetInSeconds / 60)} min.`,
      {
        details: { attemptsLeft: Math.max(0, left) },
      },
    );
  }
  await noteLoginSuccess(store, ip);
  return createSessionToken();
}
