"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { adminCall as call } from "@/components/dashboard/admin-call";
import { buttonDanger, buttonSecondary } from "@/components/ui/styles";

type Pending = "clear" | "forget" | undefined;

/** Clear / forget (each confirmed first) and export. */
export function UserActions({ userId }: { userId: number }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const base = `/api/admin/users/${userId}`;

  async function run(action: "clear" | "forget") {
    setBusy(true);
    const error = action === "clear" ? await call(`${base}/clear`, "POST") : await call(base, "DELETE");
    setBusy(false);
    setConfirming(undefined);
    if (error) return setMessage({ ok: false, text: error });
    if (action === "forget") {
      router.push(`/dashboard/users?forgotten=${userId}`);
      return;
    }
    setMessage({
      ok: true,
      text: "Conversation cleared: the short-term history is empty; long-term memories and settings stay.",
    });
    router.refresh();
  }

  return (
    <div className="space-y-2" data-testid="user-actions">
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={buttonSecondary}
          onClick={() => setConfirming("clear")}
          disabled={busy}
          data-testid="action-clear"
        >
          Clear conversation
        </button>
        <a
          href={`${base}/export`}
          download={`mindmate-user-${userId}.json`}
          className={buttonSecondary}
          data-testid="action-export"
        >
          Export JSON
        </a>
        <button
          type="button"
          className={buttonDanger}
          onClick={() => setConfirming("forget")}
          disabled={busy}
          data-testid="action-forget"
        >
          Forget user…
        </button>
      </div>
      {confirming && (
        <div
          role="alertdialog"
          aria-labelledby="confirm-text"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm"
          data-testid="confirm"
        >
          <p id="confirm-text">
            {confirming === "clear"
              ? `Start a new conversation for user ${userId}? Their short-term history is deleted; long-term memories stay.`
              : `Forget user ${userId}? Every message, memory and setting is deleted. This cannot be undone.`}
          </p>
          <div className="mt-2 flex gap-2">
            <button
              type="button"
              className={confirming === "forget" ? buttonDanger : buttonSecondary}
              onClick={() => run(confirming)}
              disabled={busy}
              data-testid="confirm-yes"
            >
              {confirming === "clear" ? "Yes, clear" : "Yes, forget everything"}
            </button>
            <button
              type="button"
              className={buttonSecondary}
              onClick={() => setConfirming(undefined)}
              disabled={busy}
              data-testid="confirm-cancel"
            >
              Cancel
            </button>
          </div>
        </div>
      )}
      {message && (
        <p
          role="status"
          className={`text-sm ${message.ok ? "text-emerald-700" : "text-red-700"}`}
          data-testid="action-result"
        >
          {message.text}
        </p>
      )}
    </div>
  );
}
