import { ConfigError } from "../config";
import { AppError } from "../errors";
import { logger } from "../log";

const log = logger("dashboard");

export type Loaded<T> = { ok: true; data: T } | { ok: false; error: string };

/**
 * Runs a page's data loader and turns a failure into a message the page shows (production
 * builds hide server-component error text, so pages must catch and say what went wrong).
 */
export async function load<T>(what: string, fn: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (e) {
    if (!(e instanceof AppError) || e.status >= 500) log.error(`${what} failed`, { error: e });
    const message =
      e instanceof AppError || e instanceof ConfigError ? e.message : `${(e as Error).message ?? String(e)}`;
    return { ok: false, error: `Could not load ${what}: ${message}` };
  }
}
