"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { button, input } from "@/components/ui/styles";

export function LoginForm({ next }: { next: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const password = String(new FormData(e.currentTarget).get("password") ?? "");
    try {
      const res = await fetch("/api/admin/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ password }),
      });
      if (res.ok) {
        router.replace(next);
        router.refresh();
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
      setError(body.error?.message ?? `Login failed (HTTP ${res.status}).`);
    } catch {
      setError("The server did not answer. Is it running?");
    }
    setBusy(false);
  }

  return (
    <form onSubmit={submit} className="mt-6 space-y-3" data-testid="login-form">
      <label className="block text-sm font-medium">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          autoFocus
          className={`${input} mt-1 block w-full`}
          data-testid="login-password"
        />
      </label>
      {error && (
        <p role="alert" className="text-sm text-red-700" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy} className={`${button} w-full justify-center`} data-testid="login-submit">
        {busy ? "Checking…" : "Log in"}
      </button>
    </form>
  );
}
