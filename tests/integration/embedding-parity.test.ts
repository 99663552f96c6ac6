import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { describe, it } from "node:test";
import { createLocalEmbedder } from "@/lib/embeddings/local";
import { dot } from "@/lib/embeddings/types";
import { isAppError } from "@/lib/errors";
import { modelSkipReason, testEmbedder } from "../helpers/embedder";

interface Reference {
  sentences: string[];
  vectors: number[][];
  paraphrase: [number, number];
  unrelated: [number, number];
}

const ref = JSON.parse(readFileSync("tests/fixtures/minilm-reference.json", "utf8")) as Reference;

describe("all-MiniLM-L6-v2 parity with sentence-transformers", { skip: modelSkipReason }, () => {
  // Runs through the worker pool, as the app does: one batched call, then one call per sentence.
  for (const how of ["batched", "one at a time"] as const) {
    it(`every reference sentence reaches cosine ≥ 0.99999 (${how}, through the worker pool)`, async () => {
      const e = testEmbedder();
      const got =
        how === "batched"
          ? await e.embed(ref.sentences)
          : await Promise.all(ref.sentences.map(async (s) => (await e.embed([s]))[0]!));
      assert.equal(got.length, ref.sentences.length);
      let min = 1;
      ref.vectors.forEach((v, i) => {
        const cos = dot(got[i]!, Float32Array.from(v));
        min = Math.min(min, cos);
        assert.ok(cos >= 0.99999, `sentence ${i} ("${ref.sentences[i]!.slice(0, 40)}") cosine ${cos}`);
      });
      console.log(`min cosine vs sentence-transformers (${how}): ${min.toFixed(7)}`);
    });
  }

  it("gives the same vector one at a time as in a padded batch", async () => {
    const e = testEmbedder();
    const [single] = await e.embed([ref.sentences[3]!]);
    const batch = await e.embed([ref.sentences[0]!, ref.sentences[3]!]);
    assert.ok(dot(single!, batch[1]!) > 0.9999);
  });

  it("vectors are 384-dimensional and unit length", async () => {
    const [v] = await testEmbedder().embed(["unit length check"]);
    assert.equal(v!.length, 384);
    assert.ok(Math.abs(dot(v!, v!) - 1) < 1e-4);
  });

  it("a paraphrase pair scores clearly above an unrelated pair", async () => {
    const e = testEmbedder();
    const [a, b, c] = await e.embed([
      ref.sentences[ref.paraphrase[0]]!,
      ref.sentences[ref.paraphrase[1]]!,
      ref.sentences[ref.unrelated[1]]!,
    ]);
    const para = dot(a!, b!);
    const unrelated = dot(a!, c!);
    assert.ok(para > 0.6, `paraphrase ${para}`);
    assert.ok(para - unrelated > 0.4, `paraphrase ${para} vs unrelated ${unrelated}`);
  });

  it("runs the model off the main thread: onnxruntime never loads here and the event loop keeps turning", async () => {
    const e = testEmbedder();
    await e.warmUp();
    // 16 texts of ~256 word pieces: on the main thread each session.run would block it for a
    // quarter of the call or more; in the worker pool the loop only waits for messages.
    const long = ref.sentences.slice(0, 16).map((s, i) => `${i}: ${s} `.repeat(12));
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const started = performance.now();
    const got = await e.embed(long);
    const wallMs = performance.now() - started;
    await new Promise((r) => setTimeout(r, 20)); // a loop blocked until now records its stall on the next tick
    delay.disable();
    assert.equal(got.length, long.length);
    const maxBlockMs = delay.max / 1e6;
    console.log(
      `embed of ${long.length} long texts: ${wallMs.toFixed(0)} ms; longest event-loop stall ${maxBlockMs.toFixed(1)} ms`,
    );
    assert.ok(
      maxBlockMs < wallMs / 8,
      `the event loop stalled ${maxBlockMs.toFixed(1)} ms during a ${wallMs.toFixed(0)} ms embed`,
    );
    const loadedHere = Object.keys(require.cache).filter((f) =>
      /onnxruntime-node|@huggingface[\\/]transformers/.test(f),
    );
    assert.deepEqual(loadedHere, [], "the main thread loaded the model runtime");
  });

  it("concurrent first calls share one model load", async () => {
    const e = createLocalEmbedder({
      model: "Xenova/all-MiniLM-L6-v2",
      modelDir: process.env.EMBEDDING_MODEL_DIR!,
      cacheDir: "/tmp/mindmate-test-cache",
      dtype: "fp32",
    });
    const results = await Promise.all([e.embed(["one"]), e.embed(["two"]), e.warmUp()]);
    assert.equal(results[0].length, 1);
    assert.equal(e.status().loaded, true);
    assert.ok((e.status().loadMs ?? -1) >= 0);
  });
});

