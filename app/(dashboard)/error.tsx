"use client";

import { ErrorMessage } from "@/components/ui/messages";
import { buttonSecondary } from "@/components/ui/styles";

/** Last resort for unexpected render errors: a message and a retry, never a blank page. */
export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-3">
      <ErrorMessage title="This page could not be shown">
        {error.message || "An unexpected error happened on the server."}
        {error.digest && <span className="block text-xs">Server log reference: {error.digest}</span>}
      </ErrorMessage>
      <button type="button" onClick={reset} className={buttonSecondary}>
        Try again
      </button>
    </div>
  );
}
