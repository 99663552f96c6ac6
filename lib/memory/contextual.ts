import type { EmbeddingProvider } from "../embeddings";
import { l2normalize } from "../embeddings/types";

/**
 * Contextual memories (issue 14): a message is embedded together with its conversational
 * neighbour — a user message with the assistant turn it answers, a reply with the user message
 * it answers — so "yes, twice last summer" is found by a question about what it answered. Only
 * the vector changes; the stored content is the message alone.
 *
 * How: vector = normalize(embed(message) + CONTEXT_WEIGHT · embed(neighbour)), each text
 * embedded ALONE. Both plain embeddings are ones the bot computes anyway (the neighbour was
 * embedded when it was stored, the message is reused as the recall query), so with the recent-
 * text cache this costs no extra inference — unlike embedding the concatenated text, which
 * doubles the tokens per message and misses the query cache (LoCoMo numbers in docs/engines.md).
 */

/** Weight of the neighbour's vector (LoCoMo leave-one-conversation-out, docs/engines.md). */
export const CONTEXT_WEIGHT = 0.7;

/**
 * Recorded in the index metadata: vectors of another scheme are never mixed in silently
 * (config:vector → `npm run memory:reindex`). Indexes from before this field are "plain".
 */
export const EMBED_SCHEME = `mix-prev1-w${CONTEXT_WEIGHT}`;
export const LEGACY_SCHEME = "plain";

/**
 * The neighbour is the conversation's previous message when it is at most this old; after a
 * longer pause the new message starts a new topic more often than it answers the old one.
 */
export const CONTEXT_MAX_GAP_MS = 6 * 3_600_000;

/**
 * The one rule for which text is a message's context, used by the bot (previous history
 * message), the LoCoMo eval (previous turn) and memory:reindex (previous stored memory), so a
 * reindex rebuilds the vectors the live path made without storing anything per message.
 */
export function contextFor(
  previous: { content: string; ts: number | string } | undefined,
  atMs: number,
): string | undefined {
  if (!previous || !previous.content.trim()) return undefined;
  const ts = typeof previous.ts === "number" ? previous.ts : Date.parse(previous.ts);
  return Number.isFinite(ts) && atMs - ts <= CONTEXT_MAX_GAP_MS && atMs >= ts ? previous.content : undefined;
}

/** One message's vector, with its neighbour's text mixed in when given. */
export async function embedMemory(embedder: EmbeddingProvider, text: string, context?: string): Promise<Float32Array> {
  const ctx = context?.trim() ? context : undefined;
  const [v, c] = await embedder.embed(ctx ? [text, ctx] : [text]);
  return c ? mixVectors(v!, c) : v!;
}

/**
 * Batch form for memory:reindex: one embed call for the messages and the neighbours not yet
 * known. `known` holds plain vectors by text (pass the previous batch's result: a batch's first
 * neighbour is usually the previous batch's last message), so each message is embedded once.
 * Returns the mixed vectors and this batch's plain vectors.
 */
export async function embedMemories(
  embedder: EmbeddingProvider,
  items: { text: string; context?: string }[],
  known: Map<string, Float32Array> = new Map(),
): Promise<{ vectors: Float32Array[]; plain: Map<string, Float32Array> }> {
  const wanted = [...new Set(items.flatMap((i) => (i.context?.trim() ? [i.text, i.context] : [i.text])))];
  const missing = wanted.filter((t) => !known.has(t));
  const fresh = missing.length > 0 ? await embedder.embed(missing) : [];
  const plain = new Map(missing.map((t, i) => [t, fresh[i]!]));
  const vectorOf = (t: string) => plain.get(t) ?? known.get(t)!;
  for (const i of items) if (!plain.has(i.text)) plain.set(i.text, vectorOf(i.text));
  const vectors = items.map((i) => {
    const v = Float32Array.from(vectorOf(i.text));
    return i.context?.trim() ? mixVectors(v, vectorOf(i.context)) : v;
  });
  return { vectors, plain };
}

/** normalize(v + w·c), written into v. */
export function mixVectors(v: Float32Array, c: Float32Array, weight: number = CONTEXT_WEIGHT): Float32Array {
  for (let i = 0; i < v.length; i++) v[i]! += weight * c[i]!;
  return l2normalize(v);
}