// EMBEDDING_DTYPE=q8: our int8 graph (scripts/model/build-q8.sh), when it has been built.
const q8File =
  process.env.EMBEDDING_MODEL_DIR &&
  path.join(process.env.EMBEDDING_MODEL_DIR, "Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx");
describe(
  "all-MiniLM-L6-v2 q8 (int8) through the pool",
  {
    skip:
      modelSkipReason ||
      (q8File && existsSync(q8File) ? false : "no model_quantized.onnx: run scripts/model/build-q8.sh"),
  },
  () => {
    it("stays close to sentence-transformers (min cosine ≥ 0.95, measured 0.962) and keeps paraphrases apart from unrelated pairs", async () => {
      const e = createLocalEmbedder({
        model: "Xenova/all-MiniLM-L6-v2",
        modelDir: process.env.EMBEDDING_MODEL_DIR!,
        cacheDir: "/tmp/mindmate-test-cache",
        dtype: "q8",
      });
      const got = await e.embed(ref.sentences);
      const min = Math.min(...ref.vectors.map((v, i) => dot(got[i]!, Float32Array.from(v))));
      console.log(`q8 min cosine vs sentence-transformers: ${min.toFixed(5)}`);
      assert.ok(min >= 0.95, `min cosine ${min}`);
      const para = dot(got[ref.paraphrase[0]]!, got[ref.paraphrase[1]]!);
      assert.ok(para - dot(got[ref.paraphrase[0]]!, got[ref.unrelated[1]]!) > 0.4);
    });
  },
);

describe("model files missing or corrupt", () => {
  it("a missing folder names the folder and the fix", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mm-nomodel-"));
    const e = createLocalEmbedder({ model: "Xenova/all-MiniLM-L6-v2", modelDir: dir, cacheDir: dir, dtype: "fp32" });
    await assert.rejects(e.embed(["x"]), (err: unknown) => {
      assert.ok(isAppError(err, "config:embedding"));
      assert.match((err as Error).message, new RegExp(dir.replace(/[/\\]/g, ".")));
      assert.match((err as Error).message, /npm run model:fetch/);
      return true;
    });
    assert.match(e.status().error ?? "", /missing/);
  });

  it("a corrupt model file is reported, not a crash", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mm-badmodel-"));
    const root = path.join(dir, "Xenova/all-MiniLM-L6-v2");
    mkdirSync(path.join(root, "onnx"), { recursive: true });
    const src = process.env.EMBEDDING_MODEL_DIR;
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json"]) {
      writeFileSync(path.join(root, f), src ? readFileSync(path.join(src, "Xenova/all-MiniLM-L6-v2", f)) : "{}");
    }
    writeFileSync(path.join(root, "onnx/model.onnx"), "not an onnx file");
    const e = createLocalEmbedder({ model: "Xenova/all-MiniLM-L6-v2", modelDir: dir, cacheDir: dir, dtype: "fp32" });
    await assert.rejects(
      e.embed(["x"]),
      (err: unknown) => isAppError(err, "config:embedding") && /corrupt|model:fetch/.test((err as Error).message),
    );
  });
});
