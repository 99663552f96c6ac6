import Link from "next/link";
import { EmptyState } from "@/components/ui/messages";
import { link } from "@/components/ui/styles";

/** Shown while nobody has talked to the bot: how to get the first data in. */
export function FirstStepsNotice() {
  return (
    <EmptyState title="No users yet" testid="overview-empty">
      Connect the bot (set <code>TELEGRAM_BOT_TOKEN</code>, then <code>npm run webhook:set</code> or{" "}
      <code>npm run bot:poll</code>) and send it a message, or try it right here in the{" "}
      <Link href="/dashboard/playground" className={link}>
        playground
      </Link>
      .
    </EmptyState>
  );
}
