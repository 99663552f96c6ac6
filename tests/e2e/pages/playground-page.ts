import type { Locator, Page } from "@playwright/test";

export class PlaygroundPage {
  readonly replies: Locator;
  readonly errors: Locator;
  readonly recalled: Locator;
  readonly window: Locator;

  constructor(readonly page: Page) {
    this.replies = page.getByTestId("playground-assistant");
    this.errors = page.getByTestId("playground-error");
    this.recalled = page.getByTestId("recalled-item");
    this.window = page.getByTestId("prompt-window");
  }

  async goto(): Promise<void> {
    await this.page.goto("/dashboard/playground");
  }

  async send(userId: number, text: string): Promise<void> {
    await this.page.getByTestId("playground-user").fill(String(userId));
    await this.page.getByTestId("playground-input").fill(text);
    await this.page.getByTestId("playground-send").click();
  }
}
