import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { BOT_COMMANDS, registerCommands } from "@/lib/bot/commands";
import type { UserExport } from "@/lib/memory/types";
import { createBotHarness, textsTo, type BotHarness } from "../helpers/bot-harness";
import { keysWithPrefix, testServers } from "../helpers/servers";
import { callbackUpdate, groupChat, testUser, textUpdate, type TestUser } from "../helpers/telegram-updates";

/** Every command through the webhook, against real Redis and the fake Bot API. */

const server = testServers().available[0];
const noServer = server ? false : "no test Redis (REDIS7_URL etc. not set): run through npm test";

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

describe("bot commands", { skip: noServer }, () => {
  let h: BotHarness;
  let nextId = 930000;
  let u: TestUser;
  const send = async (update: unknown) => {
    assert.equal((await h.post(update)).status, 200);
    await h.settle();
  };
  const say = (text: string, who = u) => send(textUpdate(who, text));
  const press = (data: string, who = u) => send(callbackUpdate(who, data));
  const lastText = () => textsTo(h.tg, u.id).at(-1) ?? "";

  before(async () => {
    h = await createBotHarness({ server: server! });
  });
  after(async () => h?.close());
  beforeEach(async () => {
    u = testUser(++nextId);
    h.tg.reset();
    h.ai.reset();
    await h.reconfigure({});
  });

  it("registers the command menu with setMyCommands", async () => {
    await registerCommands(h.bot.api);
    const call = h.tg.callsOf("setMyCommands")[0]!;
    const names = (call.params.commands as { command: string }[]).map((c) => c.command);
    assert.deepEqual(names, [
      "start",
      "help",
      "model",
      "personal",
      "clear",
      "forget",
      "export",
      "recall",
      "profile",
      "stats",
    ]);
  });

  it("/start welcomes and says what is remembered and how to delete it; /help lists the commands", async () => {
    await say("I love hiking in the Alps");
    await say("/start");
    const start = h.tg.callsOf("sendMessage").at(-1)!;
    assert.equal(start.params.parse_mode, "HTML");
    const total = (await h.memory.listMemories(u.id)).total;
    assert.ok(total >= 1);
    assert.match(
      String(start.params.text),
      new RegExp(
        `Hi Ada!.*What I remember about you: <b>2</b> messages in our conversation history and <b>${total}</b> long-term memories`,
        "s",
      ),
    );
    assert.match(String(start.params.text), /\/export.*\/clear.*\/forget deletes everything/s);
    await say("/help");
    for (const c of BOT_COMMANDS) assert.ok(lastText().includes(`/${c.command} — `), `/help lists /${c.command}`);
  });

  it("/model shows the allowed models with the current one ticked; a button press persists the choice", async () => {
    await say("/model");
    const kb = h.tg.callsOf("sendMessage").at(-1)!.params.reply_markup as Keyboard;
    const buttons = kb.inline_keyboard.flat();
    assert.deepEqual(
      buttons.map((b) => b.text),
      ["✓ gpt-4o-mini", "gpt-4.1-mini", "gpt-4.1", "gpt-4o"],
    );
    await press(buttons[2]!.callback_data);
    assert.equal(h.tg.callsOf("answerCallbackQuery").at(-1)!.params.text, "Model set to gpt-4.1");
    const edited = h.tg.callsOf("editMessageText").at(-1)!;
    assert.deepEqual(
      (edited.params.reply_markup as Keyboard).inline_keyboard.flat().map((b) => b.text),
      ["gpt-4o-mini", "gpt-4.1-mini", "✓ gpt-4.1", "gpt-4o"],
    );
    assert.equal((await h.memory.getSettings(u.id)).model, "gpt-4.1");
    await say("which model now?");
    assert.equal(h.ai.chatRequests().at(-1)!.model, "gpt-4.1");

    await press("model:gpt-9-ultra");
    assert.equal(h.tg.callsOf("answerCallbackQuery").at(-1)!.params.show_alert, true);
    assert.equal((await h.memory.getSettings(u.id)).model, "gpt-4.1", "a model outside ALLOWED_MODELS is refused");
  });

  it("/personal toggles personal mode and persists it", async () => {
    assert.equal((await h.memory.getSettings(u.id)).personal, true);
    await say("/personal");
    assert.match(lastText(), /Personal mode is now OFF/);
    assert.equal((await h.memory.getSettings(u.id)).personal, false);
    await say("/personal");
    assert.match(lastText(), /Personal mode is now ON/);
    assert.equal((await h.memory.getSettings(u.id)).personal, true);
  });

  it("/clear empties the conversation, keeps long-term memory, and says so", async () => {
    await say("Remember that my sister is called Mira");
    const memoriesBefore = (await h.memory.listMemories(u.id)).total;
    await say("/clear");
    assert.match(lastText(), /long-term memories of you are kept/);
    assert.deepEqual(await h.memory.getHistory(u.id, 10), []);
    assert.equal((await h.memory.listMemories(u.id)).total, memoriesBefore);
  });

  it("/forget asks first; only the owner's confirmation deletes, and then no key of the user is left", async () => {
    await h.reconfigure({ RATE_LIMIT_PER_MINUTE: "50" });
    await say("My phone number ends in 4711");
    await say("/forget");
    const buttons = (h.tg.callsOf("sendMessage").at(-1)!.params.reply_markup as Keyboard).inline_keyboard.flat();
    assert.deepEqual(
      buttons.map((b) => b.callback_data),
      [`forget:yes:${u.id}`, `forget:no:${u.id}`],
    );
    const mine = async () => (await keysWithPrefix(h.raw, h.prefix)).filter((k) => k.includes(String(u.id)));
    assert.ok(
      (await mine()).some((k) => k.includes(":rl:")),
      "the rate-limit counter exists before",
    );

    await press(`forget:no:${u.id}`);
    assert.equal((await h.memory.getHistory(u.id, 10)).length, 2, "cancel deletes nothing");
    await press(`forget:yes:${u.id}`, testUser(u.id + 1, "Mallory"));
    assert.equal(h.tg.callsOf("answerCallbackQuery").at(-1)!.params.text, "This button belongs to someone else.");
    assert.equal((await h.memory.getHistory(u.id, 10)).length, 2);

    await press(`forget:yes:${u.id}`);
    assert.match(String(h.tg.callsOf("editMessageText").at(-1)!.params.text), /deleted everything/);
    assert.deepEqual(await mine(), [], "no key name carries the user id");
    for (const key of await keysWithPrefix(h.raw, h.prefix)) {
      const type = await h.raw.type(key);
      const members =
        type === "zset" ? await h.raw.zrange(key, "0", "-1") : type === "set" ? await h.raw.smembers(key) : [];
      assert.ok(!members.includes(String(u.id)), `${key} still lists the user`);
    }
    assert.deepEqual(await h.memory.getHistory(u.id, 10), []);
    assert.equal((await h.memory.listMemories(u.id)).total, 0);
  });

  it("/export sends the user's data as a JSON document", async () => {
    await say("I was born in Lisbon");
    await say("/export");
    const doc = h.tg.callsOf("sendDocument").at(-1)!;
    assert.equal(Number(doc.params.chat_id), u.id);
    assert.equal(doc.files[0]!.name, `mindmate-export-${u.id}.json`);
    const data = JSON.parse(doc.files[0]!.content) as UserExport;
    assert.equal(data.format, "mindmate.user");
    assert.equal(data.userId, u.id);
    assert.deepEqual(
      data.history.map((m) => m.content),
      ["I was born in Lisbon", "You said: I was born in Lisbon"],
    );
    assert.match(String(doc.params.caption), /2 recent messages/);
  });

  it("/recall <query> lists matching memories with dates and scores; without a query it explains", async () => {
    await say("My cat Pixel sleeps on the piano");
    await say("The weather is grey today");
    await say("/recall pixel piano");
    const reply = h.tg.callsOf("sendMessage").at(-1)!;
    assert.equal(reply.params.parse_mode, "HTML");
    assert.match(
      String(reply.params.text),
      /1\. <i>just now<\/i> · score \d\.\d{3}.*\n(You|I) said: .*Pixel sleeps on the piano/,
    );
    await say("/recall");
    assert.match(lastText(), /Tell me what to look for/);
  });

  it("/stats shows the user's own counts", async () => {
    await say("Counting things");
    await say("/stats");
    const s = await h.memory.getSettings(u.id);
    const text = lastText();
    assert.match(text, /Messages: 2\n/);
    assert.ok(
      text.includes(
        `Tokens: ${s.promptTokens + s.completionTokens} (${s.promptTokens} prompt, ${s.completionTokens} completion)`,
      ),
    );
    assert.ok(text.includes(`Since: ${s.createdAt!.slice(0, 10)}`));
  });

  it("personal-data commands refuse to run in a group; unknown commands get a hint", async () => {
    await send(textUpdate(u, "/export", groupChat()));
    assert.match(textsTo(h.tg, groupChat().id).at(-1)!, /private chat/);
    assert.equal(h.tg.callsOf("sendDocument").length, 0);
    await say("/frobnicate");
    assert.match(lastText(), /don't know that command/);
    assert.equal(h.ai.chatRequests().length, 0);
  });
});
