/**
 * What message text looks like before it is stored or embedded.
 *
 * - `\r\n` and lone `\r` become `\n`; every other C0/C1 control character (and DEL) is removed,
 *   except `\n` and `\t`, so history renders the same everywhere and JSON stays tidy.
 * - Lone UTF-16 surrogates (broken emoji from clients that split strings) become U+FFFD, so the
 *   text is valid UTF-8 in Redis and never fails to encode later.
 * - Text longer than `maxChars` keeps its first `maxChars` UTF-16 units (never half a surrogate
 *   pair) followed by TRUNCATION_MARKER, and is flagged `truncated`.
 *
 * Length beyond the embedding model's window is NOT cut here: the whole text is stored; the
 * embedder reads only the first 256 tokens (lib/embeddings/local.ts MAX_TOKENS).
 */

export const TRUNCATION_MARKER = "… [truncated]";

const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface CleanText {
  text: string;
  truncated: boolean;
}

export function cleanText(input: string, maxChars: number): CleanText {
  let text = input.replace(/\r\n?/g, "\n").replace(CONTROL, "").replace(LONE_SURROGATE, "\uFFFD");
  if (text.length <= maxChars) return { text, truncated: false };
  let cut = maxChars;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut -= 1; // do not split a surrogate pair
  text = text.slice(0, cut) + TRUNCATION_MARKER;
  return { text, truncated: true };
}

/** True when there is nothing worth embedding (empty or whitespace only). */
export function isBlank(text: string): boolean {
  return text.trim().length === 0;
}
