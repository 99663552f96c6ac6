/**
 * One error class for the whole app. `code` is `type:surface`, e.g. `bad_request:memory` or
 * `unavailable:redis`; the type decides the HTTP status, the surface says where it happened.
 * The original error is kept as `cause` so logs show the whole chain.
 */

export type ErrorType =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limit"
  | "too_large"
  | "unsupported_media"
  | "unavailable"
  | "config"
  | "internal";

export type ErrorSurface =
  "api" | "admin" | "auth" | "bot" | "config" | "embedding" | "llm" | "memory" | "redis" | "vector";

export type ErrorCode = `${ErrorType}:${ErrorSurface}`;

const statusByType: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limit: 429,
  too_large: 413,
  unsupported_media: 415,
  unavailable: 503,
  config: 500,
  internal: 500,
};

/**
 * Next.js bundles each route separately, so one process can hold several copies of this class;
 * a singleton made by one bundle (memory facade, LLM client) throws another copy's AppError.
 * `instanceof` checks this process-wide brand instead of the class identity, so such an error
 * still maps to its status (a foreign `bad_request:memory` is a 400, not a 500).
 */
const BRAND = Symbol.for("mindmate.AppError");

export class AppError extends Error {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly [BRAND] = true;
  readonly type: ErrorType;
  readonly surface: ErrorSurface;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    const [type, surface] = code.split(":") as [ErrorType, ErrorSurface];
    this.type = type;
    this.surface = surface;
    this.details = options?.details;
  }

  readonly details: unknown;

  get status(): number {
    return statusByType[this.type];
  }

  toJSON() {
    return { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) };
  }

  toResponse(headers?: HeadersInit): Response {
    return Response.json({ error: this.toJSON() }, { status: this.status, headers });
  }
}

export function isAppError(e: unknown, code?: ErrorCode): e is AppError {
  return e instanceof AppError && (code === undefined || e.code === code);
}

/** Turns anything thrown into a Response without leaking internals. */
export function errorResponse(e: unknown): Response {
  if (e instanceof AppError) return e.toResponse();
  return new AppError("internal:api", "Something went wrong on the server.", { cause: e }).toResponse();
}
