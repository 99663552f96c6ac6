import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
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
  it("every reference sentence reaches cosine ≥ 0.99 (batched)", async () => {
    const got = await testEmbedder().embed(ref.sentences);
    assert.equal(got.length, ref.sentences.length);
    let min = 1;
    ref.vectors.forEach((v, i) => {
      const cos = dot(got[i]!, Float32Array.from(v));
      min = Math.min(min, cos);
      assert.ok(cos >= 0.99, `sentence ${i} ("${ref.sentences[i]!.slice(0, 40)}") cosine ${cos}`);
    });
    console.log(`min cosine vs sentence-transformers: ${min.toFixed(7)}`);
  });

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
    const [a, b, c] = await e.embed([ref.sentences[ref.paraphrase[0]]!, ref.sentences[ref.paraphrase[1]]!, ref.sentences[ref.unrelated[1]]!]);
    const para = dot(a!, b!);
    const unrelated = dot(a!, c!);
    assert.ok(para > 0.6, `paraphrase ${para}`);
    assert.ok(para - unrelated > 0.4, `paraphrase ${para} vs unrelated ${unrelated}`);
  });

  it("concurrent first calls share one model load", async () => {
    const e = createLocalEmbedder({ model: "Xenova/all-MiniLM-L6-v2", modelDir: process.env.EMBEDDING_MODEL_DIR!, cacheDir: "/tmp/mindmate-test-cache", dtype: "fp32" });
    const results = await Promise.all([e.embed(["one"]), e.embed(["two"]), e.warmUp()]);
    assert.equal(results[0].length, 1);
    assert.equal(e.status().loaded, true);
    assert.ok((e.status().loadMs ?? -1) >= 0);
  });
});

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
    await assert.rejects(e.embed(["x"]), (err: unknown) => isAppError(err, "config:embedding") && /corrupt|model:fetch/.test((err as Error).message));
  });
});
