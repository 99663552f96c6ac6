/**
 * The model writes a Markdown subset; Telegram wants its own HTML subset. Code spans are cut out
 * first (their content is only escaped), then the rest is escaped and the few constructs
 * Telegram supports are converted. Anything unbalanced stays literal text. If Telegram still
 * rejects the result, the sender falls back to plain text (see send.ts).
 */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const escapeAttr = (s: string) => escapeHtml(s).replace(/"/g, "&quot;");

// NUL never occurs in chat text (it is stripped first), so it safely marks placeholders for
// code and links, whose insides the emphasis rules below must not touch.
const PH = "\u0000";

export function markdownToHtml(markdown: string): string {
  const code: string[] = [];
  const hold = (html: string) => `${PH}${code.push(html) - 1}${PH}`;

  let s = markdown.replace(/\u0000/g, "");
  s = s.replace(/```([\w+#.-]*)[ \t]*\n?([\s\S]*?)```/g, (_m, lang: string, body: string) => {
    const cls = lang ? ` class="language-${escapeAttr(lang)}"` : "";
    return hold(`<pre><code${cls}>${escapeHtml(body.replace(/\n$/, ""))}</code></pre>`);
  });
  s = s.replace(/`([^`\n]+)`/g, (_m, body: string) => hold(`<code>${escapeHtml(body)}</code>`));

  s = escapeHtml(s);
  s = s.replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_m, text: string, url: string) =>
    hold(`<a href="${url.replace(/"/g, "&quot;")}">${text}</a>`),
  );
  s = s.replace(/^#{1,6}[ \t]+(.+)$/gm, "<b>$1</b>");
  s = s.replace(/^([ \t]*)[*-][ \t]+/gm, "$1• ");
  s = s.replace(/\*\*(?=\S)([\s\S]*?\S)\*\*/g, "<b>$1</b>");
  s = s.replace(/__(?=\S)([\s\S]*?\S)__/g, "<u>$1</u>");
  s = s.replace(/~~(?=\S)([\s\S]*?\S)~~/g, "<s>$1</s>");
  s = s.replace(/(^|[^\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])/g, "$1<i>$2</i>");
  s = s.replace(/(^|[^\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/g, "$1<i>$2</i>");

  return s.replace(new RegExp(`${PH}(\\d+)${PH}`, "g"), (_m, i: string) => code[Number(i)] ?? "");
}
