import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import lockfile from "proper-lockfile";
import { z } from "zod";
import { AppError } from "../errors";
import { logger } from "../log";
import type { HistoryMessage } from "./types";

const log = logger("memory.journal");

/** An appendMessage that could not be stored in Redis; everything needed to write it later. */
export interface PendingAppend {
  kind: "append";
  /** The message id (also the replay guard when there is no idempotency key). */
  id: string;
  userId: number;
  message: HistoryMessage;
  /** The caller's idempotency key (AppendInput.key): the guard is derived from it. */
  key?: string;
  profile?: { firstName?: string; username?: string; language?: string };
  usage?: { promptTokens: number; completionTokens: number };
  meta?: Record<string, string>;
  /** Absent for blank text or when the embedder failed. */
  vector?: Float32Array;
  /** Users-index score (ms) at the time of the call. */
  activityMs: number;
}

/** An updateSettings that could not be stored (HSET is idempotent, so no guard is needed). */
export interface PendingSettings {
  kind: "settings";
  id: string;
  userId: number;
  patch: Record<string, string>;
}

export type PendingWrite = PendingAppend | PendingSettings;

/** A journaled write Redis refused on replay, or one that could not be read back. */
export interface DeadLetter {
  at: string;
  reason: string;
  entry: unknown;
}

type FileLine = { op: "add"; seq?: number; entry: unknown } | { op: "ack"; ids: string[] };

const str = z.string().max(1_000_000);
const entrySchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("append"),
    id: z.string().min(1).max(200),
    userId: z.number().int().positive(),
    key: z.string().max(256).optional(),
    message: z.object({
      id: z.string(),
      role: z.enum(["user", "assistant", "system"]),
      content: str,
      ts: z.string(),
      tgMessageId: z.number().int().optional(),
      truncated: z.boolean().optional(),
    }),
    profile: z.record(z.string(), z.string()).optional(),
    usage: z.object({ promptTokens: z.number().int().min(0), completionTokens: z.number().int().min(0) }).optional(),
    meta: z.record(z.string(), z.string()).optional(),
    vector: z.string().optional(),
    activityMs: z.number().finite(),
  }),
  z.object({
    kind: z.literal("settings"),
    id: z.string().min(1).max(200),
    userId: z.number().int().positive(),
    patch: z.record(z.string(), z.string()),
  }),
]);

function encode(e: PendingWrite): unknown {
  if (e.kind !== "append" || !e.vector) return e;
  return { ...e, vector: Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength).toString("base64") };
}

/** A file entry back to a PendingWrite; undefined (→ dead letter) when it does not validate. */
function decode(raw: unknown): PendingWrite | undefined {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const e = parsed.data;
  if (e.kind === "append" && typeof e.vector === "string") {
    const buf = Buffer.from(e.vector, "base64");
    if (buf.byteLength % 4 !== 0) return undefined;
    return {
      ...e,
      vector: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)),
    } as PendingAppend;
  }
  return e as PendingWrite;
}

/** Journal instances of this process (several in tests), so their file names never collide. */
let instances = 0;
/** A lock whose holder stopped refreshing it for this long is stale (the process died). */
const LOCK_STALE_MS = 15_000;

/**
 * Where the journal of this process lives. JOURNAL_FILE is a base name (or a directory, then
 * `<dir>/journal.jsonl` is the base); each process writes `<base>.<host>.<pid>.<n>` of its own
 * (two processes never share a file), locked while it runs (proper-lockfile: a lock directory
 * refreshed every few seconds, stale after 15 s). Files of other, dead processes — and a legacy
 * file named exactly `<base>` — are adopted at start: their entries move into this journal.
 */
function journalBase(file: string): string {
  const isDir = file.endsWith("/") || (existsSync(file) && statSync(file).isDirectory());
  return isDir ? path.join(file, "journal.jsonl") : file;
}

/**
 * Writes waiting for Redis, in the order they were started (see reserve()). Kept in process
 * memory, bounded by `max`, and mirrored to a per-process JSON-lines file when `file` is set:
 * `add` lines, then `ack` lines as entries are applied, every line fsync'd before push()/ack()
 * return (so an accepted write survives a crash of the process or the machine). The file is
 * emptied once everything is applied, rewritten whole when a user is forgotten, and deleted on
 * a clean close with nothing pending.
 */
