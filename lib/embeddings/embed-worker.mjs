// One embedding worker thread of the pool in ./local.ts (piscina). Plain JavaScript on purpose:
// the file is loaded by path at run time (never bundled), the same way under `next dev`, the
// standalone build, Vercel's traced function and tsx. It loads all-MiniLM-L6-v2 once, before
// the worker takes tasks, and runs every session.run of the process; the main thread only
// sends texts and receives vectors.
import { parentPort, threadId, workerData } from "node:worker_threads";

/** @type {{ model: string, modelDir?: string, cacheDir: string, dtype: "fp32" | "q8", maxTokens: number, intraOpThreads: number }} */
const opts = workerData;

/** Progress and results for the main thread's logger and status (piscina emits them as 'message'). */
function tell(msg) {
  parentPort?.postMessage({ mindmateEmbed: true, threadId, ...msg });
}

let loading;

async function load() {
  const started = performance.now();
  const tx = await import("@huggingface/transformers");
  tx.env.allowRemoteModels = !opts.modelDir;
  tx.env.allowLocalModels = Boolean(opts.modelDir);
  if (opts.modelDir) tx.env.localModelPath = opts.modelDir;
  tx.env.cacheDir = opts.cacheDir;
  let lastPct = -10;
  const progress_callback = (p) => {
    if (p.status === "progress_total" && p.progress !== undefined && p.progress - lastPct >= 10) {
      lastPct = p.progress;
      tell({ type: "log", message: `loading ${opts.model}: ${Math.round(p.progress)}%` });
    }
  };
  tell({
    type: "log",
    message: `worker ${threadId}: loading ${opts.model} (${opts.dtype}, ${opts.intraOpThreads} onnxruntime thread(s)) from ${opts.modelDir ?? "the model hub, cached in " + opts.cacheDir}`,
  });
  // One worker = one core's worth of work: onnxruntime's own pools would otherwise start a
  // thread per core in every worker and oversubscribe the machine (see local.ts poolSize()).
  const session_options = { intraOpNumThreads: opts.intraOpThreads, interOpNumThreads: 1, executionMode: "sequential" };
  const [tokenizer, model] = await Promise.all([
    tx.AutoTokenizer.from_pretrained(opts.model),
    tx.AutoModel.from_pretrained(opts.model, { dtype: opts.dtype, device: "cpu", progress_callback, session_options }),
  ]);
  const loadMs = Math.round(performance.now() - started);
  tell({ type: "ready", loadMs });
  return { tx, tokenizer, model };
}

function ensureLoaded() {
  loading ??= load().catch((e) => {
    loading = undefined; // a later task retries, e.g. after the files were fetched again
    tell({ type: "failed", message: e?.message ?? String(e) });
    throw e;
  });
  return loading;
}

/**
 * Texts per session.run inside one task. Padding to the longest text of a run costs real work
 * on a CPU, so a task's texts run sorted by length in runs of at most this many: measured about
 * twice the sentences/s of one padded run of 32 mixed chat messages (docs/performance.md).
 */
const RUN = 8;

/** Mean pooling over the attention mask, then L2 normalisation, as sentence-transformers does. */
async function embedRun(l, texts) {
  const inputs = l.tokenizer(texts, { padding: true, truncation: true, max_length: opts.maxTokens });
  const { last_hidden_state } = await l.model(inputs);
  return l.tx.mean_pooling(last_hidden_state, inputs.attention_mask).normalize(2, -1).data;
}

/** All vectors of a task, in the order of its texts, as one flat array of texts.length × dims. */
async function embed(l, texts) {
  const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
  let out;
  for (let at = 0; at < order.length; at += RUN) {
    const run = order.slice(at, at + RUN);
    const data = await embedRun(
      l,
      run.map((i) => texts[i]),
    );
    const dims = data.length / run.length;
    out ??= new Float32Array(texts.length * dims);
    run.forEach((i, k) => out.set(data.subarray(k * dims, (k + 1) * dims), i * dims));
  }
  return out;
}

/**
 * Task: { op: "load" } or { op: "embed", texts }. Failures come back as values, not throws, so
 * the main thread can turn them into typed AppErrors (an Error loses its fields on the way).
 */
async function handle(task) {
  let l;
  try {
    l = await ensureLoaded();
  } catch (e) {
    return { ok: false, stage: "load", message: e?.message ?? String(e) };
  }
  if (task.op === "load") return { ok: true, vectors: new Float32Array(0) };
  try {
    return { ok: true, vectors: await embed(l, task.texts) };
  } catch (e) {
    return { ok: false, stage: "embed", message: e?.message ?? String(e) };
  }
}

// Piscina waits for this promise before the worker takes tasks, so the model loads once per
// worker up front. A failed load still yields the handler: its tasks report (and retry) the load.
export default ensureLoaded().then(
  () => handle,
  () => handle,
);
