import type { Locator, Page } from "@playwright/test";

export class OverviewPage {
  constructor(readonly page: Page) {}

  async goto(range: "1h" | "24h" = "1h"): Promise<void> {
    await this.page.goto(range === "1h" ? "/dashboard" : "/dashboard?range=24h");
  }

  stat(name: string): Locator {
    return this.page.getByTestId(`stat-${name}-value`);
  }

  /** The number a stat shows ("1,234" → 1234). */
  async statNumber(name: string): Promise<number> {
    return Number((await this.stat(name).innerText()).replace(/[^\d.]/g, ""));
  }

  chart(op: string): Locator {
    return this.page.getByTestId(`latency-chart-${op}`);
  }

  latencyRow(op: string): Locator {
    return this.page.getByTestId(`latency-row-${op}`);
  }
}
