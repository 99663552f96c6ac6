import { AppError } from "../../errors";
import type { Role } from "../types";
import type { MemoryRecord, VectorEncoding } from "./types";

/**
 * Vector encodings and the compact binary record the scan engine keeps per memory
 * (the vector-set engine uses the same record without a vector for its content hash).
 *
 * Version 2 (written): u8 version=2 | u8 encoding | u8 role (bits 0-1) + flags (bit 2 meta) |
 * u16 dims | f64 ts | f32 scale (int8 only) | u16 content bytes (meta only) | vector | content
 * utf-8 | meta JSON (rest). 13 bytes of header (17 with int8), no length when there is no meta
 * (the content is the rest). Contents over 65,535 bytes with meta fall back to version 1.
 *
 * Version 1 (still read): u8 version=1 | u8 encoding | u8 role | u8 flags | f64 ts | u16 dims |
 * u16 reserved | f32 scale | u32 content bytes | vector | content | meta; a fixed 24-byte header.
 * int8 keeps a per-vector scale (max |x| / 127) so vectors can be restored.
 */

const V1 = 1;
const V2 = 2;
const HEADER_V1 = 24;
const ENC_CODE: Record<VectorEncoding | "none", number> = { float32: 0, float16: 1, int8: 2, none: 255 };
const ENC_NAME = new Map(Object.entries(ENC_CODE).map(([k, v]) => [v, k as VectorEncoding | "none"]));
const ROLES: Role[] = ["user", "assistant", "system"];

export function bytesPerDim(enc: VectorEncoding): number {
  return enc === "float32" ? 4 : enc === "float16" ? 2 : 1;
}

// ---- float16 (IEEE 754 half) without Float16Array (Node 20) --------------------------------
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  let exp = ((x >>> 23) & 0xff) - 112;
  let mant = x & 0x7fffff;
  if (exp >= 31) return sign | (((x >>> 23) & 0xff) === 0xff && mant ? 0x7e00 : 0x7c00);
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant = (mant | 0x800000) >>> (1 - exp);
    return sign | ((mant + 0x1000) >>> 13);
  }
  mant += 0x1000; // round half up
  if (mant & 0x800000) {
    mant = 0;
    exp += 1;
    if (exp >= 31) return sign | 0x7c00;
  }
  return sign | (exp << 10) | (mant >>> 13);
}

/** All 65,536 halves decoded once: decoding a vector is then a table lookup per dimension. */
const HALF_TABLE = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    t[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return t;
})();

export function fromHalf(h: number): number {
  return HALF_TABLE[h & 0xffff]!;
}

// ---- vectors ---------------------------------------------------------------------------------
export function encodeVector(v: Float32Array, enc: VectorEncoding): { bytes: Buffer; scale: number } {
  if (enc === "float32") return { bytes: Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)), scale: 1 }; // a copy: pipelines send later
  if (enc === "float16") {
    const out = Buffer.allocUnsafe(v.length * 2);
    for (let i = 0; i < v.length; i++) out.writeUInt16LE(toHalf(v[i]!), i * 2);
    return { bytes: out, scale: 1 };
  }
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]!));
  const scale = max / 127 || 1;
  const out = Buffer.allocUnsafe(v.length);
  for (let i = 0; i < v.length; i++) out.writeInt8(Math.max(-127, Math.min(127, Math.round(v[i]! / scale))), i);
  return { bytes: out, scale };
}

/** Reads `dims` values at `offset`; copies only when the Buffer is misaligned for a typed view. */
export function decodeVector(buf: Buffer, offset: number, dims: number, enc: VectorEncoding, scale = 1): Float32Array {
  const at = buf.byteOffset + offset;
  if (enc === "float32") {
    if (at % 4 === 0) return new Float32Array(buf.buffer, at, dims);
    return new Float32Array(new Uint8Array(buf.subarray(offset, offset + dims * 4)).buffer);
  }
  const out = new Float32Array(dims);
  if (enc === "float16") {
    for (let i = 0; i < dims; i++) out[i] = HALF_TABLE[buf.readUInt16LE(offset + i * 2)]!;
    return out;
  }
  const q = new Int8Array(buf.buffer, at, dims);
  for (let i = 0; i < dims; i++) out[i] = q[i]! * scale;
  return out;
}

// ---- packed records --------------------------------------------------------------------------
export function packRecord(rec: MemoryRecord, vector: Float32Array | undefined, enc: VectorEncoding): Buffer {
  const vec = vector ? encodeVector(vector, enc) : undefined;
  const content = Buffer.from(rec.content, "utf8");
  const meta = rec.meta && Object.keys(rec.meta).length > 0 ? Buffer.from(JSON.stringify(rec.meta), "utf8") : undefined;
  if (meta && content.length > 0xffff) return packRecordV1(rec, vec, enc, content, meta);
  const scaled = vec !== undefined && enc === "int8";
  const head = Buffer.alloc(13 + (scaled ? 4 : 0) + (meta ? 2 : 0));
  head.writeUInt8(V2, 0);
  head.writeUInt8(vec ? ENC_CODE[enc] : ENC_CODE.none, 1);
  head.writeUInt8(Math.max(0, ROLES.indexOf(rec.role)) | (meta ? 4 : 0), 2);
  head.writeUInt16LE(vector?.length ?? 0, 3);
  head.writeDoubleLE(rec.ts, 5);
  let at = 13;
  if (scaled) at = head.writeFloatLE(vec.scale, at);
  if (meta) head.writeUInt16LE(content.length, at);
  return Buffer.concat([head, vec?.bytes ?? Buffer.alloc(0), content, meta ?? Buffer.alloc(0)]);
}

