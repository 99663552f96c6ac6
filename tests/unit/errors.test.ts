import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AppError, errorResponse } from "@/lib/errors";

describe("AppError", () => {
  it("maps the type to an HTTP status and keeps the cause", async () => {
    const cause = new Error("ECONNREFUSED");
    const e = new AppError("unavailable:redis", "Redis is down", { cause });
    assert.equal(e.status, 503);
    assert.equal(e.surface, "redis");
    assert.equal(e.cause, cause);
    const res = e.toResponse();
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { error: { code: "unavailable:redis", message: "Redis is down" } });
  });

  it("hides unknown errors behind a generic 500", async () => {
    const res = errorResponse(new Error("secret internals"));
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { message: string } };
    assert.doesNotMatch(body.error.message, /secret/);
  });
});
