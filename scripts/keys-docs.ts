import { KEY_REGISTRY } from "../lib/redis/keys";

/** docs/keys.md, rendered from the key registry (lib/redis/keys.ts). */
export function renderKeysDoc(): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const owners = [...new Set(KEY_REGISTRY.map((k) => k.owner))];
  return [
    "# Redis keys",
    "",
    "Generated from `lib/redis/keys.ts` by `npm run keys:docs`; a test fails when they differ.",
    "Every key starts with `REDIS_PREFIX` (default `mindmate:`). *Conversation* keys are what the",
    "overview's bytes per stored message counts; *slot group* is what a command or script touches",
    "together, i.e. what shares a hash slot on a cluster (`user`, `chat`, `global`, `own`).",
    "Field-level layouts: [lib/memory/README.md](../lib/memory/README.md) (memory and engines),",
    "[docs/bot.md](bot.md) (queue).",
    "",
    ...owners.flatMap((owner) => [
      `## ${owner}`,
      "",
      "| Key | Type | TTL | Conversation | Slot group | Written by | What |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...KEY_REGISTRY.filter((k) => k.owner === owner).map(
        (k) =>
          `| \`${cell(k.pattern)}\` | ${k.type} | ${cell(k.ttl)} | ${k.conversation ? "yes" : "no"} | ${k.slot} | \`${cell(k.writer)}\` | ${cell(k.what)} |`,
      ),
      "",
    ]),
  ].join("\n");
}
