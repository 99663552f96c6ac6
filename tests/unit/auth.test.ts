import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import { decodeJwt } from "jose";
import { adminPassword, passwordAnnouncement, passwordMatches } from "@/lib/auth/password";
import { clientIp, isSameOrigin } from "@/lib/auth/origin";
import {
  clearedSessionCookie,
  createSessionToken,
  serializeCookie,
  sessionCookie,
  sessionFromCookieHeader,
  verifySessionToken,
} from "@/lib/auth/session";
import { safeNextPath } from "@/lib/auth/next-path";
import { ConfigError, loadConfig, resetConfigForTests } from "@/lib/config";
import { ADMIN_PASSWORD_MIN_LENGTH } from "@/lib/config-schema";

const saved = { ...process.env };
function setEnv(vars: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfigForTests();
}
afterEach(() => {
  process.env = { ...saved };
  resetConfigForTests();
});

describe("admin password", () => {
  it("accepts exactly ADMIN_PASSWORD", () => {
    setEnv({ ADMIN_PASSWORD: "s3cret-Pass-12" });
    assert.equal(passwordMatches("s3cret-Pass-12"), true);
    for (const wrong of ["", "s3cret-pass-12", "s3cret-Pass-12 ", "s3cret-Pass-1", "s3cret-Pass-12-and-more"])
      assert.equal(passwordMatches(wrong), false, wrong);
    assert.equal(passwordAnnouncement(), undefined, "nothing to print when the password is configured");
  });

  it("without ADMIN_PASSWORD generates a strong one, stable within the process, announced once", () => {
    setEnv({ ADMIN_PASSWORD: undefined });
    const a = adminPassword();
    assert.equal(a.generated, true);
    assert.ok(a.password.length >= 24 && /^[\w-]+$/.test(a.password), a.password);
    assert.equal(adminPassword().password, a.password);
    assert.equal(passwordMatches(a.password), true);
    const line = passwordAnnouncement();
    assert.ok(line?.includes(a.password) && line.includes("ADMIN_PASSWORD"));
    assert.equal(passwordAnnouncement(), undefined);
  });
});

describe("ADMIN_PASSWORD minimum length", () => {
  it("a shorter one is a config error naming the variable; the generated one is long enough", () => {
    assert.throws(
      () => loadConfig({ ADMIN_PASSWORD: "short-pass1" }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.some((p) => p.variable === "ADMIN_PASSWORD" && /at least 12/.test(p.message)),
    );
    assert.equal(
      loadConfig({ ADMIN_PASSWORD: "x".repeat(ADMIN_PASSWORD_MIN_LENGTH) }).admin.password,
      "x".repeat(ADMIN_PASSWORD_MIN_LENGTH),
    );
    setEnv({ ADMIN_PASSWORD: undefined });
    assert.ok(adminPassword().password.length >= ADMIN_PASSWORD_MIN_LENGTH);
  });
});

describe("after-login redirect (next)", () => {
  it("never leaves the own origin", () => {
    for (const evil of [
      "/\t/evil.com",
      "/\t//evil.com",
      "//evil.com",
      "/\\evil.com",
      "\\\\evil.com",
      "https://evil.com",
      "http:evil.com",
      "javascript:alert(1)",
      "/\n/evil.com",
      " //evil.com",
      "///evil.com",
    ]) {
      const n = safeNextPath(evil);
      assert.equal(new URL(n, "https://dash.example").origin, "https://dash.example", `${JSON.stringify(evil)} → ${n}`);
      assert.ok(n.startsWith("/") && !n.startsWith("//") && !n.includes("\\"), n);
    }
    assert.equal(safeNextPath(decodeURIComponent("/%09/evil.com")), "/dashboard");
    assert.equal(safeNextPath("/.//evil.com"), "/evil.com", "a path on this site, not a host");
    assert.equal(safeNextPath("/dashboard/users/5?tab=history#m1"), "/dashboard/users/5?tab=history#m1");
    assert.equal(safeNextPath(undefined), "/dashboard");
    assert.equal(safeNextPath(["/a", "/b"]), "/dashboard");
    assert.equal(safeNextPath("/login?next=/x"), "/dashboard");
  });
});

describe("sessions", () => {
  it("verifies its own tokens and refuses tampered, foreign-key and expired ones", async () => {
    setEnv({ SESSION_SECRET: "key-one", SESSION_HOURS: "2" });
    const token = await createSessionToken();
    assert.equal(await verifySessionToken(token), true);
    const claims = decodeJwt(token);
    assert.equal(claims.exp! - claims.iat!, 7200);

    const [h, p, s] = token.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp! + 3600 })).toString("base64url");
    assert.equal(await verifySessionToken(`${h}.${forgedPayload}.${s}`), false);
    assert.equal(await verifySessionToken(`${h}.${p}.${s!.slice(0, -2)}xx`), false);
    assert.equal(await verifySessionToken(undefined), false);
    assert.equal(await verifySessionToken("not-a-jwt"), false);

    const old = await createSessionToken(new Date(Date.now() - 3 * 3600_000));
    assert.equal(await verifySessionToken(old), false, "expired after SESSION_HOURS");

    setEnv({ SESSION_SECRET: "key-two" });
    assert.equal(await verifySessionToken(token), false, "another key refuses it");
  });

  it("without SESSION_SECRET uses one random key per process", async () => {
    setEnv({ SESSION_SECRET: undefined });
    const token = await createSessionToken();
    assert.equal(await verifySessionToken(token), true);
    setEnv({ SESSION_SECRET: "now-set" });
    assert.equal(await verifySessionToken(token), false);
  });

  it("cookie: httpOnly, SameSite=Strict, Secure only in production, Max-Age = SESSION_HOURS", () => {
    setEnv({ NODE_ENV: "production", SESSION_HOURS: "12" });
    assert.equal(
      serializeCookie(sessionCookie("abc")),
      "mm_session=abc; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict; Secure",
    );
    setEnv({ NODE_ENV: "development" });
    assert.equal(
      serializeCookie(sessionCookie("abc")),
      "mm_session=abc; Path=/; Max-Age=43200; HttpOnly; SameSite=Strict",
    );
    assert.equal(clearedSessionCookie().maxAge, 0);
  });

  it("finds the session in a Cookie header", () => {
    assert.equal(sessionFromCookieHeader("a=1; mm_session=tok.en.x; b=2"), "tok.en.x");
    assert.equal(sessionFromCookieHeader("mm_session_other=1"), undefined);
    assert.equal(sessionFromCookieHeader("mm_session="), undefined);
    assert.equal(sessionFromCookieHeader(null), undefined);
  });
});