export class Journal {
  private entries: { seq: number; w: PendingWrite }[] = [];
  private nextSeq = 0;
  private fd: number | undefined;
  private release: (() => void) | undefined;
  /** The file this process writes (undefined without JOURNAL_FILE). */
  readonly path: string | undefined;
  /** Entries moved aside (unreadable, or refused in a way retrying cannot fix), newest last, at most 100 kept here. */
  readonly deadLetters: DeadLetter[] = [];
  deadLetterCount = 0;
  /** Why the last replay stopped, while it keeps being retried (health page). */
  lastError: string | undefined;
  private readonly base: string | undefined;

  constructor(
    readonly max: number,
    file?: string,
  ) {
    if (!file) return;
    const base = journalBase(file);
    const host = hostname().replace(/[^A-Za-z0-9_-]/g, "_") || "host";
    const own = `${base}.${host}.${process.pid}.${instances++}`;
    try {
      mkdirSync(path.dirname(base), { recursive: true });
      this.lockOwn(own);
    } catch (e) {
      // A read-only or missing volume must not stop the app: the journal still works in memory.
      log.error(`cannot use the journal file ${own}; pending writes are kept in memory only`, { error: e });
      return;
    }
    this.base = base;
    this.path = own;
    this.adoptLeftovers(base);
  }

  get pending(): number {
    return this.entries.length;
  }

  /**
   * A place in the journal's order for a write that is about to be tried live: if that live
   * attempt fails and the write is journaled afterwards, it goes in front of anything journaled
   * meanwhile (a failed live write never lands behind a later one).
   */
  reserve(): number {
    return this.nextSeq++;
  }

  push(entry: PendingWrite, seq = this.reserve()): void {
    if (this.entries.length >= this.max) {
      throw new AppError(
        "unavailable:redis",
        `Redis cannot take writes and the write journal is full (${this.max} entries, JOURNAL_MAX). The message was not stored.`,
      );
    }
    let at = this.entries.length;
    while (at > 0 && this.entries[at - 1]!.seq > seq) at--;
    this.entries.splice(at, 0, { seq, w: entry });
    this.writeLine({ op: "add", seq, entry: encode(entry) });
  }

  /** The oldest `n` entries, not removed. */
  peek(n: number): PendingWrite[] {
    return this.entries.slice(0, n).map((e) => e.w);
  }

  /** Removes applied entries. */
  ack(ids: string[]): void {
    if (ids.length === 0) return;
    const done = new Set(ids);
    this.entries = this.entries.filter((e) => !done.has(e.w.id));
    if (this.entries.length === 0) this.rewrite();
    else this.writeLine({ op: "ack", ids });
  }

  /** Moves an entry out of the journal into the dead-letter list (and `<base>.dead` next to the file), loudly. */
  deadLetter(entry: unknown, reason: string): void {
    const letter: DeadLetter = { at: new Date().toISOString(), reason, entry };
    this.deadLetters.push(letter);
    if (this.deadLetters.length > 100) this.deadLetters.shift();
    this.deadLetterCount += 1;
    const id = (entry as { id?: unknown })?.id;
    if (typeof id === "string" && this.entries.some((e) => e.w.id === id)) this.ack([id]);
    log.error("a journaled write was moved to the dead-letter list and will NOT be replayed", { reason, id });
    if (!this.base) return;
    try {
      const fd = openSync(`${this.base}.dead`, "a");
      try {
        writeSync(fd, JSON.stringify(letter) + "\n");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      log.error("could not write the dead-letter file", { error: e });
    }
  }

  appendsFor(userId: number): PendingAppend[] {
    return this.entries.map((e) => e.w).filter((e): e is PendingAppend => e.kind === "append" && e.userId === userId);
  }

  /** A pending append with this idempotency key (a retry while the first is still journaled). */
  findKey(key: string): PendingAppend | undefined {
    return this.entries.map((e) => e.w).find((e): e is PendingAppend => e.kind === "append" && e.key === key);
  }

  hasUser(userId: number): boolean {
    return this.entries.some((e) => e.w.userId === userId);
  }

  /** forget(): the user's pending writes disappear from memory and from the file. */
  removeUser(userId: number): void {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.w.userId !== userId);
    if (this.entries.length !== before) this.rewrite();
  }

