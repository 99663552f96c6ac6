import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { AppError, errorResponse } from "@/lib/errors";
import { toHttpError } from "@/lib/http/errors";
import { ConfigError } from "@/lib/config";

/**
 * Next.js bundles each route separately, so the memory facade (a process-wide singleton made by
 * whichever route ran first) throws another copy's AppError. Importing lib/errors.ts a second
 * time under another URL gives such a copy: its errors must still map to their status.
 */
describe("HTTP status of thrown errors", () => {
  it("an AppError from another copy of lib/errors.ts keeps its 4xx (a foreign bad_request:memory is a 400)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mm-errors-copy-"));
    copyFileSync(join(process.cwd(), "lib/errors.ts"), join(dir, "errors.ts")); // lib/errors.ts imports nothing
    const copy = (await import(pathToFileURL(join(dir, "errors.ts")).href)) as typeof import("@/lib/errors");
    assert.notEqual(copy.AppError, AppError, "really a second copy of the class");
    const foreign = new copy.AppError("bad_request:memory", "User id must be a positive whole number, got -5.");
    assert.ok(foreign instanceof AppError);
    assert.equal(errorResponse(foreign).status, 400);
    assert.equal(toHttpError(foreign).status, 400);
    assert.equal((await toHttpError(foreign).toResponse().json()).error.code, "bad_request:memory");
    assert.equal(toHttpError(new copy.AppError("unavailable:llm", "The model API is unreachable")).status, 503);
    assert.ok(!(new Error("plain") instanceof AppError));
    assert.ok(!({ code: "bad_request:x" } instanceof AppError));
  });

  it("raw ioredis 'not reachable' errors are 503, Redis refusing a command and unknown errors stay 500", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    assert.equal(toHttpError(refused).code, "unavailable:redis");
    assert.equal(
      toHttpError(
        Object.assign(new Error("Reached the max retries per request limit (which is 1)."), {
          name: "MaxRetriesPerRequestError",
        }),
      ).status,
      503,
    );
    assert.equal(toHttpError(new Error("Connection is closed.")).status, 503);
    assert.equal(toHttpError(Object.assign(new Error("ERR unknown command"), { name: "ReplyError" })).status, 500);
    assert.equal(toHttpError(new TypeError("x is undefined")).code, "internal:api");
  });

  it("a ConfigError is a 503 that names the variable", () => {
    const e = toHttpError(new ConfigError([{ variable: "ADMIN_PASSWORD", message: "must be at least 12 characters" }]));
    assert.equal(e.status, 503);
    assert.match(e.message, /ADMIN_PASSWORD/);
    const key = toHttpError(
      new AppError("config:llm", "The model API refused the key (401)", { details: { kind: "auth" } }),
    );
    assert.deepEqual([key.status, key.code, key.details], [503, "unavailable:llm", { kind: "auth" }]);
  });
});
