import { AsyncLocalStorage } from "node:async_hooks";
import type { Transformer } from "grammy";

/**
 * The chat lock a drain holds while it handles one queued update, reachable from anywhere in
 * that update's async call tree (AsyncLocalStorage), so the Bot API client can refuse to send
 * once the lock is no longer ours: another worker has (or will get) the chat and redoes the
 * update from its recorded progress, so whatever we would send now could be sent twice.
 */
export interface Lease {
  readonly chat: string;
  /** True once a renewal answered "not yours" (expired, taken over). Sticky. */
  readonly lost: boolean;
  /** Renews the lock now; throws LeaseLostError when it is not ours any more. */
  confirm(): Promise<void>;
}

export class LeaseLostError extends Error {
  override name = "LeaseLostError";
  constructor(chat: string) {
    super(`lost the lock of chat ${chat}; another worker continues it`);
  }
}

const current = new AsyncLocalStorage<Lease>();

export function runWithLease<T>(lease: Lease, fn: () => Promise<T>): Promise<T> {
  return current.run(lease, fn);
}

export function currentLease(): Lease | undefined {
  return current.getStore();
}

/** Methods that show nothing to the user and change nothing. */
const HARMLESS = new Set(["getMe", "getChat", "getFile", "sendChatAction"]);

/**
 * grammY API transformer: every Bot API call made while handling a queued update first
 * confirms (renews) the chat lock — one EVALSHA, well under a millisecond — so a worker whose
 * lock expired or was taken over stops before it sends anything.
 */
export const leaseGuard: Transformer = async (prev, method, payload, signal) => {
  const lease = current.getStore();
  if (lease && !HARMLESS.has(method)) await lease.confirm();
  return prev(method, payload, signal);
};