/** The old fixed 24-byte header: kept for huge contents with meta (u32 length). */
function packRecordV1(
  rec: MemoryRecord,
  vec: { bytes: Buffer; scale: number } | undefined,
  enc: VectorEncoding,
  content: Buffer,
  meta: Buffer,
): Buffer {
  const head = Buffer.alloc(HEADER_V1);
  head.writeUInt8(V1, 0);
  head.writeUInt8(vec ? ENC_CODE[enc] : ENC_CODE.none, 1);
  head.writeUInt8(Math.max(0, ROLES.indexOf(rec.role)), 2);
  head.writeUInt8(1, 3);
  head.writeDoubleLE(rec.ts, 4);
  head.writeUInt16LE(vec ? vec.bytes.length / bytesPerDim(enc) : 0, 12);
  head.writeFloatLE(vec?.scale ?? 1, 16);
  head.writeUInt32LE(content.length, 20);
  return Buffer.concat([head, vec?.bytes ?? Buffer.alloc(0), content, meta]);
}

export interface PackedHeader {
  enc: VectorEncoding | "none";
  role: Role;
  ts: number;
  dims: number;
  scale: number;
  /** Content bytes; -1 = the rest of the record (version 2 without meta). */
  contentLength: number;
  hasMeta: boolean;
  /** Where the vector starts (header size). */
  vectorAt: number;
}

function unreadable(buf: Buffer): AppError {
  return new AppError(
    "internal:vector",
    `Unreadable memory record (version ${buf.length ? buf.readUInt8(0) : "?"}); run \`npm run memory:reindex\`.`,
  );
}

function encodingOf(code: number): VectorEncoding | "none" {
  const enc = ENC_NAME.get(code);
  if (!enc) throw new AppError("internal:vector", `Unknown vector encoding code ${code} in a memory record.`);
  return enc;
}

/** Reads either format (the version byte says which). */
export function readHeader(buf: Buffer): PackedHeader {
  const version = buf.length ? buf.readUInt8(0) : 0;
  if (version === V2 && buf.length >= 13) {
    const enc = encodingOf(buf.readUInt8(1));
    const flags = buf.readUInt8(2);
    const hasMeta = (flags & 4) === 4;
    let at = 13;
    let scale = 1;
    if (enc === "int8") {
      scale = buf.readFloatLE(at);
      at += 4;
    }
    const contentLength = hasMeta ? buf.readUInt16LE(at) : -1;
    if (hasMeta) at += 2;
    return {
      enc,
      role: ROLES[flags & 3] ?? "user",
      hasMeta,
      ts: buf.readDoubleLE(5),
      dims: buf.readUInt16LE(3),
      scale,
      contentLength,
      vectorAt: at,
    };
  }
  if (version !== V1 || buf.length < HEADER_V1) throw unreadable(buf);
  return {
    enc: encodingOf(buf.readUInt8(1)),
    role: ROLES[buf.readUInt8(2)] ?? "user",
    hasMeta: (buf.readUInt8(3) & 1) === 1,
    ts: buf.readDoubleLE(4),
    dims: buf.readUInt16LE(12),
    scale: buf.readFloatLE(16),
    contentLength: buf.readUInt32LE(20),
    vectorAt: HEADER_V1,
  };
}

/**
 * Cosine of a unit query with the vector inside a packed record, without allocating: the scan
 * engine calls this for every memory of a user on every query.
 */
let scratch = new Float32Array(384);

export function packedCosine(query: Float32Array, buf: Buffer, h: PackedHeader): number | undefined {
  if (h.enc === "none" || h.dims !== query.length) return undefined;
  const dims = h.dims;
  const off = h.vectorAt;
  const at = buf.byteOffset + off;
  let d = 0;
  let n = 0;
  if (h.enc === "float32") {
    if (at % 4 === 0) {
      const v = new Float32Array(buf.buffer, at, dims);
      for (let i = 0; i < dims; i++) {
        const x = v[i]!;
        d += query[i]! * x;
        n += x * x;
      }
    } else {
      // misaligned slice of the reply buffer: one memcpy into an aligned scratch beats readFloatLE
      if (scratch.byteLength < dims * 4) scratch = new Float32Array(dims);
      new Uint8Array(scratch.buffer).set(buf.subarray(off, off + dims * 4));
      for (let i = 0; i < dims; i++) {
        const x = scratch[i]!;
        d += query[i]! * x;
        n += x * x;
      }
    }
  } else if (h.enc === "int8") {
    const v = new Int8Array(buf.buffer, at, dims);
    for (let i = 0; i < dims; i++) {
      const x = v[i]!;
      d += query[i]! * x;
      n += x * x;
    }
  } else {
    for (let i = 0; i < dims; i++) {
      const x = HALF_TABLE[buf.readUInt16LE(off + i * 2)]!;
      d += query[i]! * x;
      n += x * x;
    }
  }
  return n > 0 ? d / Math.sqrt(n) : 0;
}

export function packedVector(buf: Buffer, h: PackedHeader = readHeader(buf)): Float32Array | undefined {
  return h.enc === "none" ? undefined : decodeVector(buf, h.vectorAt, h.dims, h.enc, h.scale);
}

export function unpackRecord(id: string, userId: number, buf: Buffer, h: PackedHeader = readHeader(buf)): MemoryRecord {
  const start = h.vectorAt + (h.enc === "none" ? 0 : h.dims * bytesPerDim(h.enc));
  const end = h.contentLength < 0 ? buf.length : start + h.contentLength;
  const content = buf.toString("utf8", start, end);
  const rec: MemoryRecord = { id, userId, role: h.role, content, ts: h.ts };
  if (h.hasMeta) {
    try {
      rec.meta = JSON.parse(buf.toString("utf8", end)) as Record<string, string>;
    } catch {
      // a damaged meta blob must not hide the memory itself
    }
  }
  return rec;
}
