"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Card } from "@/components/ui/card";
import { button, input, link } from "@/components/ui/styles";
import type { PlaygroundTurn } from "@/lib/admin/playground";
import { PromptView } from "./prompt-view";

interface Line {
  role: "user" | "assistant" | "error";
  text: string;
}

/** Chat as a test user through POST /api/admin/playground (the bot's own pipeline). */
export function PlaygroundChat({ defaultUserId }: { defaultUserId: number }) {
  const [userId, setUserId] = useState(String(defaultUserId));
  const [personal, setPersonal] = useState(true);
  const [text, setText] = useState("");
  const [lines, setLines] = useState<Line[]>([]);
  const [last, setLast] = useState<PlaygroundTurn>();
  const [busy, setBusy] = useState(false);

  async function send(e: FormEvent) {
    e.preventDefault();
    const message = text.trim();
    if (!message) return;
    setBusy(true);
    setLines((l) => [...l, { role: "user", text: message }]);
    setText("");
    try {
      const res = await fetch("/api/admin/playground", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ userId: Number(userId), text: message, personal }),
      });
      const body = (await res.json().catch(() => ({}))) as PlaygroundTurn & { error?: { message?: string } };
      if (!res.ok) throw new Error(body.error?.message ?? `HTTP ${res.status}`);
      setLines((l) => [...l, { role: "assistant", text: body.reply }]);
      setLast(body);
    } catch (err) {
      setLines((l) => [...l, { role: "error", text: (err as Error).message }]);
    }
    setBusy(false);
  }

  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card title="Chat" testid="playground-chat">
        <form onSubmit={send} className="space-y-2">
          <div className="flex flex-wrap items-center gap-3 text-sm">
            <label>
              Test user id{" "}
              <input
                value={userId}
                onChange={(e) => setUserId(e.target.value)}
                inputMode="numeric"
                className={`${input} w-36`}
                data-testid="playground-user"
              />
            </label>
            <label className="flex items-center gap-1">
              <input
                type="checkbox"
                checked={personal}
                onChange={(e) => setPersonal(e.target.checked)}
                data-testid="playground-personal"
              />{" "}
              personal mode (recall)
            </label>
            {/^\d+$/.test(userId) && (
              <Link href={`/dashboard/users/${userId}`} className={link}>
                open user
              </Link>
            )}
          </div>
          <ol
            className="max-h-[28rem] min-h-40 space-y-2 overflow-auto rounded border border-slate-100 bg-slate-50 p-2"
            data-testid="playground-log"
          >
            {lines.length === 0 && (
              <li className="text-sm text-slate-500">
                Say something. Tell it a fact, then ask about it a few messages later to see recall at work.
              </li>
            )}
            {lines.map((l, i) => (
              <li
                key={i}
                data-testid={`playground-${l.role}`}
                className={`whitespace-pre-wrap rounded px-2 py-1 text-sm ${l.role === "user" ? "ml-8 bg-sky-100" : l.role === "assistant" ? "mr-8 bg-white" : "bg-red-50 text-red-800"}`}
              >
                {l.text}
              </li>
            ))}
          </ol>
          <div className="flex gap-2">
            <textarea
              value={text}
              onChange={(e) => setText(e.target.value)}
              rows={2}
              placeholder="Message"
              className={`${input} flex-1`}
              data-testid="playground-input"
            />
            <button type="submit" disabled={busy || !text.trim()} className={button} data-testid="playground-send">
              {busy ? "Thinking…" : "Send"}
            </button>
          </div>
        </form>
      </Card>
      <Card title="Prompt built for the last reply" testid="playground-prompt">
        {last ? (
          <PromptView turn={last} />
        ) : (
          <p className="text-sm text-slate-500">
            Send a message to see the recalled memories, the summary and the window the model received.
          </p>
        )}
      </Card>
    </div>
  );
}
