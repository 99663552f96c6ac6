import { z } from "zod";
import { requireAdmin, requireSameOrigin } from "../auth/guard";
import { AppError } from "../errors";
import { readJsonBody } from "../http/body";
import { toHttpError } from "../http/errors";
import { logger } from "../log";

const log = logger("admin");

type AnyObject = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<P, Q, B> {
  params?: P;
  query?: Q;
  body?: B;
  /** POST/DELETE that change data: same-origin check. */
  mutation?: boolean;
  /** false only for the login route itself. */
  auth?: boolean;
}

export interface RouteInput<P, Q, B> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  request: Request;
}

/** Admin bodies are a password or one playground message (≤ 4000 chars): 64 KB is plenty. */
export const ADMIN_BODY_MAX_BYTES = 64 * 1024;

type Ctx = { params: Promise<Record<string, string | string[] | undefined>> };

/** "limit: Too big: expected number to be <=200; q: …" — names the field, for the 400 message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new AppError("bad_request:admin", `Invalid ${where}: ${describeIssues(r.error)}`, {
      cause: r.error,
      details: r.error.issues,
    });
  return r.data;
}

/** Query string as an object; empty values count as absent (an empty form field means "not set"). */
function queryObject(request: Request): Record<string, string> {
  return Object.fromEntries([...new URL(request.url).searchParams].filter(([, v]) => v !== ""));
}

async function readInput<P, Q, B>(spec: RouteSpec<P, Q, B>, request: Request, ctx?: Ctx) {
  const params = spec.params
    ? parse(spec.params as unknown as AnyObject, ctx ? await ctx.params : {}, "path")
    : undefined;
  const query = spec.query ? parse(spec.query as unknown as AnyObject, queryObject(request), "query") : undefined;
  let body: unknown;
  if (spec.body) {
    const raw = await readJsonBody(request, { maxBytes: ADMIN_BODY_MAX_BYTES, surface: "admin" });
    body = parse(spec.body as unknown as AnyObject, raw, "body");
  }
  return { params, query, body } as Omit<RouteInput<P, Q, B>, "request">;
}

/**
 * An admin route handler in fixed steps: (1) parse path/query/body with zod → 400 naming the
 * field, (2) session → 401, (3) same-origin for mutations → 403, (4) run. Results become JSON
 * (no-store); a Response is passed through; errors become AppError JSON.
 */
export function adminRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(
  spec: RouteSpec<P, Q, B>,
  run: (input: RouteInput<P, Q, B>) => Promise<unknown>,
): (request: Request, ctx: Ctx) => Promise<Response> {
  return async (request, ctx) => {
    try {
      const input = await readInput(spec, request, ctx);
      if (spec.auth !== false) await requireAdmin(request);
      if (spec.mutation) requireSameOrigin(request);
      const result = await run({ ...input, request });
      if (result instanceof Response) return result;
      return Response.json(result ?? { ok: true }, { headers: { "Cache-Control": "no-store" } });
    } catch (e) {
      const err = toHttpError(e);
      if (err.status >= 500) log.error(`${request.method} ${new URL(request.url).pathname} failed`, { error: e });
      const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
      return err.toResponse(typeof retryAfter === "number" ? { "Retry-After": String(retryAfter) } : undefined);
    }
  };
}
