import { Notice } from "@/components/ui/messages";
import { PageHeader } from "@/components/ui/page-header";
import { playgroundUnavailable } from "@/lib/admin/playground";
import { PlaygroundChat } from "./_components/playground-chat";

export const dynamic = "force-dynamic";

/** A test id far from real Telegram ids, so playground chats are easy to spot in the user list. */
const DEFAULT_TEST_USER = 999000001;

export default function PlaygroundPage() {
  const why = playgroundUnavailable();
  return (
    <div className="space-y-4" data-testid="playground-page">
      <PageHeader title="Playground">
        Chat as a test user through exactly the bot&apos;s pipeline (store → recall → prompt → model → store). No
        Telegram token needed; messages are stored like real ones.
      </PageHeader>
      {why ? (
        <Notice testid="playground-unavailable">
          <b>The playground needs a model.</b> {why}
        </Notice>
      ) : (
        <PlaygroundChat defaultUserId={DEFAULT_TEST_USER} />
      )}
    </div>
  );
}
