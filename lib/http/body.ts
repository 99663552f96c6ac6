import { AppError, type ErrorSurface } from "../errors";

/**
 * Reading a request body without trusting the client: a declared Content-Length above the cap
 * is refused before a byte is read, and the stream is read with a running byte count, so a body
 * sent chunked (or with a lying Content-Length) is cut off at the cap instead of being buffered
 * whole. Bytes are counted, not characters: 1 MB of emoji is 1 MB.
 */

export interface ReadBodyOptions {
  maxBytes: number;
  surface: ErrorSurface;
}

function tooLarge(o: ReadBodyOptions, details: Record<string, unknown>): AppError {
  return new AppError(`too_large:${o.surface}`, `Body too large: the limit is ${o.maxBytes} bytes.`, {
    details: { maxBytes: o.maxBytes, ...details },
  });
}

/** The declared length, or undefined when absent; a malformed header is a 400. */
export function declaredLength(request: Request, surface: ErrorSurface): number | undefined {
  const raw = request.headers.get("content-length");
  if (raw === null) return undefined;
  if (!/^\s*\d+\s*$/.test(raw))
    throw new AppError(`bad_request:${surface}`, "Content-Length must be a whole number of bytes.");
  return Number(raw);
}

/** The body's bytes, at most `maxBytes`; throws too_large (413) above that. */
export async function readBodyCapped(request: Request, o: ReadBodyOptions): Promise<Uint8Array> {
  const declared = declaredLength(request, o.surface);
  if (declared !== undefined && declared > o.maxBytes) throw tooLarge(o, { contentLength: declared });
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > o.maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge(o, { readBytes: total });
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** UTF-8 text of the body; invalid UTF-8 is a 400 (not silently replaced). */
export function decodeUtf8(bytes: Uint8Array, surface: ErrorSurface): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new AppError(`bad_request:${surface}`, "Body is not valid UTF-8 text.", { cause });
  }
}

/** The body parsed as JSON: 415 unless the Content-Type says JSON, 413 above the cap, 400 when malformed. */
export async function readJsonBody(
  request: Request,
  o: ReadBodyOptions & { requireJsonType?: boolean },
): Promise<unknown> {
  if (o.requireJsonType !== false) {
    const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      throw new AppError(
        `unsupported_media:${o.surface}`,
        `Send the body as JSON with Content-Type: application/json (got ${type ? JSON.stringify(type.slice(0, 60)) : "none"}).`,
      );
    }
  }
  const text = decodeUtf8(await readBodyCapped(request, o), o.surface);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new AppError(
      `bad_request:${o.surface}`,
      `Invalid body: not JSON (${(cause as Error).message.slice(0, 120)}).`,
      { cause },
    );
  }
}
