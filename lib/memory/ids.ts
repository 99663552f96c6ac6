import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";

/**
 * Message ids: `<ms since epoch, base36, 9 chars>-<sequence, base36, 4 chars><random, 6 chars>`,
 * e.g. `mbx1k2f3a-0000k3j9zq`. Fixed widths make plain string order equal time order; the
 * per-millisecond sequence keeps two messages of the same millisecond in insertion order, and
 * the random tail keeps ids of different processes (several webhook instances) apart.
 */

const TIME_WIDTH = 9; // 36^9 ms ≈ year 5000
const SEQ_WIDTH = 4; // 1.6 M ids per millisecond per process
const SEQ_LIMIT = 36 ** SEQ_WIDTH;

/** Clock ids and explicit-time ids keep separate sequences so neither disturbs the other. */
const clock = { lastMs: 0, seq: 0 };
const explicit = { lastMs: -1, seq: 0 };

function randomTail(): string {
  const bytes = randomBytes(6);
  let out = "";
  for (const b of bytes) out += (b % 36).toString(36);
  return out;
}

/**
 * A new id. `at` (imports, evaluations) sets the time part; without it the clock is used and
 * never goes backwards within the process, so ids made here are strictly increasing.
 */
export function newMessageId(at?: Date): string {
  const state = at ? explicit : clock;
  let ms = at ? at.getTime() : Date.now();
  if (!Number.isFinite(ms) || ms < 0)
    throw new AppError("bad_request:memory", "Message time must be a valid date after 1970.");
  if (!at && ms < state.lastMs) ms = state.lastMs; // clock stepped back: keep order
  if (ms === state.lastMs) {
    state.seq += 1;
    // More ids in one millisecond than the sequence holds: borrow the next millisecond.
    if (state.seq >= SEQ_LIMIT) {
      ms += 1;
      state.seq = 0;
    }
  } else {
    state.seq = 0;
  }
  state.lastMs = ms;
  const seq = state.seq;
  return `${ms.toString(36).padStart(TIME_WIDTH, "0")}-${seq.toString(36).padStart(SEQ_WIDTH, "0")}${randomTail()}`;
}

/** Milliseconds encoded in an id made by newMessageId (NaN for foreign ids). */
export function idTime(id: string): number {
  const m = /^([0-9a-z]{9})-/.exec(id);
  return m ? parseInt(m[1]!, 36) : NaN;
}

/** The accepted user-id range: Telegram user ids are positive safe integers. */
export const USER_ID_MIN = 1;
export const USER_ID_MAX = Number.MAX_SAFE_INTEGER;

/**
 * The one definition of a valid user id. The memory layer checks with it (assertUserId) and the
 * admin API derives its path/query/body schemas from it, so both accept exactly the same ids
 * and /api/openapi.json documents that range (minimum/maximum).
 */
export const userIdSchema = z
  .number({ error: "userId must be a number" })
  .int({ error: "userId must be a whole number" })
  .min(USER_ID_MIN, { error: `userId must be at least ${USER_ID_MIN} (a positive Telegram user id)` })
  .max(USER_ID_MAX, { error: `userId must be at most ${USER_ID_MAX}` });

/** Telegram user ids are positive safe integers; anything else never reaches a key. */
export function assertUserId(userId: unknown): asserts userId is number {
  if (!userIdSchema.safeParse(userId).success) {
    throw new AppError("bad_request:memory", `User id must be a positive whole number, got ${describeValue(userId)}.`);
  }
}

function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.slice(0, 40));
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return String(v);
  return v === null ? "null" : typeof v;
}
