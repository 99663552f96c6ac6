/* eslint-disable no-restricted-properties -- test tooling config, like tests/ and scripts/: not app code */
import { randomBytes } from "node:crypto";
import { defineConfig, devices } from "@playwright/test";

/**
 * Playwright against the production build (scripts/e2e-server.sh, started by
 * tests/e2e/global-setup.ts after the fake OpenAI server and the Redis seed, because the app's
 * OPENAI_BASE_URL must point at the fake's port). Real Redis: E2E_REDIS_URL, else
 * REDIS_STACK_URL / REDIS8_URL / REDIS7_URL / VALKEY8_URL from scripts/test-servers.sh.
 * Debian's Chromium (scripts/ensure-chromium.sh), no browser download.
 *
 * Values chosen here go into process.env so the setup, the server and every worker agree.
 */
process.env.E2E_PORT ??= String(31000 + Math.floor(Math.random() * 2000));
process.env.E2E_PREFIX ??= `e2e:${randomBytes(4).toString("hex")}:`;
process.env.E2E_ADMIN_PASSWORD ??= `e2e-${randomBytes(12).toString("base64url")}`;
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`;

export default defineConfig({
  testDir: "tests/e2e",
  testMatch: "*.spec.ts",
  // Playwright empties outputDir on start: keep it apart from test-results/ (node-test.tap, screens/).
  outputDir: "test-results/playwright",
  globalSetup: "./tests/e2e/global-setup.ts",
  // One server, shared data, 2 cores: run the specs one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1400, height: 900 } } }],
});
