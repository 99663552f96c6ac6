import { runPlaygroundTurn } from "@/lib/admin/playground";
import { adminRoute } from "@/lib/admin/route";
import { playgroundBody } from "@/lib/admin/schemas";

export const runtime = "nodejs";
export const maxDuration = 60;

/** One chat turn as a test user through the bot's pipeline; returns the reply and the built prompt. */
export const POST = adminRoute({ body: playgroundBody, mutation: true }, ({ body }) => runPlaygroundTurn(body));
