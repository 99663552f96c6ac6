import { z } from "zod";
import { AppError } from "../../errors";
import { profileFactSchema } from "../profile";
import type { UserExport } from "../types";

/** The versioned export format (types.ts UserExport), checked on every import. */

const role = z.enum(["user", "assistant", "system"]);
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { error: "must be an ISO date" });
const userId = z.number().int().positive().refine(Number.isSafeInteger, { error: "must be a safe integer" });

const settings = z.object({
  model: z.string().optional(),
  personal: z.boolean(),
  language: z.string().optional(),
  firstName: z.string().optional(),
  username: z.string().optional(),
  createdAt: isoDate.optional(),
  lastSeenAt: isoDate.optional(),
  messages: z.number().int().min(0),
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  summary: z.string().optional(),
  summaryUpTo: z.string().optional(),
});

const message = z.object({
  id: z.string().min(1).max(100),
  role,
  content: z.string(),
  ts: isoDate,
  tgMessageId: z.number().int().optional(),
  truncated: z.boolean().optional(),
  media: z
    .object({
      kind: z.enum(["voice", "photo"]),
      fileId: z.string().min(1).max(300),
      duration: z.number().min(0).optional(),
      caption: z.string().max(4096).optional(),
    })
    .optional(),
});

const memory = z.object({
  id: z.string().min(1).max(100),
  role,
  content: z.string(),
  ts: isoDate,
  meta: z.record(z.string(), z.string()).optional(),
  vector: z.base64().optional(),
  embedder: z.string().optional(),
  /** How the vector was computed (lib/memory/contextual.ts); absent = "plain" (older exports). */
  scheme: z.string().max(100).optional(),
});

export const userExportSchema = z.object({
  format: z.literal("mindmate.user"),
  version: z.literal(1),
  exportedAt: isoDate,
  userId,
  settings,
  history: z.array(message),
  profile: z.object({ facts: z.array(profileFactSchema).max(1000), upTo: z.string().max(100).optional() }).optional(),
  memories: z.array(memory),
});

/** Parses untrusted JSON into a UserExport or throws bad_request:memory naming the first problems. */
export function parseUserExport(data: unknown): UserExport {
  const parsed = userExportSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new AppError(
      "bad_request:memory",
      `Not a MindMate user export (format mindmate.user, version 1): ${problems.join("; ")}`,
    );
  }
  return parsed.data;
}

export function vectorToBase64(v: Float32Array): string {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
}

export function base64ToVector(s: string): Float32Array {
  const buf = Buffer.from(s, "base64");
  if (buf.byteLength % 4 !== 0) return new Float32Array(0);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}
