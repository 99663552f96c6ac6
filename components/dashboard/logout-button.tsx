"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonSecondary } from "@/components/ui/styles";

export function LogoutButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  async function logout() {
    setBusy(true);
    await fetch("/api/admin/session", { method: "DELETE" }).catch(() => undefined);
    router.replace("/login");
    router.refresh();
  }
  return (
    <button type="button" onClick={logout} disabled={busy} className={buttonSecondary} data-testid="logout">
      Log out
    </button>
  );
}
