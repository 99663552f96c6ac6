import { getConfig } from "./config";

type Level = "debug" | "info" | "warn" | "error";
const order: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  try {
    return order[getConfig().logLevel];
  } catch {
    return order.info; // config itself is broken: still log, so the problem can be seen
  }
}

function describe(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out: Record<string, unknown> = { name: value.name, message: value.message };
  if ("code" in value) out.code = (value as { code: unknown }).code;
  if (value.cause !== undefined) out.cause = describe(value.cause);
  return out;
}

function write(level: Level, scope: string, message: string, context?: Record<string, unknown>) {
  if (order[level] < threshold()) return;
  const ctx = context
    ? " " + JSON.stringify(Object.fromEntries(Object.entries(context).map(([k, v]) => [k, describe(v)])))
    : "";
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${message}${ctx}`;
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

/** A small scoped logger: `const log = logger("memory"); log.warn("…", { userId })`. */
export function logger(scope: string) {
  return {
    debug: (m: string, c?: Record<string, unknown>) => write("debug", scope, m, c),
    info: (m: string, c?: Record<string, unknown>) => write("info", scope, m, c),
    warn: (m: string, c?: Record<string, unknown>) => write("warn", scope, m, c),
    error: (m: string, c?: Record<string, unknown>) => write("error", scope, m, c),
  };
}
