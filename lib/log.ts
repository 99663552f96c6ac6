import { pino, type Logger } from "pino";
import { getConfig } from "./config";
import { processSingleton } from "./app/state";

/**
 * The app's logger, on pino. One JSON object per line in production (NODE_ENV=production):
 *
 *   {"level":"warn","time":"2026-…","pid":1,"hostname":"…","scope":"memory","message":"…","context":{…}}
 *
 * and the readable `ISO LEVEL [scope] message {context}` line everywhere else. Both are written
 * synchronously by the process itself (no transport, no worker thread): debug/info to stdout,
 * warn/error to stderr. Errors in the context are described with name, message, code and their
 * cause chain; secrets are redacted by pino's `redact` (paths below), so a token that slips into
 * a context never reaches the log.
 */

type Level = "debug" | "info" | "warn" | "error";
type Context = Record<string, unknown>;

/** Keys whose values never appear in the log, in the context and one level below it. */
export const REDACTED_KEYS = [
  "token",
  "botToken",
  "secretToken",
  "password",
  "secret",
  "sessionSecret",
  "authorization",
  "Authorization",
  "apiKey",
  "api_key",
  "cookie",
  "Cookie",
] as const;
const CENSOR = "[redacted]";

const pinoLevel: Record<number, Level> = { 20: "debug", 30: "info", 40: "warn", 50: "error" };

function configured(): { level: Level; json: boolean } {
  try {
    const c = getConfig();
    return { level: c.logLevel, json: c.nodeEnv === "production" };
  } catch {
    // Config itself is broken: still log (readable, at info), so the problem can be seen.
    return { level: "info", json: false };
  }
}

function describe(value: unknown, depth = 0): unknown {
  if (!(value instanceof Error)) return value;
  const out: Record<string, unknown> = { name: value.name, message: value.message };
  if ("code" in value) out.code = (value as { code: unknown }).code;
  if (value.cause !== undefined) out.cause = depth < 8 ? describe(value.cause, depth + 1) : "[cause chain truncated]";
  return out;
}

/** The readable dev/test line, from pino's (already redacted) JSON line. */
function readable(line: string): string {
  const o = JSON.parse(line) as { level: Level; time: string; scope?: string; message?: string; context?: Context };
  const ctx = o.context === undefined ? "" : " " + JSON.stringify(o.context);
  return `${o.time} ${o.level.toUpperCase().padEnd(5)} [${o.scope ?? "app"}] ${o.message ?? ""}${ctx}\n`;
}

/** Where finished lines go; tests swap it (setLogOutputForTests). */
export interface LogOutput {
  write(line: string, level: Level): void;
}
const stdio: LogOutput = {
  write(line, level) {
    (level === "warn" || level === "error" ? process.stderr : process.stdout).write(line);
  },
};

interface LogState {
  root: Logger;
  output: LogOutput;
  /** Test override of the format (undefined: from NODE_ENV). */
  json?: boolean;
}

function createRoot(): Logger {
  // pino fills in lastLevel before each write when the stream asks for metadata.
  const destination = {
    [Symbol.for("pino.metadata")]: true,
    lastLevel: 30,
    write(line: string) {
      const s = state();
      const level = pinoLevel[this.lastLevel] ?? "info";
      const json = s.json ?? configured().json;
      s.output.write(json ? line : readable(line), level);
    },
  };
  const paths = REDACTED_KEYS.flatMap((k) => [`context.${k}`, `context.*.${k}`]);
  return pino(
    {
      level: "debug",
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths, censor: CENSOR },
    },
    destination,
  );
}

// One logger (and one test hook) per process, though Next.js bundles each route separately.
function state(): LogState {
  return processSingleton<LogState>("log", () => ({ root: createRoot(), output: stdio }));
}

function write(level: Level, scope: string, message: string, context?: Context) {
  const s = state();
  // The level is read on every call (config is cached), so a logger made at import time follows it.
  const threshold = configured().level;
  if (s.root.level !== threshold) s.root.level = threshold;
  if (!s.root.isLevelEnabled(level)) return;
  const obj: Context = { scope };
  if (context) obj.context = Object.fromEntries(Object.entries(context).map(([k, v]) => [k, describe(v)]));
  s.root[level](obj, message);
}

/** A small scoped logger: `const log = logger("memory"); log.warn("…", { userId })`. */
export function logger(scope: string) {
  return {
    debug: (m: string, c?: Context) => write("debug", scope, m, c),
    info: (m: string, c?: Context) => write("info", scope, m, c),
    warn: (m: string, c?: Context) => write("warn", scope, m, c),
    error: (m: string, c?: Context) => write("error", scope, m, c),
  };
}

/**
 * Tests: send lines to `output` instead of stdout/stderr, optionally forcing the format
 * (`json: true` = the production lines). Call without arguments to restore.
 */
export function setLogOutputForTests(output?: LogOutput, opts?: { json?: boolean }): void {
  const s = state();
  s.output = output ?? stdio;
  s.json = output ? opts?.json : undefined;
}
