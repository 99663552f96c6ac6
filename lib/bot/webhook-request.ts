import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { AppError } from "../errors";
import { decodeUtf8, readBodyCapped } from "../http/body";

/**
 * Reading POST /api/telegram before anything else happens, cheapest check first:
 * (1) the secret header (constant time) → 401, before a byte of the body is read, so a forged
 * request costs no parsing; (2) the body, capped at 1 MB by Content-Length and by a byte-counted
 * stream read → 413; (3) UTF-8 + JSON + an update_id → 400. Only then is the update queued.
 */

/** Telegram updates are a few KB; 1 MB leaves room for long messages and entities. */
export const WEBHOOK_MAX_BODY_BYTES = 1_000_000;

const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

/** Constant-time secret check: both sides hashed so neither content nor length leaks. */
export function secretMatches(header: string | null, secret: string): boolean {
  if (header === null) return false;
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(header), digest(secret));
}

export type WebhookRequest = { ok: true; raw: string; updateId: number } | { ok: false; response: Response };

/** The request's update as JSON text, or the 4xx response to send instead. */
export async function readWebhookRequest(req: Request, secretToken: string): Promise<WebhookRequest> {
  const refuse = (e: AppError): WebhookRequest => ({ ok: false, response: e.toResponse() });
  if (!secretMatches(req.headers.get("x-telegram-bot-api-secret-token"), secretToken)) {
    return refuse(new AppError("unauthorized:bot", "Wrong or missing X-Telegram-Bot-Api-Secret-Token."));
  }
  let raw: string;
  let json: unknown;
  try {
    raw = decodeUtf8(await readBodyCapped(req, { maxBytes: WEBHOOK_MAX_BODY_BYTES, surface: "bot" }), "bot");
  } catch (e) {
    if (e instanceof AppError) return refuse(e);
    throw e; // the client went away mid-body: nothing to answer to
  }
  try {
    json = JSON.parse(raw);
  } catch (cause) {
    return refuse(new AppError("bad_request:bot", "Body is not JSON.", { cause }));
  }
  const parsed = updateSchema.safeParse(json);
  if (!parsed.success)
    return refuse(
      new AppError("bad_request:bot", "Body is not a Telegram update (update_id missing).", {
        details: parsed.error.issues,
      }),
    );
  return { ok: true, raw, updateId: parsed.data.update_id };
}