describe("same-origin check for mutations", () => {
  const req = (headers: Record<string, string>) =>
    new Request("http://app.test/api/admin/users/1/clear", {
      method: "POST",
      headers: { host: "app.test", ...headers },
    });

  it("trusts Sec-Fetch-Site when the browser sends it", () => {
    assert.equal(isSameOrigin(req({ "sec-fetch-site": "same-origin" })), true);
    for (const site of ["same-site", "cross-site", "none"])
      assert.equal(isSameOrigin(req({ "sec-fetch-site": site, origin: "http://app.test" })), false, site);
  });

  it("else compares Origin with the host (also behind a proxy)", () => {
    assert.equal(isSameOrigin(req({ origin: "http://app.test" })), true);
    assert.equal(isSameOrigin(req({ origin: "https://evil.example" })), false);
    assert.equal(isSameOrigin(req({ origin: "http://app.test.evil.example" })), false);
    assert.equal(isSameOrigin(req({ origin: "null" })), false);
    assert.equal(
      isSameOrigin(req({ origin: "https://dash.example.com", "x-forwarded-host": "dash.example.com" })),
      true,
    );
  });

  it("lets non-browser clients (no Origin, no Sec-Fetch-Site) through", () => {
    assert.equal(isSameOrigin(req({})), true);
  });

  it("client address: the X-Forwarded-For entry TRUSTED_PROXIES from the right; never key-unsafe", () => {
    // One platform proxy (default): the client's own entries on the left cannot choose the bucket.
    assert.equal(clientIp(req({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.7" })), "203.0.113.7");
    assert.equal(clientIp(req({ "x-forwarded-for": "1.1.1.1, 2.2.2.2, 203.0.113.7" }), 1), "203.0.113.7");
    assert.equal(clientIp(req({ "x-forwarded-for": "spoofed, 203.0.113.7, 10.0.0.1" }), 2), "203.0.113.7");
    assert.equal(
      clientIp(req({ "x-forwarded-for": "203.0.113.7" }), 3),
      "203.0.113.7",
      "fewer entries than hops: the leftmost",
    );
    assert.equal(
      clientIp(req({ "x-forwarded-for": "203.0.113.7" }), 0),
      "direct",
      "0 = no proxy: the header is ignored",
    );
    assert.equal(
      clientIp(req({ "x-real-ip": "2001:db8::1" })),
      "direct",
      "X-Real-IP is client-controlled without a proxy that sets it",
    );
    assert.equal(clientIp(req({})), "direct");
    assert.equal(clientIp(req({ "x-forwarded-for": "a b*c" })), "a_b_c");
    assert.equal(clientIp(req({ "x-forwarded-for": "x".repeat(500) })).length, 64);
  });
});
