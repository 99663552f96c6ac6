import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { test as base, expect, type Page } from "@playwright/test";

export const ADMIN_PASSWORD = () => process.env.E2E_ADMIN_PASSWORD!;
const ROOT = resolve(__dirname, "../../..");

/** Logs the browser context in through the API (fast); the login form has its own spec. */
export async function loginViaApi(page: Page): Promise<void> {
  const res = await page.request.post("/api/admin/session", { data: { password: ADMIN_PASSWORD() } });
  expect(res.status(), await res.text()).toBe(200);
}

/** Full-page screenshot into test-results/screens/<name>.png (and docs/screenshots/ for the README). */
export async function screenshot(page: Page, name: string, opts: { readme?: boolean } = {}): Promise<void> {
  const dir = resolve(ROOT, "test-results/screens");
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (opts.readme) {
    mkdirSync(resolve(ROOT, "docs/screenshots"), { recursive: true });
    copyFileSync(file, resolve(ROOT, "docs/screenshots", `${name}.png`));
  }
}

/** `admin`: a page whose context holds a valid session. */
export const test = base.extend<{ admin: Page }>({
  admin: async ({ page }, provide) => {
    await loginViaApi(page);
    await provide(page);
  },
});

export { expect };
