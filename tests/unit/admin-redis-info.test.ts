import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { namespaceOf, parseInfo, printableArg, ttlBucket } from "@/lib/admin/redis-info";

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
    const info = parseInfo(
      "# Server\r\nredis_version:7.2.4\r\n\r\n# Memory\r\nused_memory:1024\r\nmaxmemory_policy:noeviction\r\n",
    );
    assert.deepEqual(info, {
      server: { redis_version: "7.2.4" },
      memory: { used_memory: "1024", maxmemory_policy: "noeviction" },
    });
    assert.equal(ttlBucket(-1), "no expiry");
    assert.equal(ttlBucket(59), "< 1 hour");
    assert.equal(ttlBucket(86400 * 2), "< 7 days");
    assert.equal(ttlBucket(86400 * 40), "≥ 30 days");
  });
});
