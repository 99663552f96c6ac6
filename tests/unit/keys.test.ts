import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { authKeys, botKeys, isConversationNamespace, KEY_REGISTRY, memoryKeys, metricsKeys } from "@/lib/redis/keys";
import { renderKeysDoc } from "../../scripts/keys-docs";

const P = "mm:";
/** A registry pattern as a regex over the key without the prefix (ids of users, chats, updates, bots and minutes are numbers). */
const NUMERIC = new Set(["user", "chat", "update", "bot", "minute"]);
const asRegex = (pattern: string) =>
  new RegExp(
    `^${pattern.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/<([a-z0-9]+)>/g, (_, name: string) => (NUMERIC.has(name) ? "-?\\d+" : "[^:]+"))}$`,
  );
const matching = (key: string) => KEY_REGISTRY.filter((k) => asRegex(k.pattern).test(key.slice(P.length)));

describe("key registry (lib/redis/keys.ts)", () => {
  it("docs/keys.md is generated from it (npm run keys:docs)", () => {
    assert.equal(readFileSync("docs/keys.md", "utf8"), renderKeysDoc(), "docs/keys.md is stale: run npm run keys:docs");
  });

  it("every key a builder makes is registered exactly once", () => {
    const m = memoryKeys(P);
    const b = botKeys(P);
    const a = authKeys(P);
    const built = [
      m.history(7),
      m.settings(7),
      m.profile(7),
      m.users(),
      m.applied("m1abc-2"),
      m.applied("k:" + "ab".repeat(16)),
      m.reindex("state"),
      m.reindex("queue"),
      m.budget("state"),
      m.budget("trimmed"),
      m.budget("samples"),
      m.memoryGlobal("meta"),
      m.memoryGlobal("users"),
      ...(["s", "vs", "c", "l"] as const).map((k) => m.memoryUser(7, k)),
      `${m.memoryUser(7, "d")}:m1abc-2`,
      b.update(99),
      b.queue("-1007"),
      b.queueLock("-1007"),
      b.queueWork(),
      b.turn("-1007", 99),
      b.replied("-1007", 99),
      b.rateLimit(7),
      b.botInfo("123"),
      b.pollLock("123"),
      a.loginFail("10.0.0.1"),
      a.loginGlobal(),
      a.loginKnown("10.0.0.1"),
      metricsKeys(P).minute("recall", 29_000_000),
      metricsKeys(P).cumulative("recall"),
    ];
    for (const key of built)
      assert.equal(
        matching(key).length,
        1,
        `${key} matches ${
          matching(key)
            .map((k) => k.pattern)
            .join(", ") || "nothing"
        }`,
      );
    for (const entry of KEY_REGISTRY)
      assert.ok(
        built.some((key) => asRegex(entry.pattern).test(key.slice(P.length))),
        `${entry.pattern} has a builder`,
      );
  });

  it("the first segment decides conversation data unambiguously", () => {
    const byRoot = new Map<string, Set<boolean>>();
    for (const k of KEY_REGISTRY) {
      const root = k.pattern.split(":")[0]!;
      byRoot.set(root, (byRoot.get(root) ?? new Set()).add(k.conversation));
    }
    for (const [root, flags] of byRoot) assert.equal(flags.size, 1, `${root}: conversation and not`);
    for (const ns of ["h", "u", "p", "users", "m:s", "m:vs", "m:d", "m:_meta"])
      assert.equal(isConversationNamespace(ns), true, ns);
    for (const ns of [
      "q",
      "q:lock",
      "q:turn",
      "replied",
      "rl",
      "bot:info",
      "login:fail",
      "metrics:recall",
      "upd",
      "applied",
      "applied:k",
      "budget",
      "reindex",
      "unknown",
    ]) {
      assert.equal(isConversationNamespace(ns), false, ns);
    }
  });
});
