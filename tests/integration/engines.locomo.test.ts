/**
 * The LoCoMo evaluation (scripts/eval-locomo.ts) on one conversation with the real MiniLM:
 * lexical must find evidence (recall@10 > 0.3) and hybrid must not lose to either ranker at any k
 * (issue 14: the turns are stored through appendMessage with their neighbour as context).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { after, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { loadConfig } from "@/lib/config";
import { createEmbedder } from "@/lib/embeddings";
import { createRedisClient } from "@/lib/redis/client";
import { keysWithPrefix, testServers, uniquePrefix } from "../helpers/servers";
import { loadConversations } from "../../scripts/locomo/dataset";
import { formatTable, runLocomoEval } from "../../scripts/locomo/run";

const FILE = path.resolve(process.env.LOCOMO_DIR ?? "../shared/datasets/locomo", "conv-30.json");
const server = testServers().available.find((s) => s.name === "redis7") ?? testServers().available[0];
const skip = !process.env.EMBEDDING_MODEL_DIR
  ? "EMBEDDING_MODEL_DIR not set (npm test fetches the model)"
  : !existsSync(FILE)
    ? `${FILE} not found (set LOCOMO_DIR)`
    : !server
      ? "no test server configured (run through npm test)"
      : false;

describe("LoCoMo evaluation on one conversation", { skip }, () => {
  let redis: Redis | undefined;
  after(() => redis?.disconnect());

  it("lexical recall@10 > 0.3 and hybrid ≥ dense and ≥ lexical at every k; leaves no keys behind", async () => {
    redis = createRedisClient({ url: server!.url, commandTimeoutMs: 60_000 });
    const config = loadConfig({ ...process.env, LOG_LEVEL: "warn" });
    const prefix = uniquePrefix("locomo");
    const result = await runLocomoEval({
      redis,
      prefix,
      engine: server!.engine,
      embedder: createEmbedder(config.embedding),
      encoding: "float32",
      algorithm: "HNSW",
      conversations: loadConversations(FILE),
      modes: ["dense", "lexical", "hybrid"],
      ks: [1, 5, 10],
    });
    console.log(formatTable(result, [1, 5, 10]));
    const r10 = (m: "dense" | "lexical" | "hybrid") => result.modes[m]!.recall["recall@10"]!;
    assert.ok(result.modes.lexical!.n > 50, "questions were asked");
    assert.ok(r10("lexical") > 0.3, `lexical recall@10 ${r10("lexical")}`);
    for (const k of [1, 5, 10]) {
      const r = (m: "dense" | "lexical" | "hybrid") => result.modes[m]!.recall[`recall@${k}`]!;
      assert.ok(
        r("hybrid") >= Math.max(r("dense"), r("lexical")),
        `@${k}: hybrid ${r("hybrid")} < dense ${r("dense")} / lexical ${r("lexical")}`,
      );
    }
    assert.ok(
      r10("hybrid") > r10("lexical") + 0.03,
      `the dense half adds to BM25: ${r10("hybrid")} vs ${r10("lexical")}`,
    );
    assert.deepEqual(await keysWithPrefix(redis, prefix), [], "the eval removes its prefix");
  });
});
