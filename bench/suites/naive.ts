import type { Redis } from "ioredis";

/**
 * The original plan's `store_message`, done literally: five commands, each awaited in turn —
 * LPUSH + LTRIM + EXPIRE on the conversation list, then HSET of a separate hash per message
 * (user_id, content, role, float32 embedding bytes) + EXPIRE. The plan's message id is
 * `msg:<user>:<unix seconds>`, which silently overwrites messages sent in the same second;
 * we add a sequence number so every message is really stored (same cost, honest byte counts).
 */
export function naiveAppend(redis: Redis, prefix: string) {
  let seq = 0;
  return async (userId: number, role: string, content: string, vector: Float32Array): Promise<void> => {
    const list = `${prefix}conversation:${userId}`;
    const messageId = `${prefix}msg:${userId}:${Math.floor(Date.now() / 1000)}:${seq++}`;
    const data = JSON.stringify({ role, content, timestamp: new Date().toISOString() });
    await redis.lpush(list, data);
    await redis.ltrim(list, 0, 99);
    await redis.expire(list, 2592000);
    await redis.hset(messageId, {
      user_id: String(userId),
      content,
      role,
      embedding: Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
    });
    await redis.expire(messageId, 2592000);
  };
}

/** The plan's get_conversation_history: LRANGE + JSON.parse. */
export function naiveHistory(redis: Redis, prefix: string) {
  return async (userId: number, limit = 50) =>
    (await redis.lrange(`${prefix}conversation:${userId}`, 0, limit - 1)).map((m) => JSON.parse(m) as unknown);
}
