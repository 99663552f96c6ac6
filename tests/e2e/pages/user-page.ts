import type { Download, Locator, Page } from "@playwright/test";

export class UserPage {
  readonly messages: Locator;
  readonly memories: Locator;
  readonly result: Locator;

  constructor(readonly page: Page) {
    this.messages = page.getByTestId("timeline-message");
    this.memories = page.getByTestId("memory-item");
    this.result = page.getByTestId("action-result");
  }

  async goto(userId: number): Promise<void> {
    await this.page.goto(`/dashboard/users/${userId}`);
  }

  message(id: string): Locator {
    return this.page.locator(`[data-testid="timeline-message"][data-message-id="${id}"]`);
  }

  async clear(): Promise<void> {
    await this.page.getByTestId("action-clear").click();
    await this.page.getByTestId("confirm-yes").click();
  }

  async startForget(): Promise<void> {
    await this.page.getByTestId("action-forget").click();
  }

  async confirm(): Promise<void> {
    await this.page.getByTestId("confirm-yes").click();
  }

  async cancel(): Promise<void> {
    await this.page.getByTestId("confirm-cancel").click();
  }

  async export(): Promise<Download> {
    const download = this.page.waitForEvent("download");
    await this.page.getByTestId("action-export").click();
    return download;
  }
}
