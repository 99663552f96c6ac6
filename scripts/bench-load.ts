/**
 * npm run bench:load -- --users N --messages M [--llm-ms 200] [--restart-redis-at S[,S…]] [--down-ms 2000]
 *                        [--kill-app-at S[,S…]] [--reset-connections-every S]
 *                        [--max-connections 40] [--log-level warn] [--profile DIR] [--json FILE]
 *
 * Load through the real webhook: the production build (standalone server, built if missing),
 * a private Redis 7 with AOF on, the fake Telegram Bot API and a fake OpenAI answering after a
 * fixed --llm-ms. N simulated users each send M messages, waiting for each reply. Faults:
 *   --restart-redis-at 6,14        kill -9 Redis at each of these seconds into the load and start it
 *                                  again --down-ms later (default 2000; AOF replays)
 *   --kill-app-at 10               SIGKILL the app server at these seconds and start it again at once
 *                                  (its after() work dies mid-flight; the restarted app's sweep resumes)
 *   --reset-connections-every 3    the app talks to Redis through the fault-injection TCP proxy
 *                                  (tests/helpers/fault-proxy.ts), which resets every connection this often
 * Afterwards every accepted message is checked in Redis through the memory facade.
 * Writes bench/results/<date>-<sha>-load.{md,json}. The bench's servers all listen on free ports.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { startFakeOpenAI } from "@/tests/fakes/openai-api";
import { startFakeTelegram } from "@/tests/fakes/telegram-api";
import { startFaultProxy, type FaultProxy } from "@/tests/helpers/fault-proxy";
import { startApp } from "../bench/load/app";
import { runUsers } from "../bench/load/users";
import { verifyLoad } from "../bench/load/verify";
import { freePort, startOwnedServer } from "../bench/lib/redis-process";
import { Report, reportMeta } from "../bench/lib/report";
import { parseExports } from "../bench/lib/servers";
import { fmtInt, fmtMs, summarize } from "../bench/lib/stats";

const { values: args } = parseArgs({
  options: {
    users: { type: "string", default: "100" },
    messages: { type: "string", default: "5" },
    "llm-ms": { type: "string", default: "200" },
    "restart-redis-at": { type: "string" },
    "kill-app-at": { type: "string" },
    "reset-connections-every": { type: "string" },
    "down-ms": { type: "string", default: "2000" },
    "log-level": { type: "string", default: "warn" },
    "max-connections": { type: "string", default: "40" },
    /** Writes a V8 CPU profile of the app server into this folder (for explaining the numbers). */
    profile: { type: "string" },
    json: { type: "string" },
  },
});
const N = Number(args.users);
const M = Number(args.messages);
const LLM_MS = Number(args["llm-ms"]);
/** "6,14" → [6, 14] (seconds into the load). */
const seconds = (v: string | undefined): number[] => (v === undefined ? [] : v.split(",").map((x) => Number(x.trim())));
const RESTART_AT = seconds(args["restart-redis-at"]);
const KILL_APP_AT = seconds(args["kill-app-at"]);
const RESET_EVERY = args["reset-connections-every"] === undefined ? undefined : Number(args["reset-connections-every"]);
const FAULTY = RESTART_AT.length > 0 || KILL_APP_AT.length > 0 || RESET_EVERY !== undefined;
const DOWN_MS = Number(args["down-ms"]);
const MAX_CONN = Number(args["max-connections"]);
const log = (m: string) => console.error(`[bench:load] ${m}`);

/**
 * Where the server binaries are. Only the bench's own Redis runs (on a free port): the shared
 * test servers are started just when the binaries are not installed yet, and then on the
 * caller's MM_PORT_* (never the default 6391-6394 under someone else's feet).
 */
function serverBinDir(): string {
  if (process.env.MM_SERVER_BIN_DIR) return process.env.MM_SERVER_BIN_DIR;
  const env = parseExports(
    execFileSync("bash", ["scripts/test-servers.sh", "env"], { stdio: ["ignore", "pipe", "inherit"] }).toString(),
  ).MM_SERVER_BIN_DIR;
  if (env && existsSync(path.join(env, "redis7-server"))) return env;
  if (!process.env.MM_PORT_REDIS7)
    throw new Error(
      "server binaries not installed: run scripts/test-servers.sh start once (with your MM_PORT_* exported)",
    );
  log("installing the test servers for their binaries (scripts/test-servers.sh start)");
  const out = execFileSync("bash", ["scripts/test-servers.sh", "start"], {
    stdio: ["ignore", "pipe", "inherit"],
  }).toString();
  const dir = parseExports(out).MM_SERVER_BIN_DIR;
  if (!dir) throw new Error("scripts/test-servers.sh did not print MM_SERVER_BIN_DIR");
  return dir;
}

