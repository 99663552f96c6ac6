import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { namespaceOf, parseInfo, printableArg, readSlowlog, scanKeyspace, ttlBucket } from "@/lib/admin/redis-info";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

describe("Redis page helpers (pure)", () => {
  it("groups keys into namespaces without ids", () => {
    assert.equal(namespaceOf("h:42"), "h");
    assert.equal(namespaceOf("u:-1001"), "u");
    assert.equal(namespaceOf("users"), "users");
    assert.equal(namespaceOf("m:vec:42"), "m:vec");
    assert.equal(namespaceOf("m:_meta"), "m");
    assert.equal(namespaceOf("metrics:recall:29400000"), "metrics:recall");
    assert.equal(namespaceOf("login:fail:10.0.0.1"), "login:fail");
  });

  it("shows SLOWLOG arguments readably: binary blobs as <binary>, long text cut", () => {
    assert.equal(printableArg("FT.SEARCH"), "FT.SEARCH");
    assert.equal(printableArg("ab\u0001\ufffdcd"), "<binary>");
    assert.equal(printableArg("x".repeat(100)), `${"x".repeat(77)}…`);
  });

  it("parses INFO sections and buckets TTLs", () => {
    const info = parseInfo("# Server\r\nredis_version:7.2.4\r\n\r\n# Memory\r\nused_memory:1024\r\nmaxmemory_policy:noeviction\r\n");
    assert.deepEqual(info, { server: { redis_version: "7.2.4" }, memory: { used_memory: "1024", maxmemory_policy: "noeviction" } });
    assert.equal(ttlBucket(-1), "no expiry");
    assert.equal(ttlBucket(59), "< 1 hour");
    assert.equal(ttlBucket(86400 * 2), "< 7 days");
    assert.equal(ttlBucket(86400 * 40), "≥ 30 days");
  });
});

for (const server of testServers().available) {
  describe(`keyspace report on ${server.name}`, () => {
    let redis: Redis;
    const prefix = uniquePrefix("admin-info");
    before(async () => {
      redis = rawClient(server.url);
      const p = redis.pipeline();
      for (let i = 0; i < 60; i++) p.rpush(`${prefix}h:${i}`, "x".repeat(200 + i * 10)).expire(`${prefix}h:${i}`, 86400 * 3);
      for (let i = 0; i < 5; i++) p.hset(`${prefix}u:${i}`, "messages", String(i));
      p.zadd(`${prefix}users`, 1, "1");
      p.set(`${prefix}big`, "y".repeat(50_000));
      await p.exec();
    });
    after(async () => {
      await deletePrefix(redis, prefix);
      redis.disconnect();
    });

    it("counts every key per namespace, estimates memory from a sample and finds the biggest key", async () => {
      const r = await scanKeyspace(redis, prefix, { samplePerNamespace: 10 });
      assert.equal(r.scannedKeys, 67);
      assert.equal(r.truncated, false);
      const h = r.namespaces.find((n) => n.namespace === "h")!;
      assert.equal(h.keys, 60);
      assert.equal(h.sampled, 10);
      assert.deepEqual(h.types, { list: 10 });
      // 60 lists of 200..790 bytes: the estimate is within a factor of two of the real total.
      let real = 0;
      for (let i = 0; i < 60; i++) real += Number(await redis.call("MEMORY", "USAGE", `${prefix}h:${i}`));
      assert.ok(h.estimatedBytes! > real / 2 && h.estimatedBytes! < real * 2, `${h.estimatedBytes} vs ${real}`);
      assert.equal(r.biggestKeys[0]!.key, `${prefix}big`);
      assert.ok(r.biggestKeys[0]!.bytes! >= 50_000);
      const ttl = Object.fromEntries(r.ttl.map((t) => [t.bucket, t.keys]));
      assert.equal(ttl["< 7 days"], 10);
      assert.equal(ttl["no expiry"], 5 + 1 + 1);
    });

    it("stops scanning at maxKeys and says so", async () => {
      const r = await scanKeyspace(redis, prefix, { maxKeys: 10 });
      assert.equal(r.truncated, true);
      assert.ok(r.scannedKeys >= 10 && r.scannedKeys < 67);
    });

    it("reads SLOWLOG entries", async () => {
      const s = await readSlowlog(redis, 5);
      assert.equal(s.available, true);
      assert.ok(Array.isArray(s.entries));
      for (const e of s.entries) assert.ok(e.durationUs >= 0 && e.command.length > 0);
    });
  });
}
