import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { createMemory, createMemoryContext } from "@/lib/memory";
import type { UserExport } from "@/lib/memory/types";
import { createRedisClient } from "@/lib/redis/client";
import { modelSkipReason, testEmbedder } from "../helpers/embedder";
import { memoryOptions } from "../helpers/memory";
import { deletePrefix, rawClient, serverByName, uniquePrefix } from "../helpers/servers";

/**
 * The three CLIs as a person runs them (npm scripts → tsx), against a real server and the real
 * model (the CLIs load the configured embedder, so vectors must come from the same model).
 */
const server = serverByName("redis7") ?? serverByName("valkey8");
const skip = modelSkipReason || (server ? false : "no scan-engine server (REDIS7_URL / VALKEY8_URL not set)");

function run(script: string, args: string[], env: Record<string, string>, input?: string) {
  const res = spawnSync(process.execPath, ["--import", "tsx", `scripts/${script}.ts`, ...args], {
    cwd: path.resolve(__dirname, "../.."),
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    input,
    encoding: "utf8",
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("memory CLIs: export, import, reindex", { skip }, () => {
  const prefix = uniquePrefix("cli");
  const dir = mkdtempSync(path.join(tmpdir(), "mm-cli-"));
  let redis: Redis;
  let env: Record<string, string>;
  before(() => {
    redis = createRedisClient({ url: server!.url });
    env = {
      REDIS_URL: server!.url,
      REDIS_PREFIX: prefix,
      VECTOR_ENGINE: server!.engine,
      EMBEDDING_PROVIDER: "local",
      EMBEDDING_MODEL_DIR: process.env.EMBEDDING_MODEL_DIR!,
    };
  });
  after(async () => {
    await createMemoryContext(memoryOptions(server!, redis, prefix)).engine.dropAll();
    const raw = rawClient(server!.url);
    await deletePrefix(raw, prefix);
    raw.disconnect();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it("round-trips users through files and rebuilds the index", { timeout: 300_000 }, async () => {
    const memory = createMemory(memoryOptions(server!, redis, prefix, { embedder: testEmbedder(), historyMax: 100 }));
    await memory.init();
    await memory.appendMessage({
      userId: 801,
      role: "user",
      content: "My daughter Lena starts school in September",
      profile: { firstName: "Kim" },
    });
    await memory.appendMessage({ userId: 801, role: "assistant", content: "That is a big step for Lena!" });
    await memory.appendMessage({ userId: 802, role: "user", content: "I am allergic to peanuts" });
    const history801 = await memory.getHistory(801, 100);
    const recall801 = await memory.recall({ userId: 801, query: "when does my kid begin school", k: 2 });

    const one = run("memory-export", ["--user", "801", "--vectors"], env);
    assert.equal(one.code, 0, one.stderr);
    const doc = JSON.parse(one.stdout) as UserExport;
    assert.equal(doc.userId, 801);
    assert.equal(doc.history.length, 2);
    assert.equal(doc.memories[0]!.embedder, "local:Xenova/all-MiniLM-L6-v2");

    const all = run("memory-export", ["--all", "--out", path.join(dir, "all.jsonl")], env);
    assert.equal(all.code, 0, all.stderr);
    const lines = readFileSync(path.join(dir, "all.jsonl"), "utf8").trim().split("\n");
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as UserExport).userId).sort(), [801, 802]);
    assert.match(all.stderr, /exported 2 user/);

    const conflict = run("memory-import", [], env, one.stdout);
    assert.equal(conflict.code, 1);
    assert.match(conflict.stderr, /already has stored data.*--replace/);

    await memory.forget(801);
    const imported = run("memory-import", [], env, one.stdout);
    assert.equal(imported.code, 0, imported.stderr);
    assert.deepEqual(await memory.getHistory(801, 100), history801);
    assert.deepEqual(
      (await memory.recall({ userId: 801, query: "when does my kid begin school", k: 2 })).hits,
      recall801.hits,
    );

    const replaced = run("memory-import", ["--file", path.join(dir, "all.jsonl"), "--replace"], env);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stderr, /2 imported, 0 failed/);

    const reindex = run("memory-reindex", [], env);
    assert.equal(reindex.code, 0, reindex.stderr);
    assert.match(reindex.stderr, /done: 3 memories re-embedded/);
    assert.match(reindex.stderr, /re-embed: 100% \(3\/3\)/);
    const after = await memory.recall({ userId: 802, query: "food allergy", k: 1, mode: "dense" });
    assert.equal(after.hits[0]?.content, "I am allergic to peanuts");

    const bad = run("memory-export", ["--user", "abc"], env);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--user must be a numeric Telegram user id/);
    writeFileSync(path.join(dir, "bad.json"), '{"format":"something else"}');
    const badImport = run("memory-import", ["--file", path.join(dir, "bad.json")], env);
    assert.equal(badImport.code, 1);
    assert.match(badImport.stderr, /Not a MindMate user export/);
    const down = run("memory-export", ["--all"], {
      ...env,
      REDIS_URL: "redis://127.0.0.1:1",
      REDIS_CONNECT_TIMEOUT_MS: "300",
    });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /memory:export failed \(unavailable:redis\)/);
    memory.close();
  });
});
