import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Redis } from "ioredis";
import { FakeOpenAI } from "../fakes/openai-api";
import {
  type AdminRoute,
  callRoute,
  loadAdminRoutes,
  type RequestSpec,
  startAdminEnv,
  stopAdminEnv,
} from "../helpers/admin-routes";
import { modelSkipReason } from "../helpers/embedder";
import { testServers, uniquePrefix } from "../helpers/servers";

/**
 * Driven by /api/openapi.json itself: for every operation and every integer, number or string
 * parameter (path, query, JSON body property) it sends the boundary values of the documented
 * schema — min-1, min, max, max+1, a fraction for integers, non-numeric, empty, each enum
 * value and a wrong one, minLength-1/maxLength+1 — to the route handler in-process. A value
 * the document allows must be accepted (no 400/413/415), one it forbids must be a 400, and
 * nothing is ever a 5xx. So the documented ranges and the accepted ranges cannot drift apart.
 */

const server = testServers().available.find((s) => s.name === "redis-stack") ?? testServers().available[0];
const skip = !server ? "no test server URL set (run through npm test)" : modelSkipReason;

const PREFIX = uniquePrefix("admin-oas");
const PASSWORD = "openapi-boundaries-password";
const ALICE = 5353001;

interface Schema {
  type?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  example?: unknown;
}
interface Param {
  in: "path" | "query";
  name: string;
  required?: boolean;
  schema: Schema;
}
interface Operation {
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, Schema>; required?: string[] } }> };
}
interface Probe {
  value: unknown;
  allowed: boolean;
  why: string;
}

/** The boundary probes of one documented schema; `required` decides what "empty" means. */
function probes(s: Schema, required: boolean, where: "path" | "query" | "body"): Probe[] {
  const out: Probe[] = [];
  const add = (value: unknown, allowed: boolean, why: string) => out.push({ value, allowed, why });
  if (s.type === "integer" || s.type === "number") {
    if (s.minimum !== undefined) {
      add(s.minimum - 1, false, "min-1");
      add(s.minimum, true, "min");
    }
    if (s.maximum !== undefined) {
      add(s.maximum, true, "max");
      // max+1 for MAX_SAFE_INTEGER is 2^53, which is exactly representable.
      add(s.maximum + 1, false, "max+1");
    }
    if (s.type === "integer" && s.minimum !== undefined) add(s.minimum + 0.5, false, "fraction");
    add("abc", false, "non-numeric");
    add("12abc", false, "trailing junk");
  } else if (s.type === "string") {
    if (s.enum) {
      for (const v of s.enum) add(v, true, `enum ${String(v)}`);
      add("not-an-enum-value", false, "unknown enum value");
    } else {
      const ok = s.pattern ? null : "x";
      if (ok !== null) {
        if (s.minLength !== undefined && s.minLength > 1) add(ok.repeat(s.minLength - 1), false, "minLength-1");
        if (s.minLength !== undefined) add(ok.repeat(Math.max(1, s.minLength)), true, "minLength");
        if (s.maxLength !== undefined) add(ok.repeat(s.maxLength), true, "maxLength");
      }
      if (s.maxLength !== undefined) add("x".repeat(s.maxLength + 1), false, "maxLength+1");
      if (s.pattern) add("!!not matching!!", false, "pattern mismatch");
    }
    if (where === "body") add(12345, false, "a number where text is documented");
  } else {
    return out;
  }
  // Empty: an empty query value means "not set" (a form field left blank); in a path or a
  // JSON body it is a value of the wrong kind.
  if (where === "query") add("", !required, "empty (= absent)");
  else if (s.type !== "string" || s.minLength) add("", false, "empty");
  return out;
}

