import type { ChainableCommander } from "ioredis";
import { AppError } from "../../errors";
import { contentWords } from "../lexical";
import { decodeVector, encodeVector } from "./codec";
import { deleteMatching, prefixPattern } from "../../redis/scan";
import { assertUserId } from "../ids";
import { deleteNamespace, dropExcluded, unit, wanted } from "./common";
import { assertSameMeta, checkAndWriteMeta, expectedMeta, metaKey, SCHEMA_VERSION } from "./meta";
import {
  escapeQueryValue,
  infoValue,
  parseSearchReply,
  recordFromFields,
  RETURN_FIELDS,
  userFilter,
  vectorAttribute,
  vectorType,
} from "./redisearch-query";
import type { EngineContext, EngineHit, MemoryRecord, VectorEngine } from "./types";

/**
 * RediSearch (Redis Stack, Redis Cloud, Redis 8 with search): one HASH per memory
 * (`<ns>d:<user>:<id>`) indexed by FT.CREATE — TAG user, TAG role, NUMERIC ts, TEXT content
 * (BM25 lexical search), VECTOR vec (HNSW or FLAT, COSINE). Dense search is a KNN with the user
 * as pre-filter; the index name carries the schema version.
 */
const HNSW_M = 16;
const HNSW_EF_CONSTRUCTION = 200;
/** Candidate list size at query time; 10k-vector recall@10 ≥ 0.95 needs well above the default 10. */
const efRuntime = (k: number) => Math.max(128, 4 * k);

