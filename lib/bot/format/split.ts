/** Telegram's limit for one text message (after entity parsing). */
export const TELEGRAM_TEXT_LIMIT = 4096;

const FENCE = "```";

function cutPoint(text: string, limit: number): number {
  const window = text.slice(0, limit + 1);
  for (const sep of ["\n\n", "\n", " "]) {
    const at = window.lastIndexOf(sep, limit);
    // A boundary in the first quarter would leave a tiny chunk; cut harder instead.
    if (at > limit / 4) return at;
  }
  // No boundary: hard cut, but never between the halves of a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}

/**
 * Splits on paragraph boundaries, then lines, then words, so every chunk is at most `limit`
 * characters. A code fence cut in two is closed at the end of one chunk and reopened in the
 * next, so both halves still render as code.
 */
export function splitMessage(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const room = limit - (FENCE.length + 1) * 2; // space to close and reopen a fence
  const chunks: string[] = [];
  let rest = text.trim();
  let reopen = "";
  while (rest.length > 0) {
    rest = reopen + rest;
    reopen = "";
    if (rest.length <= limit) {
      chunks.push(rest);
      break;
    }
    const at = cutPoint(rest, room);
    let chunk = rest.slice(0, at).trimEnd();
    rest = rest.slice(at).trimStart();
    if ((chunk.split(FENCE).length - 1) % 2 === 1) {
      chunk += `\n${FENCE}`;
      reopen = `${FENCE}\n`;
    }
    chunks.push(chunk);
  }
  return chunks.filter((c) => c.trim().length > 0);
}
