import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { bindMetricsSink, flushMetrics, recordLatency, resetMetricsForTests } from "@/lib/metrics";
import { bucketIndex, bucketUpper, MAX_BUCKET } from "@/lib/metrics/buckets";
import { metricsKey } from "@/lib/metrics/store";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

/**
 * GET /api/metrics (app/api/metrics/route.ts) called in-process against real Redis: off (404)
 * without METRICS_TOKEN, 401 with a wrong token, 503 with Redis down, and a Prometheus text
 * exposition whose histograms and gauges come from Redis — merged across "instances" and
 * monotonic while old minutes are folded into the cumulative hash.
 */

const { available } = testServers();
const server = available[0];
const skip = server ? false : "no test server URL set (run through npm test)";
const TOKEN = "metrics-endpoint-token-0123456789";
const H = "mindmate_operation_duration_seconds";

type Handler = (req: Request) => Promise<Response>;

function scrape(handler: Handler, authorization?: string): Promise<Response> {
  return handler(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (0.0.4); throws on a line it cannot read. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith("# HELP ")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    const value = m[3] === "+Inf" ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), `not a number: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("GET /api/metrics", { skip }, () => {
  const prefix = uniquePrefix("metrics-endpoint");
  let raw: Redis;
  let GET: Handler;
  let resetConfig: () => void;

  before(async () => {
    Object.assign(process.env, {
      REDIS_URL: server!.url,
      REDIS_PREFIX: prefix,
      TELEGRAM_BOT_TOKEN: "",
      LOG_LEVEL: "error",
      METRICS_TOKEN: TOKEN,
    });
    raw = rawClient(server!.url);
    ({ resetConfigForTests: resetConfig } = await import("@/lib/config"));
    resetConfig();
    resetMetricsForTests();
    bindMetricsSink({ redis: raw, prefix });
    ({ GET } = await import("@/app/api/metrics/route"));
  });

  after(async () => {
    resetMetricsForTests();
    await deletePrefix(raw, prefix);
    raw.disconnect();
    const { getRuntime } = await import("@/lib/app");
    getRuntime().redis.disconnect();
  });

  it("is off (404, JSON error) while METRICS_TOKEN is unset", async () => {
    delete process.env.METRICS_TOKEN;
    resetConfig();
    try {
      const res = await scrape(GET, `Bearer ${TOKEN}`);
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "not_found:api");
    } finally {
      process.env.METRICS_TOKEN = TOKEN;
      resetConfig();
    }
  });

  it("answers 401 (JSON error) without the right bearer token", async () => {
    for (const auth of [
      undefined,
      "Bearer wrong-token-wrong-token-00",
      `Bearer ${TOKEN}x`,
      `Basic ${TOKEN}`,
      TOKEN,
      `Bearer ${TOKEN.slice(0, -1)}`,
    ]) {
      const res = await scrape(GET, auth);
      assert.equal(res.status, 401, String(auth));
      assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "unauthorized:api");
      assert.ok(!JSON.stringify(body).includes(TOKEN));
    }
  });

  it("200: a parseable exposition with the merged latency histograms and the gauges", async () => {
    for (let i = 0; i < 10; i++) recordLatency("recall", 3);
    recordLatency("recall", 300);
    recordLatency("append", 1.5);
    await flushMetrics();
    // Another instance wrote 4 slow recalls 30 minutes ago (a minute old enough to be folded).
    const old = Math.floor(Date.now() / 60000) - 30;
    await raw.hincrby(metricsKey(prefix, "recall", old), String(bucketIndex(800)), 4);
    // One chat with a queued update.
    const { createChatQueue } = await import("@/lib/bot/chat-queue");
    assert.equal(
      await createChatQueue(raw, prefix, { lockMs: 30_000 }).enqueue("4242", 1, JSON.stringify({ update_id: 1 })),
      true,
    );

    const res = await scrape(GET, `Bearer ${TOKEN}`);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const { samples, types } = parseExposition(text);

    assert.equal(types.get(H), "histogram");
    assert.equal(value(samples, `${H}_count`, { op: "recall" }), 15);
    assert.equal(value(samples, `${H}_count`, { op: "append" }), 1);
    assert.equal(value(samples, `${H}_count`, { op: "webhook" }), 0, "every op is exposed, also without samples");
    // Buckets: the app's own bounds in seconds, cumulative, ending in +Inf = _count.
    const recall = samples.filter((s) => s.name === `${H}_bucket` && s.labels.op === "recall");
    assert.equal(recall.length, MAX_BUCKET + 1);
    assert.equal(recall.at(-1)!.labels.le, "+Inf");
    assert.equal(recall.at(-1)!.value, 15);
    const le = (s: Sample) => (s.labels.le === "+Inf" ? Infinity : Number(s.labels.le));
    for (let i = 1; i < recall.length; i++)
      assert.ok(recall[i]!.value >= recall[i - 1]!.value && le(recall[i]!) > le(recall[i - 1]!), `bucket ${i}`);
    for (let i = 0; i < MAX_BUCKET; i++)
      assert.ok(Math.abs(Number(recall[i]!.labels.le) - bucketUpper(i) / 1000) / (bucketUpper(i) / 1000) < 1e-5);
    const upTo = (ms: number) => recall[bucketIndex(ms)]!.value;
    assert.equal(recall[bucketIndex(3) - 1]!.value, 0);
    assert.equal(upTo(3), 10);
    assert.equal(upTo(300), 11);
    assert.equal(upTo(800), 15);
    // _sum ≈ 10 × 3 ms + 300 ms + 4 × 800 ms (approximated from bucket middles, within ~10 %).
    const sum = value(samples, `${H}_sum`, { op: "recall" })!;
    assert.ok(Math.abs(sum - 3.53) / 3.53 < 0.1, `sum ${sum}`);

    for (const g of [
      "mindmate_queue_depth",
      "mindmate_queue_oldest_wait_seconds",
      "mindmate_queue_stale_chats",
      "mindmate_journal_pending",
      "mindmate_journal_degraded",
      "mindmate_redis_used_memory_bytes",
      "mindmate_redis_maxmemory_bytes",
      "mindmate_memory_budget_bytes",
    ]) {
      assert.equal(types.get(g), "gauge", g);
      assert.ok(value(samples, g) !== undefined, g);
    }
    assert.equal(value(samples, "mindmate_queue_depth"), 1);
    assert.equal(value(samples, "mindmate_queue_stale_chats"), 0);
    assert.equal(value(samples, "mindmate_journal_pending"), 0);
    assert.ok(value(samples, "mindmate_redis_used_memory_bytes")! > 0);
    const info = await raw.info("memory");
    assert.equal(value(samples, "mindmate_redis_maxmemory_bytes"), Number(/maxmemory:(\d+)/.exec(info)![1]));
  });

  it("stays monotonic and agrees across scrapes: old minutes are folded once, live ones read as they grow", async () => {
    const count = async () =>
      value(parseExposition(await (await scrape(GET, `Bearer ${TOKEN}`)).text()).samples, `${H}_count`, {
        op: "recall",
      })!;
    const before = await count();
    // The 30-minute-old minute is now in the cumulative hash; expiring its per-minute key changes nothing.
    const cumulative = await raw.hgetall(`${prefix}metrics:cumulative:recall`);
    assert.equal(Number(cumulative[String(bucketIndex(800))]), 4);
    assert.ok(Number(cumulative.folded) > 0);
    await raw.del(metricsKey(prefix, "recall", Math.floor(Date.now() / 60000) - 30));
    assert.equal(await count(), before);
    // Concurrent scrapes (several instances) neither double-count nor lose anything.
    const parallel = await Promise.all(Array.from({ length: 5 }, count));
    assert.deepEqual(parallel, Array(5).fill(before));
    recordLatency("recall", 5);
    await flushMetrics();
    assert.equal(await count(), before + 1);
  });

  it("folds on every Redis-family server the tests have", async () => {
    const { cumulativeHistogram, LIVE_MINUTES } = await import("@/lib/metrics/prometheus");
    for (const s of available) {
      const r = rawClient(s.url);
      const p = uniquePrefix("metrics-fold");
      try {
        const now = Date.now();
        const min = Math.floor(now / 60000);
        await r.hincrby(metricsKey(p, "embed", min - 100), "7", 2);
        await r.hincrby(metricsKey(p, "embed", min - LIVE_MINUTES - 1), "7", 1);
        await r.hincrby(metricsKey(p, "embed", min), "9", 3);
        await r.hincrby(metricsKey(p, "embed", min - 3000), "9", 50); // beyond the 48 h retention: ignored
        assert.deepEqual(
          [...(await cumulativeHistogram(r, p, "embed", now)).entries()].sort(),
          [
            [7, 3],
            [9, 3],
          ],
          s.name,
        );
        await r.hincrby(metricsKey(p, "embed", min), "9", 1);
        assert.deepEqual(
          [...(await cumulativeHistogram(r, p, "embed", now)).entries()].sort(),
          [
            [7, 3],
            [9, 4],
          ],
          s.name,
        );
        assert.equal(await r.hget(`${p}metrics:cumulative:embed`, "9"), null, "live minutes are not folded yet");
      } finally {
        await deletePrefix(r, p);
        r.disconnect();
      }
    }
  });

  it("answers the documented 503 when Redis is unreachable", async () => {
    const { resetAppForTests } = await import("@/lib/app");
    const saved = {
      url: process.env.REDIS_URL,
      connect: process.env.REDIS_CONNECT_TIMEOUT_MS,
      command: process.env.REDIS_COMMAND_TIMEOUT_MS,
    };
    const restore = (name: string, v: string | undefined) =>
      v === undefined ? delete process.env[name] : (process.env[name] = v);
    Object.assign(process.env, {
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      REDIS_CONNECT_TIMEOUT_MS: "300",
      REDIS_COMMAND_TIMEOUT_MS: "300",
    });
    resetConfig();
    resetAppForTests(); // the next request builds the app from this env: Redis on a closed port
    try {
      const res = await scrape(GET, `Bearer ${TOKEN}`);
      assert.equal(res.status, 503, await res.clone().text());
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, "unavailable:redis");
    } finally {
      restore("REDIS_URL", saved.url);
      restore("REDIS_CONNECT_TIMEOUT_MS", saved.connect);
      restore("REDIS_COMMAND_TIMEOUT_MS", saved.command);
      resetConfig();
      resetAppForTests();
    }
  });
});