export function createRedisearchEngine(ctx: EngineContext): VectorEngine {
  const ns = ctx.keys.memoryNamespace();
  const index = `${ns}idx:v${SCHEMA_VERSION}`;
  const docPrefix = `${ns}d:`;
  const docKey = (u: number, id: string) => `${docPrefix}${u}:${id}`;
  let scorer: "BM25STD" | "BM25" = "BM25STD";

  const toBlob = (v: Float32Array) => encodeVector(v, ctx.encoding).bytes;

  async function existingInfo(): Promise<unknown | undefined> {
    try {
      return await ctx.redis.call("FT.INFO", index);
    } catch (e) {
      if (/unknown index|no such index|not found/i.test((e as Error).message)) return undefined;
      throw e;
    }
  }

  async function create(): Promise<void> {
    const algo = ctx.algorithm === "FLAT" ? [] : ["M", HNSW_M, "EF_CONSTRUCTION", HNSW_EF_CONSTRUCTION];
    const params = ["TYPE", vectorType(ctx.encoding), "DIM", ctx.dims, "DISTANCE_METRIC", "COSINE", ...algo];
    try {
      await ctx.redis.call(
        "FT.CREATE",
        index,
        "ON",
        "HASH",
        "PREFIX",
        "1",
        docPrefix,
        "SCHEMA",
        "user",
        "TAG",
        "role",
        "TAG",
        "ts",
        "NUMERIC",
        "SORTABLE",
        "content",
        "TEXT",
        "vec",
        "VECTOR",
        ctx.algorithm,
        params.length,
        ...params,
      );
    } catch (e) {
      const msg = (e as Error).message;
      if (/already exists/i.test(msg)) return; // another process won the race; checked by the caller
      if (/bad arguments|unknown argument|invalid/i.test(msg) && ctx.encoding !== "float32") {
        throw new AppError(
          "config:vector",
          `VECTOR_ENCODING=${ctx.encoding} is not supported by this server's RediSearch (${msg}). Use float32 or float16 (RediSearch 2.10+), or int8 on RediSearch 8+.`,
          { cause: e },
        );
      }
      throw new AppError("config:vector", `Could not create the RediSearch index ${index}: ${msg}`, { cause: e });
    }
  }

  async function search(args: (string | number | Buffer)[], withScores: boolean) {
    return parseSearchReply(
      await ctx.redis.call("FT.SEARCH", index, ...args.map((a) => (typeof a === "number" ? String(a) : a))),
      withScores,
    );
  }

  return {
    name: "redisearch",

    async ensureIndex() {
      const want = expectedMeta("redisearch", ctx);
      const info = await existingInfo();
      if (info) {
        const vec = vectorAttribute(info, "vec");
        assertSameMeta(
          {
            dims: vec?.dim,
            distance: vec?.distance_metric as "COSINE",
            algorithm: vec?.algorithm,
            encoding: vec?.data_type?.toLowerCase(),
          },
          want,
          `FT index ${index}`,
        );
        await checkAndWriteMeta("redisearch", ctx);
        return;
      }
      await checkAndWriteMeta("redisearch", ctx);
      await create();
    },

    write(p: ChainableCommander, rec: MemoryRecord, vector: Float32Array) {
      assertUserId(rec.userId);
      const key = docKey(rec.userId, rec.id);
      const fields: Record<string, string | Buffer> = {
        id: rec.id,
        user: String(rec.userId),
        role: rec.role,
        ts: String(rec.ts),
        content: rec.content,
        vec: toBlob(vector),
      };
      if (rec.meta && Object.keys(rec.meta).length) fields.meta = JSON.stringify(rec.meta);
      p.hset(key, fields);
      if (ctx.ttlSeconds > 0) p.expire(key, ctx.ttlSeconds);
    },

    async denseSearch(vector, q) {
      const n = wanted(q);
      if (n <= 0) return [];
      const ef = ctx.algorithm === "HNSW" ? ` EF_RUNTIME ${efRuntime(n)}` : "";
      const query = `(${userFilter(q.userId)})=>[KNN ${n} @vec $B${ef} AS dist]`;
      const res = await search(
        [
          query,
          "PARAMS",
          2,
          "B",
          toBlob(vector),
          "SORTBY",
          "dist",
          "ASC",
          "LIMIT",
          0,
          n,
          "RETURN",
          RETURN_FIELDS.length + 1,
          ...RETURN_FIELDS,
          "dist",
          "DIALECT",
          2,
        ],
        false,
      );
      const hits: EngineHit[] = res.docs.map((d) => ({
        record: recordFromFields(d.fields),
        score: 1 - Number(d.fields.dist),
      }));
      return dropExcluded(hits, q);
    },

    async lexicalSearch(text, q) {
      const terms = [...new Set(contentWords(text))].map(escapeQueryValue);
      const n = wanted(q);
      if (terms.length === 0 || n <= 0) return [];
      const filter = q.userId === undefined ? "" : `${userFilter(q.userId)} `;
      const query = `${filter}@content:(${terms.join("|")})`;
      const args = ["WITHSCORES", "LIMIT", 0, n, "RETURN", RETURN_FIELDS.length, ...RETURN_FIELDS, "DIALECT", 2];
      let res;
      try {
        res = await search([query, "SCORER", scorer, ...args], true);
      } catch (e) {
        if (scorer !== "BM25STD" || !/scorer/i.test((e as Error).message)) throw e;
        scorer = "BM25"; // RediSearch < 2.8 has only the older BM25
        res = await search([query, "SCORER", scorer, ...args], true);
      }
      return dropExcluded(
        res.docs.map((d) => ({ record: recordFromFields(d.fields), score: d.score ?? 0 })),
        q,
      );
    },

    async list(userId, opts) {
      assertUserId(userId);
      const res = await search(
        [
          userFilter(userId),
          "SORTBY",
          "ts",
          "DESC",
          "LIMIT",
          opts.offset,
          opts.limit,
          "RETURN",
          RETURN_FIELDS.length,
          ...RETURN_FIELDS,
          "DIALECT",
          2,
        ],
        false,
      );
      const records: (MemoryRecord & { vector?: Float32Array })[] = res.docs.map((d) => recordFromFields(d.fields));
      if (opts.withVectors && records.length) {
        const p = ctx.redis.pipeline();
        for (const r of records) p.hgetBuffer(docKey(userId, r.id), "vec");
        const vecs = (await p.exec()) ?? [];
        records.forEach((r, i) => {
          const buf = vecs[i]?.[1] as Buffer | null;
          if (buf) r.vector = decodeBlob(buf, ctx.encoding, ctx.dims);
        });
      }
      return { records, total: res.total };
    },

    async count(userId) {
      if (userId !== undefined) assertUserId(userId);
      return (await search([userFilter(userId), "LIMIT", 0, 0, "DIALECT", 2], false)).total;
    },

    async oldestIds(userId, n) {
      assertUserId(userId);
      if (n <= 0) return [];
      const { docs } = await search(
        [userFilter(userId), "SORTBY", "ts", "ASC", "NOCONTENT", "LIMIT", 0, n, "DIALECT", 2],
        false,
      );
      const prefix = docKey(userId, "");
      return docs.map((d) => d.key.slice(prefix.length));
    },

    async deleteUser(userId) {
      assertUserId(userId);
      // bounded: each pass deletes what it found; stop as soon as a pass deletes nothing
      for (let pass = 0; pass < 10_000; pass++) {
        const { docs } = await search([userFilter(userId), "NOCONTENT", "LIMIT", 0, 1000, "DIALECT", 2], false);
        if (docs.length === 0 || (await ctx.redis.unlink(...docs.map((d) => d.key))) === 0) break;
      }
      // hashes the index refused (e.g. a malformed vector) are not searchable: sweep them by name
      await deleteMatching(ctx.redis, prefixPattern(docKey(userId, "")));
    },

    async deleteMemories(userId, ids) {
      assertUserId(userId);
      if (ids.length === 0) return 0;
      return ctx.redis.del(...ids.map((id) => docKey(userId, id)));
    },

    async info() {
      const info = await existingInfo();
      if (!info) return { engine: "redisearch", index, exists: false };
      const vec = vectorAttribute(info, "vec");
      const pick = (k: string) => infoValue(info, k);
      return {
        engine: "redisearch",
        index,
        exists: true,
        algorithm: vec?.algorithm,
        dataType: vec?.data_type,
        dims: Number(vec?.dim),
        distance: vec?.distance_metric,
        docs: Number(pick("num_docs")),
        indexing: Number(pick("indexing")),
        vectorIndexMb: Number(pick("vector_index_sz_mb")),
        invertedMb: Number(pick("inverted_sz_mb")),
        meta: metaKey(ctx),
      };
    },

    async dropAll() {
      try {
        await ctx.redis.call("FT.DROPINDEX", index, "DD");
      } catch (e) {
        if (!/unknown index|no such index|not found/i.test((e as Error).message)) throw e;
      }
      await deleteNamespace(ctx);
    },
  };
}

/** Stored blob back to floats; int8 keeps no scale in RediSearch, so it comes back as a unit vector. */
function decodeBlob(buf: Buffer, enc: EngineContext["encoding"], dims: number): Float32Array {
  const v = Float32Array.from(decodeVector(buf, 0, dims, enc));
  return enc === "int8" ? unit(v) : v;
}