describe("admin API: documented boundaries from /api/openapi.json are the accepted ones", { skip }, () => {
  let raw: Redis;
  let fake: FakeOpenAI;
  let routes: AdminRoute[];
  let doc: { paths: Record<string, Record<string, Operation>> };
  let cookie = "";
  let ipSeq = 0;

  before(async () => {
    ({ fake, raw, cookie } = await startAdminEnv({
      redisUrl: server!.url,
      prefix: PREFIX,
      password: PASSWORD,
      sessionSecret: "oas-secret",
    }));
    routes = await loadAdminRoutes();
    const { getMemory } = await import("@/lib/app");
    await (
      await getMemory()
    ).appendMessage({ userId: ALICE, role: "user", content: "I keep bees on the roof of my building." });
    const res = await callRoute(routes.find((r) => r.name === "openapi")!.module.GET!, {
      method: "GET",
      path: "/api/openapi.json",
      cookie,
    });
    assert.equal(res.status, 200);
    doc = (await res.json()) as typeof doc;
  });

  after(() => stopAdminEnv({ fake, raw }, PREFIX));

  /** A request the document says is valid, before one value is changed. */
  function baseline(
    path: string,
    op: Operation,
  ): { params: Record<string, string>; query: Record<string, string>; body?: Record<string, unknown> } {
    const params: Record<string, string> = {};
    const query: Record<string, string> = {};
    for (const p of op.parameters ?? []) {
      if (p.in === "path") params[p.name] = String(ALICE);
      else if (p.required)
        query[p.name] = p.schema.example !== undefined ? String(p.schema.example) : p.name === "q" ? "bees" : "1";
    }
    const schema = op.requestBody?.content["application/json"]?.schema;
    let body: Record<string, unknown> | undefined;
    // A body whose properties all document an example is built from them (e.g. a profile edit's fact id).
    const examples = Object.entries(schema?.properties ?? {}).filter(([, s]) => s.example !== undefined);
    if (schema && examples.length > 0 && examples.length === Object.keys(schema.properties ?? {}).length)
      body = Object.fromEntries(examples.map(([k, s]) => [k, s.example]));
    else if (schema)
      body = path === "/api/admin/session" ? { password: PASSWORD } : { userId: ALICE + 1, text: "hello there" };
    return { params, query, body };
  }

  it("every operation, every integer/number/string parameter: min-1, min, max, max+1, non-numeric, empty, enums", async (tc) => {
    let checked = 0;
    const slow: [number, string][] = [];
    const failures: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const route = routes.find((r) => r.path === path);
      assert.ok(route, `no route handler for documented path ${path}`);
      for (const [m, op] of Object.entries(ops)) {
        const method = m.toUpperCase() as RequestSpec["method"];
        const handler = route.module[method];
        assert.ok(handler, `${method} ${path} is documented but not exported`);
        const targets: { where: "path" | "query" | "body"; name: string; schema: Schema; required: boolean }[] = [
          ...(op.parameters ?? []).map((p) => ({
            where: p.in,
            name: p.name,
            schema: p.schema,
            required: p.in === "path" || !!p.required,
          })),
          ...Object.entries(op.requestBody?.content["application/json"]?.schema.properties ?? {}).map(
            ([name, schema]) => ({
              where: "body" as const,
              name,
              schema,
              required: (op.requestBody?.content["application/json"]?.schema.required ?? []).includes(name),
            }),
          ),
        ];
        for (const t of targets) {
          for (const probe of probes(t.schema, t.required, t.where)) {
            const base = baseline(path, op);
            if (t.where === "path") base.params[t.name] = String(probe.value);
            else if (t.where === "query") base.query[t.name] = String(probe.value);
            else base.body = { ...base.body, [t.name]: probe.value };
            const t0 = performance.now();
            const res = await callRoute(handler, {
              method,
              path,
              params: base.params,
              query: base.query,
              cookie,
              ip: `10.77.${(ipSeq >> 8) & 255}.${ipSeq++ & 255}`,
              contentType: base.body ? "application/json" : undefined,
              body: base.body ? JSON.stringify(base.body) : undefined,
            });
            const text = await res.text();
            const label = `${method} ${path} ${t.where}.${t.name}=${JSON.stringify(probe.value)?.slice(0, 40)} (${probe.why}) → ${res.status}`;
            checked++;
            slow.push([Math.round(performance.now() - t0), label]);
            if (res.status >= 500) failures.push(`${label}: 5xx ${text.slice(0, 200)}`);
            else if (probe.allowed && [400, 413, 415].includes(res.status))
              failures.push(`${label}: documented as valid but refused: ${text.slice(0, 200)}`);
            else if (!probe.allowed && res.status !== 400)
              failures.push(`${label}: documented as invalid but not a 400`);
            else if (!probe.allowed && !text.includes(t.name))
              failures.push(`${label}: the 400 does not name ${t.name}: ${text.slice(0, 200)}`);
          }
        }
      }
    }
    tc.diagnostic(
      `${checked} probes; slowest: ${slow
        .sort((a, b) => b[0] - a[0])
        .slice(0, 5)
        .map(([ms, l]) => `${ms} ms ${l}`)
        .join(" | ")}`,
    );
    assert.deepEqual(failures, []);
    assert.ok(checked > 80, `only ${checked} probes`);
  });

  it("documents 400 and 503 on every operation, and the user id as a positive safe integer", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(ops) as [string, Operation & { responses: Record<string, unknown> }][]) {
        assert.ok(op.responses["400"] && op.responses["503"], `${m} ${path}`);
        for (const p of (op.parameters ?? []).filter((x) => x.name === "userId")) {
          assert.deepEqual(
            [p.schema.type, p.schema.minimum, p.schema.maximum],
            ["integer", 1, Number.MAX_SAFE_INTEGER],
            `${m} ${path}`,
          );
        }
      }
    }
  });
});
