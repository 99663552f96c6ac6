import { packedVector, readHeader, unpackRecord } from "../engines/codec";
import { topK } from "../engines/common";
import type { EngineHit, MemoryRecord } from "../engines/types";
import { byScoreThenId } from "../lexical";
import { DenseIndex } from "./dense-index";
import { LexicalIndex } from "./lexical-index";

/** Rough bytes of one cached record besides its text and vector (object, id string, map entry). */
const RECORD_OVERHEAD = 160;

/**
 * Everything a recall needs about one user, decoded once: the records (slot order = order they
 * were loaded), their vectors (dense index) and the BM25 inverted index. `head` + `length`
 * identify the Redis id log this state reflects (see sync.ts).
 */
export class UserIndex {
  readonly records: MemoryRecord[] = [];
  private readonly slotById = new Map<string, number>();
  readonly dense: DenseIndex | undefined;
  readonly lexical = new LexicalIndex();
  private textBytes = 0;
  /** Set when an id already held is written again (re-import): the caller rebuilds from scratch. */
  stale = false;

  constructor(
    readonly userId: number,
    dims: number | undefined,
    public head: string,
    public length: number,
  ) {
    this.dense = dims ? new DenseIndex(dims) : undefined;
  }

  get size(): number {
    return this.records.length;
  }

  get bytes(): number {
    return (
      (this.dense?.bytes ?? 0) + this.textBytes + this.records.length * RECORD_OVERHEAD + this.lexical.entries * 16
    );
  }

  /** Adds one packed record (scan value or vector-set content record). */
  add(id: string, buf: Buffer): void {
    if (this.slotById.has(id)) {
      this.stale = true;
      return;
    }
    const h = readHeader(buf);
    const rec = unpackRecord(id, this.userId, buf, h);
    const slot = this.records.length;
    this.records.push(rec);
    this.slotById.set(id, slot);
    this.textBytes += rec.content.length * 2 + id.length * 2;
    this.lexical.add(slot, rec.content);
    if (this.dense && h.enc !== "none" && h.dims === this.dense.dims) {
      // int8 with scale 1 gives the raw quantised values packedCosine scores with
      const raw = packedVector(buf, { ...h, scale: 1 });
      if (raw) this.dense.add(slot, raw);
    }
  }

  /** Room for `n` records (full loads): the vector array is allocated once, at its size. */
  reserve(n: number): void {
    this.dense?.reserve(n);
  }

  has(id: string): boolean {
    return this.slotById.has(id);
  }

  private excludedSlots(excludeIds: Set<string> | undefined): number[] {
    const out: number[] = [];
    if (excludeIds)
      for (const id of excludeIds) {
        const s = this.slotById.get(id);
        if (s !== undefined) out.push(s);
      }
    return out;
  }

  /** Same hits, scores and order as the scan engine's exact denseSearch for this user. */
  denseSearch(unitQuery: Float32Array, k: number, excludeIds?: Set<string>): EngineHit[] {
    if (!this.dense || unitQuery.length !== this.dense.dims) return [];
    const scored = this.dense
      .search(unitQuery, k, new Set(this.excludedSlots(excludeIds)))
      .map((s) => ({ id: this.records[s.slot]!.id, score: s.score, slot: s.slot }));
    return topK(scored, k).map((s) => ({ record: this.records[s.slot]!, score: s.score }));
  }

  /** Same hits, scores and order as bm25Search over this user's (non-excluded) records. */
  lexicalSearch(text: string, k: number, excludeIds?: Set<string>): EngineHit[] {
    if (k <= 0) return [];
    const scored = this.lexical
      .search(text, this.excludedSlots(excludeIds))
      .map((s) => ({ id: this.records[s.slot]!.id, score: s.score, slot: s.slot }));
    scored.sort(byScoreThenId);
    return scored.slice(0, k).map((s) => ({ record: this.records[s.slot]!, score: s.score }));
  }
}
