import { after } from "next/server";
import { handleTelegramWebhook } from "@/lib/app";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";
/** The queued work runs after the response (after()); a burst in one chat may take a while. */
export const maxDuration = 300;

/** Telegram webhook: 401 wrong secret, 400 malformed, 200 fast (work continues after the response). */
export async function POST(req: Request): Promise<Response> {
  return handleTelegramWebhook(req, (task) => after(task));
}