/** Log lines of the app that show a redo resumed from recorded progress (the reply-window measurement). */
function redoCounts(logFile: string): {
  alreadyAnswered: number;
  resumedWithAnswer: number;
  lockLost: number;
  orphansResumed: number;
} {
  const text = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
  const count = (needle: string) => text.split(needle).length - 1;
  return {
    alreadyAnswered: count("update already answered; not answering again"),
    resumedWithAnswer: count("resuming a turn whose answer exists"),
    lockLost: count("lost the chat lock; stopping this worker"),
    orphansResumed: count("resuming an orphaned chat queue"),
  };
}

function modelDir(): string {
  if (process.env.EMBEDDING_MODEL_DIR) return process.env.EMBEDDING_MODEL_DIR;
  log("fetching the model (scripts/model/fetch-test-model.sh)");
  return execFileSync("bash", ["scripts/model/fetch-test-model.sh"], { stdio: ["ignore", "pipe", "inherit"] })
    .toString()
    .trim()
    .split("\n")
    .at(-1)!;
}

async function main() {
  if (
    !(N > 0 && M > 0 && LLM_MS >= 0) ||
    [...RESTART_AT, ...KILL_APP_AT].some((x) => !(x >= 0)) ||
    (RESET_EVERY !== undefined && !(RESET_EVERY > 0))
  ) {
    throw new Error(
      "usage: --users N --messages M [--llm-ms 200] [--restart-redis-at S[,S…]] [--kill-app-at S[,S…]] [--reset-connections-every S]",
    );
  }
  const command = `npm run bench:load -- ${process.argv.slice(2).join(" ")}`;
  const faultTitle = [
    RESTART_AT.length ? `Redis killed (-9) at ${RESTART_AT.join(", ")} s and restarted ${DOWN_MS} ms later` : "",
    KILL_APP_AT.length ? `app killed (-9) at ${KILL_APP_AT.join(", ")} s and restarted` : "",
    RESET_EVERY !== undefined ? `every Redis connection reset every ${RESET_EVERY} s` : "",
  ].filter(Boolean);
  const report = new Report(
    reportMeta(
      `MindMate load: ${fmtInt(N)} users × ${M} messages${faultTitle.length ? `, ${faultTitle.join("; ")}` : ""}`,
      command,
    ),
  );
  const binDir = serverBinDir();
  const redisBin = path.join(binDir, "redis7-server");
  if (!existsSync(redisBin)) throw new Error(`${redisBin} missing: run scripts/test-servers.sh start`);

  const redis = await startOwnedServer(redisBin, { appendonly: true, label: "load-redis7" });
  log(`Redis 7 with AOF on ${redis.url} (data ${redis.dir})`);
  // The app reaches Redis through the fault proxy when connections are to be reset.
  const proxy: FaultProxy | undefined = RESET_EVERY !== undefined ? await startFaultProxy(redis.url) : undefined;
  if (proxy) log(`fault proxy ${proxy.url} → ${redis.url}`);
  const fakeTg = await startFakeTelegram();
  const fakeAi = await startFakeOpenAI();
  fakeAi.latencyMs = LLM_MS;
  const secret = randomBytes(16).toString("hex");
  const prefix = `load:${randomBytes(3).toString("hex")}:`;
  const historyMax = Math.max(100, 2 * M + 10);
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `mindmate-load-app-${port}.log`);
  log(`starting the production app on :${port} (log ${logFile}); builds first if the build is missing or stale`);
  const app = await startApp({
    port,
    logFile,
    onLog: log,
    nodeArgs: args.profile ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(args.profile)] : [],
    env: {
      ...process.env,
      REDIS_URL: proxy?.url ?? redis.url,
      REDIS_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: fakeTg.token,
      TELEGRAM_WEBHOOK_SECRET: secret,
      TELEGRAM_API_ROOT: fakeTg.apiRoot,
      BOT_MODE: "webhook",
      OPENAI_API_KEY: "sk-load-test",
      OPENAI_BASE_URL: fakeAi.baseURL,
      EMBEDDING_MODEL_DIR: modelDir(),
      RATE_LIMIT_PER_MINUTE: "0",
      HISTORY_MAX: String(historyMax),
      ADMIN_PASSWORD: randomBytes(12).toString("hex"),
      SESSION_SECRET: randomBytes(32).toString("hex"),
      LOG_LEVEL: args["log-level"],
      JOURNAL_FILE: path.join(redis.dir, "journal.ndjson"),
      // Locks of a killed app must expire quickly for the restarted app's sweep; otherwise the
      // default (30 s), which a starved event loop on a loaded machine outlasts less often.
      ...(KILL_APP_AT.length
        ? { CHAT_LOCK_SECONDS: process.env.CHAT_LOCK_SECONDS ?? "10", QUEUE_SWEEP_SECONDS: "2" }
        : {}),
    },
  });
  const faults: { kind: "redis-restart" | "app-kill"; atS: number; downMs?: number }[] = [];
  let resets = 0;
  let keepData = false;
  const timers: NodeJS.Timeout[] = [];
  try {
    // One warm-up conversation (route compilation, bot info, JIT) outside the measurement.
    await runUsers({
      appUrl: app.url,
      secret,
      fake: fakeTg,
      users: 1,
      messages: 1,
      firstUserId: 900_000_000,
      replyTimeoutMs: 60_000,
      startJitterMs: 0,
      maxConnections: 1,
    });
    fakeTg.calls.length = 0;

    const loadStart = Date.now();
    const at = () => (Date.now() - loadStart) / 1000;
    for (const t of RESTART_AT) {
      timers.push(
        setTimeout(() => {
          const t0 = Date.now();
          log(`kill -9 Redis at ${at().toFixed(1)} s`);
          const f: (typeof faults)[number] = { kind: "redis-restart", atS: at() };
          faults.push(f);
          void redis
            .kill9()
            .then(() => new Promise((r) => setTimeout(r, DOWN_MS)))
            .then(() => redis.restart())
            .then(() => {
              f.downMs = Date.now() - t0;
              log(`Redis back after ${f.downMs} ms (AOF replayed)`);
            });
        }, t * 1000),
      );
    }
    for (const t of KILL_APP_AT) {
      timers.push(
        setTimeout(() => {
          const t0 = Date.now();
          log(`kill -9 the app at ${at().toFixed(1)} s`);
          const f: (typeof faults)[number] = { kind: "app-kill", atS: at() };
          faults.push(f);
          void app
            .kill9()
            .then(() => app.restart())
            .then(
              () => {
                f.downMs = Date.now() - t0;
                log(`app healthy again after ${f.downMs} ms`);
              },
              (e: unknown) => log(`app restart failed: ${(e as Error).message}`),
            );
        }, t * 1000),
      );
    }
    if (proxy && RESET_EVERY !== undefined) {
      const timer = setInterval(() => {
        resets++;
        proxy.resetAll();
      }, RESET_EVERY * 1000);
      timers.push(timer);
    }
    let lastLog = 0;
    const res = await runUsers({
      appUrl: app.url,
      secret,
      fake: fakeTg,
      users: N,
      messages: M,
      firstUserId: 100_000_000,
      replyTimeoutMs: 180_000,
      startJitterMs: Math.min(1000, N),
      maxConnections: MAX_CONN,
      onProgress: (done, total) => {
        if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          log(`${done}/${total} replies`);
        }
      },
    });
    timers.forEach((t) => clearTimeout(t));
    log(`load done in ${(res.wallMs / 1000).toFixed(1)} s; verifying through the memory facade`);
    const check = await verifyLoad({
      redisUrl: redis.url,
      prefix,
      sent: res.sent,
      replies: res.replies,
      historyLimit: historyMax,
    });

    const accepted = res.sent.filter((s) => s.accepted);
    const webhook = summarize(accepted.map((s) => s.webhookMs!));
    const e2e = summarize(accepted.filter((s) => s.replyAt !== undefined).map((s) => s.replyAt! - s.sentAt - LLM_MS));
    const replied = accepted.filter((s) => s.replyAt !== undefined).length;
    const failedAttempts = res.sent.reduce((n, s) => n + s.failedAttempts, 0);
    const neverAccepted = res.sent.filter((s) => !s.accepted).length;
    const unsent = N * M - res.sent.length;
    const redo = redoCounts(logFile);
    const data = {
      users: N,
      messages: M,
      llmMs: LLM_MS,
      maxConnections: MAX_CONN,
      errorKinds: res.errors,
      faults,
      connectionResets: resets,
      wallMs: res.wallMs,
      webhook,
      e2eMinusLlm: e2e,
      replied,
      failedAttempts,
      neverAccepted,
      unsent,
      check,
      redo,
    };
    report.data.load = data;

    const s = report.section("Result");
    s.notes.push(
      `Production build (standalone server), Redis 7 (private, AOF, appendfsync always), fake Telegram Bot API and fake OpenAI (fixed ${LLM_MS} ms before answering), real all-MiniLM-L6-v2 embeddings, all on one ${report.meta.machine.cores}-core machine. ` +
        `Each user waits for the reply to a message before sending the next; updates carry the webhook secret and are delivered with at most ${MAX_CONN} requests in flight, like Telegram's webhook max_connections (default 40). ` +
        `Webhook time is measured from sending the request; reply time from the moment the user "sent" the message (including waiting for a delivery slot), minus the fixed LLM time.`,
    );
    s.tables.push({
      table: {
        headers: ["metric", "value"],
        rows: [
          ["users × messages", `${fmtInt(N)} × ${M} = ${fmtInt(N * M)}`],
          ["wall time", `${(res.wallMs / 1000).toFixed(1)} s`],
          ["throughput (replies/s)", (replied / (res.wallMs / 1000)).toFixed(1)],
          ["webhook response p50 / p99 ms", `${fmtMs(webhook.p50)} / ${fmtMs(webhook.p99)}`],
          ["reply time minus LLM p50 / p99 ms", `${fmtMs(e2e.p50)} / ${fmtMs(e2e.p99)}`],
          [
            "webhook errors (non-2xx or refused, retried)",
            failedAttempts +
              (failedAttempts
                ? ` (${Object.entries(res.errors)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join(", ")})`
                : ""),
          ],
          ["messages never accepted", neverAccepted],
          ["messages not sent (user stopped after a missing reply)", unsent],
          ["accepted (2xx)", check.accepted],
          ["lost: not in history", check.lostHistory],
          ["lost: no long-term memory", check.lostMemory],
          ["stored more than once", check.duplicateStored],
          ["duplicate replies", check.duplicateReplies],
          ["missing replies", check.missingReplies],
          ["out-of-order replies", check.outOfOrder],
          ["replies without a message reference (errors)", check.unmatchedReplies],
          ["users whose assistant history ≠ replies", check.assistantHistoryMismatch],
          ...faults.map(
            (f) =>
              [
                f.kind === "app-kill" ? "app killed at / healthy again after" : "Redis killed at / down for",
                `${f.atS.toFixed(1)} s / ${f.downMs === undefined ? "?" : fmtInt(f.downMs)} ms`,
              ] as (string | number)[],
          ),
          ...(proxy ? [["connection resets (all connections each time)", resets] as (string | number)[]] : []),
          [
            "redo: already answered (marker) / resumed with recorded answer / lock lost / orphan queues resumed",
            `${redo.alreadyAnswered} / ${redo.resumedWithAnswer} / ${redo.lockLost} / ${redo.orphansResumed}`,
          ],
        ],
      },
    });
    if (check.details.length) s.notes.push("Problems (first 20):\n\n" + check.details.map((d) => `- ${d}`).join("\n"));
    s.notes.push(`App log: ${logFile}`);
    const files = report.write(path.join(process.cwd(), "bench/results"), args.json, FAULTY ? "load-fault" : "load");
    console.log(report.markdown());
    log(`wrote ${files.md}`);
    const bad =
      check.lostHistory +
      check.lostMemory +
      check.duplicateStored +
      check.duplicateReplies +
      check.missingReplies +
      check.outOfOrder +
      neverAccepted;
    process.exitCode = bad > 0 || (!FAULTY && failedAttempts > 0) ? 1 : 0;
    keepData = bad > 0;
    if (keepData) log(`problems found: Redis data kept in ${redis.dir} (prefix ${prefix}), app log ${logFile}`);
  } finally {
    timers.forEach((t) => clearTimeout(t));
    await app.stop();
    await proxy?.close();
    await fakeTg.close();
    await fakeAi.close();
    await redis.stop(keepData);
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