  /** Releases the file: deleted when nothing is pending, else left for the next start to adopt. */
  close(): void {
    if (!this.path) return;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.entries.length === 0) rmSync(this.path, { force: true });
    this.release?.();
    this.release = undefined;
  }

  private writeLine(line: FileLine): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, JSON.stringify(line) + "\n");
      fsyncSync(this.fd);
    } catch (e) {
      log.error(`could not write the journal file ${this.path}; pending writes are kept in memory only`, { error: e });
    }
  }

  private rewrite(): void {
    if (!this.path || !this.release) return;
    try {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      const tmp = `${this.path}.tmp`;
      writeFileSync(
        tmp,
        this.entries.map((e) => JSON.stringify({ op: "add", seq: e.seq, entry: encode(e.w) }) + "\n").join(""),
      );
      const t = openSync(tmp, "r+");
      fsyncSync(t);
      closeSync(t);
      renameSync(tmp, this.path);
      const dir = openSync(path.dirname(this.path), "r");
      fsyncSync(dir); // the rename itself survives a power cut
      closeSync(dir);
      this.fd = openSync(this.path, "a");
    } catch (e) {
      log.error(`could not rewrite the journal file ${this.path}`, { error: e });
    }
  }

  private lockOwn(file: string): void {
    const options = {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_STALE_MS / 3,
      onCompromised: (e: Error) => log.error("journal file lock lost", { error: e }),
    };
    try {
      this.release = lockfile.lockSync(file, options);
    } catch {
      // Same host, same pid, same instance number: a previous life of this very process (a
      // container restarting as pid 1); it is dead, so its lock is taken over.
      rmSync(`${file}.lock`, { recursive: true, force: true });
      this.release = lockfile.lockSync(file, options);
    }
  }

  /** Entries of a file, in their original order (by seq, then file order); unreadable lines are dead letters. */
  private readFile(file: string): PendingWrite[] {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return [];
    }
    const byId = new Map<string, { seq: number; order: number; w: PendingWrite }>();
    const lines = text.split("\n");
    let order = 0;
    lines.forEach((raw, i) => {
      if (!raw.trim()) return;
      let line: FileLine;
      try {
        line = JSON.parse(raw) as FileLine;
      } catch {
        // A torn last line is a crash in the middle of a write (never fsync'd, never acknowledged).
        if (i < lines.length - 1 && lines.slice(i + 1).some((l) => l.trim()))
          this.deadLetter(raw, `unreadable line ${i + 1} of ${path.basename(file)}`);
        return;
      }
      if (line.op === "add") {
        const w = decode(line.entry);
        if (!w) return this.deadLetter(line.entry, `malformed entry on line ${i + 1} of ${path.basename(file)}`);
        byId.set(w.id, { seq: typeof line.seq === "number" ? line.seq : order, order: order++, w });
      } else if (line.op === "ack" && Array.isArray(line.ids)) {
        for (const id of line.ids) byId.delete(id);
      }
    });
    return [...byId.values()].sort((a, b) => a.seq - b.seq || a.order - b.order).map((e) => e.w);
  }

  /** Own file of a previous life, files of dead processes and a legacy `<base>` file: their entries join this journal. */
  private adoptLeftovers(base: string): void {
    const dir = path.dirname(base);
    const name = path.basename(base);
    const own = path.basename(this.path!);
    const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\.[A-Za-z0-9_-]+\\.\\d+\\.\\d+)?$`);
    let adopted = 0;
    const done: { file: string; release?: () => void }[] = [];
    const files = readdirSync(dir)
      .filter((f) => pattern.test(f))
      .sort((a, b) => (a === own ? -1 : b === own ? 1 : a < b ? -1 : 1));
    for (const f of files) {
      const full = path.join(dir, f);
      let release: (() => void) | undefined;
      if (f !== own) {
        try {
          release = lockfile.lockSync(full, { realpath: false, stale: LOCK_STALE_MS });
        } catch {
          continue; // a live process holds it
        }
      }
      for (const w of this.readFile(full)) {
        this.entries.push({ seq: this.nextSeq++, w });
        adopted += 1;
      }
      if (f !== own) done.push({ file: full, release });
    }
    this.rewrite(); // the adopted entries are in our own fsync'd file before their old files go
    for (const { file, release } of done) {
      try {
        unlinkSync(file);
      } catch (e) {
        log.error(`could not remove the adopted journal file ${file}`, { error: e });
      } finally {
        release?.();
      }
    }
    if (adopted > 0)
      log.warn(`loaded ${adopted} journaled write(s) from ${dir}; they replay when Redis takes writes again`);
  }
}
