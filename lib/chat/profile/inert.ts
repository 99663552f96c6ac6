/**
 * Profile facts come from model output that read user text, so they are untrusted. Two layers
 * keep them inert: facts that read like instructions to an AI are refused here, and every fact
 * reaches the prompt quoted, inside a block that says it is data (block.ts).
 */
const INSTRUCTION_PATTERNS = [
  /\b(ignore|disregard|forget|override)\b.{0,40}\b(instructions?|rules|prompt|above|previous|prior|system)\b/i,
  /\b(system|developer)\s*(prompt|message|instructions?)\b/i,
  /\byou\s+(are|must|should|will)\s+(now|always|never|no longer)\b/i,
  /\b(act|behave|pretend|roleplay)\s+as\b/i,
  /\bjailbreak|\bDAN\b|<\/?\s*(system|assistant|user)\s*>/i,
  /\b(reveal|print|show|repeat)\b.{0,30}\b(prompt|instructions|secret|token|password|api key)\b/i,
];

export function isInstructionLike(text: string): boolean {
  return INSTRUCTION_PATTERNS.some((re) => re.test(text));
}
