import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createBotHarness, textsTo, type BotHarness } from "../helpers/bot-harness";
import { serverBinary, startOwnServer, type OwnServer } from "../helpers/own-server";
import type { TestServer } from "../helpers/servers";
import { testUser, textUpdate } from "../helpers/telegram-updates";

/**
 * Turns through the real webhook (fake Telegram + fake OpenAI) on a 25 MB Valkey 8 that the
 * budget keeps trimming: while the facade is flooded past the budget, every turn still answers
 * and the turning users' histories are intact.
 */
const binary = serverBinary("valkey8");

describe(
  "bot on a full 25 MB Redis with the memory budget",
  { skip: binary ? false : "no valkey8 binary in MM_SERVER_BIN_DIR" },
  () => {
    let own: OwnServer;
    let h: BotHarness;
    before(async () => {
      own = await startOwnServer(binary!, {
        ports: [21000, 21999],
        args: ["--maxmemory", "25mb", "--maxmemory-policy", "noeviction"],
      });
      const server: TestServer = {
        name: "valkey8",
        url: own.url,
        kind: "valkey",
        engine: "scan",
        search: false,
        vectorSets: false,
        json: false,
      };
      h = await createBotHarness({
        server,
        env: { RECALL_MIN_SCORE: "0" },
        memory: { encoding: undefined, historyMax: 50, budget: { protectDays: 7, batch: 500 } },
      });
    });
    after(async () => {
      await h?.close();
      await own?.stop();
    });

    it(
      "0 failed turns while the budget sweeps; histories intact; never at maxmemory",
      { timeout: 100_000 },
      async () => {
        const memory = h.memory as typeof h.memory & { budgetCheck(): Promise<{ budgetBytes: number }> | undefined };
        const budget = (await memory.budgetCheck()!).budgetBytes;
        const tail = "0123456789abcdef".repeat(256);
        let flooded = 0;
        let floodFailed = 0;
        let stop = false;
        // Background flood of 30 users with 4 KB messages through the facade until well past the budget.
        const flood = Promise.all(
          Array.from({ length: 6 }, async (_, w) => {
            for (let i = 0; !stop; i++) {
              await memory
                .appendMessage({
                  userId: 100 + w * 5 + (i % 5),
                  role: i % 2 ? "assistant" : "user",
                  content: `flood ${w} ${i} ${tail}`,
                })
                .then(
                  () => flooded++,
                  () => floodFailed++,
                );
            }
          }),
        );
        const trimmed = async () => Number(await h.raw.hget(`${h.prefix}budget:state`, "memories"));
        while ((await trimmed()) === 0) await new Promise((r) => setTimeout(r, 200));

        // Now the real webhook, 2 users × 12 turns, while the flood and the sweeps go on.
        let maxUsed = 0;
        const users = [testUser(7001, "Ada"), testUser(7002, "Bo")];
        for (let t = 0; t < 12; t++) {
          for (const u of users) {
            const res = await h.post(textUpdate(u, `turn ${t} from ${u.first_name}: how was the pottery class?`));
            assert.equal(res.status, 200);
          }
          await h.settle();
          maxUsed = Math.max(maxUsed, Number(/used_memory:(\d+)/.exec(await h.raw.info("memory"))?.[1]));
        }
        stop = true;
        await flood;
        console.log(
          `[bot-budget] ${flooded} flood messages, ${await trimmed()} memories trimmed, max used ${maxUsed} of budget ${budget}`,
        );
        assert.equal(floodFailed, 0, "no flood append failed");
        for (const u of users) {
          const replies = textsTo(h.tg, u.id);
          assert.equal(replies.length, 12, `${u.first_name}: every turn answered`);
          assert.ok(
            replies.every((r, t) => r.includes(`turn ${t} from ${u.first_name}`)),
            replies.join(" | "),
          );
          const hist = await h.memory.getHistory(u.id, 50);
          assert.deepEqual(
            hist.filter((m) => m.role === "user").map((m) => m.content),
            Array.from({ length: 12 }, (_, t) => `turn ${t} from ${u.first_name}: how was the pottery class?`),
          );
          assert.equal(hist.filter((m) => m.role === "assistant").length, 12);
        }
        assert.ok(maxUsed < 25 * 1024 * 1024, "never at maxmemory");
        assert.ok(maxUsed <= budget + 500 * 6000, `max used ${maxUsed} within a batch of the budget ${budget}`);
      },
    );
  },
);
