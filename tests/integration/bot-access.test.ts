import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { BOT_USER } from "../fakes/telegram-api";
import { createBotHarness, textsTo, type BotHarness } from "../helpers/bot-harness";
import { testServers } from "../helpers/servers";
import {
  callbackUpdate,
  editedUpdate,
  groupChat,
  mentionUpdate,
  messageUpdate,
  nonText,
  replyToBotUpdate,
  testUser,
  textUpdate,
  type TestUser,
} from "../helpers/telegram-updates";

/** Who may talk to the bot, how often, when it speaks in groups, and what it does with non-text. */

const server = testServers().available[0];
const noServer = server ? false : "no test Redis (REDIS7_URL etc. not set): run through npm test";

describe("bot access and abuse rules", { skip: noServer }, () => {
  let h: BotHarness;
  let nextId = 940000;
  let u: TestUser;
  const send = async (update: unknown) => {
    assert.equal((await h.post(update)).status, 200);
    await h.settle();
  };

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

  it("ALLOWED_USER_IDS: listed users and admins are answered; a stranger gets one short note and nothing is stored", async () => {
    const admin = testUser(++nextId, "Root");
    const stranger = testUser(++nextId, "Eve");
    await h.reconfigure({ ALLOWED_USER_IDS: `${u.id}, 123`, ADMIN_USER_IDS: String(admin.id) });
    await send(textUpdate(u, "hi, I'm on the list"));
    await send(textUpdate(admin, "admin here"));
    await send(textUpdate(stranger, "let me in"));
    await send(textUpdate(stranger, "/start"));
    await send(callbackUpdate(stranger, "model:gpt-4o"));
    await send(mentionUpdate(stranger, "hello from the group"));

    assert.deepEqual(textsTo(h.tg, u.id), ["You said: hi, I'm on the list"]);
    assert.deepEqual(textsTo(h.tg, admin.id), ["You said: admin here"]);
    const toStranger = textsTo(h.tg, stranger.id);
    assert.equal(toStranger.length, 2);
    for (const t of toStranger) assert.match(t, new RegExp(`private bot.*${stranger.id}`));
    assert.equal(h.tg.callsOf("answerCallbackQuery").at(-1)!.params.text, "Sorry, this bot is private.");
    assert.deepEqual(textsTo(h.tg, groupChat().id), [], "silence in groups");
    assert.equal(h.ai.chatRequests().length, 2);
    assert.deepEqual(await h.memory.getHistory(stranger.id, 10), []);
    assert.equal((await h.memory.getSettings(stranger.id)).model, undefined, "the callback changed nothing");
  });

  it("RATE_LIMIT_PER_MINUTE: over the limit the user is told once, further messages are dropped; admins are exempt", async () => {
    const admin = testUser(++nextId, "Root");
    await h.reconfigure({ RATE_LIMIT_PER_MINUTE: "3", ADMIN_USER_IDS: String(admin.id) });
    for (let i = 1; i <= 5; i++) await send(textUpdate(u, `msg ${i}`));
    for (let i = 1; i <= 5; i++) await send(textUpdate(admin, `admin ${i}`));
    const texts = textsTo(h.tg, u.id);
    assert.deepEqual(texts.slice(0, 3), ["You said: msg 1", "You said: msg 2", "You said: msg 3"]);
    assert.equal(texts.length, 4);
    assert.match(texts[3]!, /^Easy there! I can take up to 3 messages a minute\. Please try again in \d+ s\.$/);
    assert.equal(textsTo(h.tg, admin.id).length, 5);
    assert.deepEqual(
      (await h.memory.getHistory(u.id, 20)).filter((m) => m.role === "user").map((m) => m.content),
      ["msg 1", "msg 2", "msg 3"],
    );
    const ttl = await h.raw.pttl(`${h.prefix}rl:${u.id}`);
    assert.ok(ttl > 0 && ttl <= 60_000, `the window expires (pttl ${ttl})`);
  });

  it("groups: silent unless mentioned or replied to; answers attached to the question; memory keyed by the user; nothing private in the prompt", async () => {
    const group = groupChat(-1009876543210);
    await send(textUpdate(u, "My private diary code is AZURE-17"));
    h.ai.reset();
    await send(textUpdate(u, "hello everyone, nice weather", group));
    await send(messageUpdate(u, nonText.photo, group));
    assert.deepEqual(textsTo(h.tg, group.id), []);
    assert.equal(h.ai.chatRequests().length, 0, "not addressed: no model call");

    const mention = mentionUpdate(u, "what is my diary code?", group);
    await send(mention);
    const sent = h.tg.callsOf("sendMessage").filter((c) => Number(c.params.chat_id) === group.id);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.params.text, "You said: what is my diary code?", "the @mention is stripped");
    assert.equal(
      (sent[0]!.params.reply_parameters as { message_id: number }).message_id,
      (mention.message as { message_id: number }).message_id,
    );
    const prompt = JSON.stringify(h.ai.chatRequests().at(-1)!.messages);
    assert.ok(!prompt.includes("AZURE-17"), "private history and memories stay out of group prompts");
    assert.equal(
      h.tg.callsOf("sendMessageDraft").filter((c) => Number(c.params.chat_id) === group.id).length,
      0,
      "no streaming in groups",
    );

    await send(replyToBotUpdate(u, "and tell me more", group));
    assert.equal(textsTo(h.tg, group.id).at(-1), "You said: and tell me more");
    const replyPrompt = h.ai.chatRequests().at(-1)!.messages;
    assert.deepEqual(
      replyPrompt.slice(-2).map((m) => [m.role, m.content]),
      [
        ["assistant", "Earlier answer"],
        ["user", "and tell me more"],
      ],
    );

    const history = (await h.memory.getHistory(u.id, 20)).map((m) => m.content);
    assert.ok(
      history.includes("what is my diary code?") && history.includes("and tell me more"),
      "group messages are stored under the user",
    );
    assert.ok(!history.includes("hello everyone, nice weather"), "unaddressed group chatter is not stored");
  });

  it("a command addressed to another bot in a group is ignored", async () => {
    const group = groupChat(-1005555555555);
    await send(textUpdate(u, "/start@some_other_bot", group));
    await send(textUpdate(u, `/help@${BOT_USER.username}`, group));
    const texts = textsTo(h.tg, group.id);
    assert.equal(texts.length, 1);
    assert.match(texts[0]!, /\/model — /);
  });

  for (const [kind, body, words] of [
    ["sticker", nonText.sticker, "stickers"],
    ["document", nonText.document, "files"],
  ] as const) {
    it(`a ${kind} gets a short polite reply, nothing stored, no model call`, async () => {
      await send(messageUpdate(u, body));
      assert.deepEqual(textsTo(h.tg, u.id), [
        `I can read text, listen to voice messages and look at photos, but I can't open ${words}. Could you write it out for me?`,
      ]);
      assert.equal(h.ai.requests.length, 0);
      assert.deepEqual(await h.memory.getHistory(u.id, 10), []);
    });
  }

  it("an edited message is acknowledged politely and not answered again", async () => {
    await send(textUpdate(u, "I like tea"));
    h.ai.reset();
    await send(editedUpdate(u, "I like coffee"));
    assert.match(textsTo(h.tg, u.id).at(-1)!, /edited a message/);
    assert.equal(h.ai.requests.length, 0);
    assert.deepEqual(
      (await h.memory.getHistory(u.id, 10)).map((m) => m.content),
      ["I like tea", "You said: I like tea"],
    );
  });
});
