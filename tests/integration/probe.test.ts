import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { loadConfig, resetConfigForTests } from "@/lib/config";
import { buildHealth } from "@/lib/health";
import { createRedisClient } from "@/lib/redis/client";
import { probeRedis } from "@/lib/redis/probe";
import { chooseEngine } from "@/lib/memory/engines/choose";
import { resetAppForTests } from "@/lib/app";
import { createRuntime, type Runtime } from "@/lib/runtime";
import { isAppError } from "@/lib/errors";
import { testServers } from "../helpers/servers";

const { available, missing } = testServers();

/** Drops the process-wide config and runtime so the route sees the env the test sets. */
function freshRuntime() {
  resetAppForTests();
  resetConfigForTests();
}
const runtimes: Runtime[] = [];
after(() => {
  runtimes.forEach((r) => r.redis.disconnect());
  resetAppForTests();
});

describe("capability probe on the four real servers", () => {
  for (const reason of missing) it(`server ${reason}`, { skip: reason }, () => {});

  for (const server of available) {
    describe(server.name, () => {
      it(`reports ${server.kind}, search=${server.search}, vector sets=${server.vectorSets}, json=${server.json}`, async () => {
        const redis = createRedisClient({ url: server.url });
        try {
          const caps = await probeRedis(redis);
          assert.equal(caps.serverKind, server.kind);
          assert.match(caps.version, /^\d+\.\d+/);
          assert.equal(caps.search.available, server.search);
          assert.equal(caps.vectorSets, server.vectorSets);
          assert.equal(caps.json.available, server.json);
          if (server.search) assert.match(caps.search.version ?? "", /^\d+\.\d+\.\d+$/);
          if (server.name === "redis7") assert.match(caps.version, /^7\./);
          if (server.name === "valkey8") assert.match(caps.version, /^8\./);
          if (server.name === "redis8") assert.match(caps.version, /^8\./);
          if (server.name === "redis-stack") assert.match(caps.version, /^7\.4/);
        } finally {
          redis.disconnect();
        }
      });

      it(`auto picks ${server.engine}; forcing an engine the server lacks is a clear error`, async () => {
        const redis = createRedisClient({ url: server.url });
        try {
          const caps = await probeRedis(redis);
          assert.equal(chooseEngine(caps, "auto"), server.engine);
          assert.equal(chooseEngine(caps, "scan"), "scan");
          for (const forced of ["redisearch", "vectorset"] as const) {
            const has = forced === "redisearch" ? server.search : server.vectorSets;
            if (has) assert.equal(chooseEngine(caps, forced), forced);
            else
              assert.throws(
                () => chooseEngine(caps, forced),
                (e: unknown) => isAppError(e, "config:vector") && /VECTOR_ENGINE=/.test((e as Error).message),
              );
          }
        } finally {
          redis.disconnect();
        }
      });

      it("health reports reachable, round trip and the chosen engine", async () => {
        const rt = createRuntime(
          loadConfig({ REDIS_URL: server.url, EMBEDDING_MODEL_DIR: process.env.EMBEDDING_MODEL_DIR }),
        );
        runtimes.push(rt);
        const h = await buildHealth(rt);
        assert.equal(h.redis.reachable, true);
        assert.equal(h.engine, server.engine);
        assert.equal(h.redis.serverKind, server.kind);
        assert.ok((h.redis.roundTripMs ?? -1) >= 0);
        assert.equal(h.embedder.model, "Xenova/all-MiniLM-L6-v2");
        assert.equal(h.embedder.dims, 384);
        assert.notEqual(h.status, "down");
      });
    });
  }
});

describe("Redis unreachable", () => {
  it("health is down with the connection error, not a crash", async () => {
    const rt = createRuntime(loadConfig({ REDIS_URL: "redis://127.0.0.1:1", REDIS_CONNECT_TIMEOUT_MS: "300" }));
    runtimes.push(rt);
    const h = await buildHealth(rt);
    assert.equal(h.status, "down");
    assert.equal(h.redis.reachable, false);
    assert.match(h.reasons.join(" "), /Redis unreachable: .*(ECONNREFUSED|connect)/);
  });

  it("the health route answers 503 with the reason", async () => {
    freshRuntime();
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    process.env.REDIS_CONNECT_TIMEOUT_MS = "300";
    const { GET } = await import("@/app/api/health/route");
    const res = await GET();
    assert.equal(res.status, 503);
    const body = (await res.json()) as { status: string; reasons: string[] };
    assert.equal(body.status, "down");
    assert.match(body.reasons.join(" "), /127\.0\.0\.1:1/);
  });

  it(
    "the health route answers 200 against a real server",
    { skip: available.length === 0 && "no test server" },
    async () => {
      freshRuntime();
      process.env.REDIS_URL = available[0]!.url;
      const { GET } = await import("@/app/api/health/route");
      const res = await GET();
      assert.equal(res.status, 200);
      const body = (await res.json()) as { engine: string };
      assert.equal(body.engine, available[0]!.engine);
      resetAppForTests();
    },
  );
});
