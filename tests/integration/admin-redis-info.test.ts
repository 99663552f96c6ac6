import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { readSlowlog, scanKeyspace } from "@/lib/admin/redis-info";
import { deletePrefix, rawClient, testServers, uniquePrefix } from "../helpers/servers";

/** The Redis page's keyspace report and SLOWLOG against every server; its pure helpers are in tests/unit/admin-redis-info.test.ts. */
for (const server of testServers().available) {
  describe(`keyspace report on ${server.name}`, () => {
    let redis: Redis;
    const prefix = uniquePrefix("admin-info");
    before(async () => {
      redis = rawClient(server.url);
      const p = redis.pipeline();
      for (let i = 0; i < 60; i++)
        p.rpush(`${prefix}h:${i}`, "x".repeat(200 + i * 10)).expire(`${prefix}h:${i}`, 86400 * 3);
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
