import type { Locator, Page } from "@playwright/test";

export interface SearchInput {
  q: string;
  userId?: number;
  k?: number;
  minScore?: number;
  mode?: "dense" | "lexical" | "hybrid";
}

export class SearchPage {
  readonly hits: Locator;

  constructor(readonly page: Page) {
    this.hits = page.getByTestId("search-hit");
  }

  async goto(): Promise<void> {
    await this.page.goto("/dashboard/search");
  }

  async search(s: SearchInput): Promise<void> {
    await this.page.getByTestId("search-query").fill(s.q);
    await this.page.getByTestId("search-user").fill(s.userId ? String(s.userId) : "");
    if (s.k) await this.page.getByTestId("search-k").fill(String(s.k));
    if (s.minScore !== undefined) await this.page.getByTestId("search-min-score").fill(String(s.minScore));
    if (s.mode) await this.page.getByTestId("search-mode").selectOption(s.mode);
    await this.page.getByTestId("search-submit").click();
    await this.page.waitForURL(/q=/);
    await this.page.getByTestId("search-meta").or(this.page.getByTestId("search-none")).waitFor();
  }
}
