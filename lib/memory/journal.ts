import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { AppError } from "../errors";
import { logger } from "../log";
import type { HistoryMessage } from "./types";

const log = logger("memory.journal");

/** An appendMessage that could not reach Redis; everything needed to write it later. */
export interface PendingAppend {
  kind: "append";
  /** The message id; also the `applied:<id>` guard that makes replay idempotent. */
  id: string;
  userId: number;
  message: HistoryMessage;
  profile?: { firstName?: string; username?: string; language?: string };
  usage?: { promptTokens: number; completionTokens: number };
  meta?: Record<string, string>;
  /** Absent for blank text or when the embedder failed. */
  vector?: Float32Array;
  /** Users-index score (ms) at the time of the call. */
  activityMs: number;
}

/** An updateSettings that could not reach Redis (HSET is idempotent, so no guard is needed). */
export interface PendingSettings {
  kind: "settings";
  id: string;
  userId: number;
  patch: Record<string, string>;
}

export type PendingWrite = PendingAppend | PendingSettings;

type FileLine = { op: "add"; entry: unknown } | { op: "ack"; ids: string[] };

function encode(e: PendingWrite): unknown {
  if (e.kind !== "append" || !e.vector) return e;
  return { ...e, vector: Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength).toString("base64") };
}

function decode(raw: unknown): PendingWrite {
  const e = raw as PendingWrite & { vector?: unknown };
  if (e.kind === "append" && typeof e.vector === "string") {
    const buf = Buffer.from(e.vector, "base64");
    return { ...e, vector: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
  }
  return e;
}

/**
 * Writes waiting for Redis, in arrival order. Kept in process memory, bounded by `max`, and
 * optionally mirrored to a JSON-lines file (`add` lines, then `ack` lines as entries are
 * applied) that is reloaded at start, so a restart while Redis is down keeps them. The file is
 * emptied once everything is applied and rewritten whole when a user is forgotten.
 */
export class Journal {
  private entries: PendingWrite[] = [];

  constructor(
    readonly max: number,
    readonly file?: string,
  ) {
    if (file) this.load(file);
  }

  get pending(): number {
    return this.entries.length;
  }

  push(entry: PendingWrite): void {
    if (this.entries.length >= this.max) {
      throw new AppError(
        "unavailable:redis",
        `Redis is unreachable and the write journal is full (${this.max} entries, JOURNAL_MAX). The message was not stored.`,
      );
    }
    this.entries.push(entry);
    this.writeLine({ op: "add", entry: encode(entry) });
  }

  /** The oldest `n` entries, not removed. */
  peek(n: number): PendingWrite[] {
    return this.entries.slice(0, n);
  }

  /** Removes applied entries. */
  ack(ids: string[]): void {
    if (ids.length === 0) return;
    const done = new Set(ids);
    this.entries = this.entries.filter((e) => !done.has(e.id));
    if (this.entries.length === 0) this.rewrite();
    else this.writeLine({ op: "ack", ids });
  }

  appendsFor(userId: number): PendingAppend[] {
    return this.entries.filter((e): e is PendingAppend => e.kind === "append" && e.userId === userId);
  }

  hasUser(userId: number): boolean {
    return this.entries.some((e) => e.userId === userId);
  }

  /** forget(): the user's pending writes disappear from memory and from the file. */
  removeUser(userId: number): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.userId !== userId);
    if (this.entries.length !== before) this.rewrite();
  }

  private writeLine(line: FileLine): void {
    if (!this.file) return;
    try {
      appendFileSync(this.file, JSON.stringify(line) + "\n");
    } catch (e) {
      log.error(`could not write the journal file ${this.file}; pending writes are kept in memory only`, { error: e });
    }
  }

  private rewrite(): void {
    if (!this.file) return;
    try {
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, this.entries.map((e) => JSON.stringify({ op: "add", entry: encode(e) }) + "\n").join(""));
      renameSync(tmp, this.file);
    } catch (e) {
      log.error(`could not rewrite the journal file ${this.file}`, { error: e });
    }
  }

  private load(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    if (!existsSync(file)) return;
    const byId = new Map<string, PendingWrite>();
    let bad = 0;
    for (const text of readFileSync(file, "utf8").split("\n")) {
      if (!text.trim()) continue;
      try {
        const line = JSON.parse(text) as FileLine;
        if (line.op === "add") {
          const entry = decode(line.entry);
          byId.set(entry.id, entry);
        } else if (line.op === "ack") {
          for (const id of line.ids) byId.delete(id);
        }
      } catch {
        bad += 1; // a torn last line after a crash
      }
    }
    this.entries = [...byId.values()];
    if (bad > 0) log.warn(`ignored ${bad} unreadable line(s) in ${file}`);
    if (this.entries.length > 0) log.warn(`loaded ${this.entries.length} journaled write(s) from ${file}; they replay when Redis is reachable`);
    this.rewrite();
  }
}
