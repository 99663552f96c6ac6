import { ALICE } from "./support/seed-data";
import { ADMIN_PASSWORD, expect, screenshot, test } from "./support/fixtures";
import { LoginPage } from "./pages/login-page";

const PAGES = [
  "/dashboard",
  "/dashboard/users",
  `/dashboard/users/${ALICE.userId}`,
  "/dashboard/search?q=ramen",
  "/dashboard/redis",
  "/dashboard/playground",
  "/docs",
];

const APIS: [method: "GET" | "POST" | "DELETE", path: string][] = [
  ["GET", "/api/admin/stats"],
  ["GET", "/api/admin/latency"],
  ["GET", "/api/admin/redis"],
  ["GET", "/api/admin/users"],
  ["GET", `/api/admin/users/${ALICE.userId}`],
  ["DELETE", `/api/admin/users/${ALICE.userId}`],
  ["GET", `/api/admin/users/${ALICE.userId}/history`],
  ["GET", `/api/admin/users/${ALICE.userId}/memories`],
  ["POST", `/api/admin/users/${ALICE.userId}/clear`],
  ["GET", `/api/admin/users/${ALICE.userId}/export`],
  ["GET", "/api/admin/search?q=ramen"],
  ["POST", "/api/admin/playground"],
  ["GET", "/api/openapi.json"],
];

test.describe("without a session", () => {
  for (const path of PAGES) {
    test(`page ${path} redirects to /login`, async ({ page }) => {
      await page.goto(path);
      await expect(page).toHaveURL(/\/login\?next=/);
      expect(new URL(page.url()).searchParams.get("next")).toBe(path);
      await expect(page.getByTestId("login-form")).toBeVisible();
    });
  }

  test("every admin API answers 401 JSON and changes nothing", async ({ request }) => {
    for (const [method, path] of APIS) {
      const res = await request.fetch(path, {
        method,
        data: method === "POST" ? { userId: ALICE.userId, text: "hi" } : undefined,
      });
      expect(res.status(), `${method} ${path}`).toBe(401);
      expect((await res.json()).error.code, `${method} ${path}`).toBe("unauthorized:auth");
    }
  });

  test("the start page and /api/health stay public", async ({ request }) => {
    expect((await request.get("/")).status()).toBe(200);
    expect((await request.get("/api/health")).status()).toBe(200);
  });

  test("a forged session cookie is refused", async ({ page, context, baseURL }) => {
    await context.addCookies([
      { name: "mm_session", value: "eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYWRtaW4ifQ.forged", url: baseURL! },
    ]);
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login/);
  });
});

test.describe("login", () => {
  test("a wrong password is refused with a message", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto("/dashboard");
    await login.login("definitely-not-the-password");
    await expect(login.error).toContainText("Wrong password");
    await expect(page).toHaveURL(/\/login/);
    await screenshot(page, "login-wrong-password");
  });

  test("the right password opens the requested page; logout closes the session", async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto("/dashboard/users");
    await screenshot(page, "login");
    await login.login(ADMIN_PASSWORD());
    await expect(page).toHaveURL(/\/dashboard\/users$/);
    await expect(page.getByTestId("users-page")).toBeVisible();
    const cookie = (await page.context().cookies()).find((c) => c.name === "mm_session")!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe("Strict");
    expect(cookie.secure).toBe(true); // production build
    expect(cookie.expires).toBeGreaterThan(Date.now() / 1000 + 3600);

    await page.getByTestId("logout").click();
    await expect(page).toHaveURL(/\/login/);
    await page.goto("/dashboard");
    await expect(page).toHaveURL(/\/login/);
  });
});

test.describe("after login", () => {
  test("?next= never leaves the site (//host, /\\host, tab tricks, absolute URLs land on /dashboard)", async ({
    page,
    baseURL,
  }) => {
    const own = new URL(baseURL!).origin;
    for (const query of [
      "next=/%09/evil.example",
      "next=%2F%2Fevil.example",
      "next=/%5Cevil.example",
      "next=https%3A%2F%2Fevil.example%2Fx",
      "next=/%2F/evil.example",
    ]) {
      await page.context().clearCookies();
      await page.goto(`/login?${query}`);
      await new LoginPage(page).login(ADMIN_PASSWORD());
      await expect(page).toHaveURL(/\/dashboard$/);
      expect(new URL(page.url()).origin, query).toBe(own);
    }
  });
});

test.describe("with a session", () => {
  test("a cross-site mutation is refused (403) and bad input answers 400 naming the field", async ({ admin }) => {
    const forged = await admin.request.post(`/api/admin/users/${ALICE.userId}/clear`, {
      headers: { Origin: "https://evil.example" },
    });
    expect(forged.status()).toBe(403);
    expect((await forged.json()).error.code).toBe("forbidden:auth");
    const history = await (await admin.request.get(`/api/admin/users/${ALICE.userId}/history`)).json();
    expect(history.messages.length).toBeGreaterThan(0);

    const bad = await admin.request.get("/api/admin/users?limit=9999");
    expect(bad.status()).toBe(400);
    expect((await bad.json()).error.message).toMatch(/limit/);
  });
});
