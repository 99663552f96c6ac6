import type { Locator, Page } from "@playwright/test";

export class UsersPage {
  readonly rows: Locator;
  readonly pager: Locator;

  constructor(readonly page: Page) {
    this.rows = page.getByTestId("users-table").locator("tbody tr");
    this.pager = page.getByTestId("pager");
  }

  async goto(query = ""): Promise<void> {
    await this.page.goto(`/dashboard/users${query}`);
  }

  row(userId: number): Locator {
    return this.page.getByTestId(`user-row-${userId}`);
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId("users-search-input").fill(text);
    await this.page.getByTestId("users-search-submit").click();
    await this.page.waitForURL(/q=/);
  }

  async openUser(userId: number): Promise<void> {
    await this.row(userId).getByTestId("user-link").click();
    await this.page.waitForURL(new RegExp(`/dashboard/users/${userId}`));
  }
}
