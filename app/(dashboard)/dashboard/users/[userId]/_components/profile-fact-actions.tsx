"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { adminCall } from "@/components/dashboard/admin-call";
import { buttonDanger, buttonSecondary, input } from "@/components/ui/styles";

/** Edit (inline) or delete one current profile fact. */
export function ProfileFactActions({ userId, fact }: { userId: number; fact: { id: string; text: string } }) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(fact.text);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const url = `/api/admin/users/${userId}/profile`;

  async function run(action: () => Promise<string | undefined>) {
    setBusy(true);
    const problem = await action();
    setBusy(false);
    setError(problem);
    if (!problem) {
      setEditing(false);
      router.refresh();
    }
  }

  if (editing) {
    return (
      <form
        className="flex flex-col gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => adminCall(url, "PATCH", { factId: fact.id, text }));
        }}
      >
        <input
          className={input}
          value={text}
          maxLength={200}
          onChange={(e) => setText(e.target.value)}
          aria-label="Fact text"
          data-testid="profile-edit-input"
        />
        <div className="flex gap-1">
          <button type="submit" className={buttonSecondary} disabled={busy} data-testid="profile-edit-save">
            Save
          </button>
          <button type="button" className={buttonSecondary} onClick={() => setEditing(false)} disabled={busy}>
            Cancel
          </button>
        </div>
        {error && <p className="text-xs text-red-700">{error}</p>}
      </form>
    );
  }
  return (
    <div className="flex shrink-0 flex-col items-end gap-1">
      <div className="flex gap-1">
        <button
          type="button"
          className={buttonSecondary}
          onClick={() => setEditing(true)}
          disabled={busy}
          data-testid="profile-edit"
        >
          Edit
        </button>
        <button
          type="button"
          className={buttonDanger}
          onClick={() => void run(() => adminCall(`${url}?factId=${encodeURIComponent(fact.id)}`, "DELETE"))}
          disabled={busy}
          data-testid="profile-delete"
        >
          Delete
        </button>
      </div>
      {error && <p className="text-xs text-red-700">{error}</p>}
    </div>
  );
}
