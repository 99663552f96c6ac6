/**
 * The one place that touches globalThis. Next.js bundles instrumentation.ts and every route
 * separately and dev hot reload re-evaluates modules, so module-level variables would exist
 * several times per process: one Redis connection per route, a session key per bundle. What
 * must exist once per process is kept here, by name.
 */
const g = globalThis as unknown as { __mindmate?: Map<string, unknown> };

function slots(): Map<string, unknown> {
  g.__mindmate ??= new Map();
  return g.__mindmate;
}

/** The process's one value under `name`, created by `create` on first use. */
export function processSingleton<T>(name: string, create: () => T): T {
  const s = slots();
  if (!s.has(name)) s.set(name, create());
  return s.get(name) as T;
}

/** The value under `name` if it was created; never creates it. */
export function peekProcessSingleton<T>(name: string): T | undefined {
  return slots().get(name) as T | undefined;
}

/** Forgets `name` (a failed start is retried on the next use; tests rebuild the app). */
export function dropProcessSingleton(name: string): void {
  slots().delete(name);
}
