import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import { resetDraftSupportForTests } from "@/lib/bot/stream";
import { createBotHarness, textsTo, type BotHarness } from "../helpers/bot-harness";
import { modelSkipReason, testEmbedder } from "../helpers/embedder";
import { testServers } from "../helpers/servers";
import { messageUpdate, testUser, textUpdate } from "../helpers/telegram-updates";

/**
 * Voice messages and photos end to end with the real MiniLM: Bot API getFile + download from
 * the fake Telegram server, transcription (multipart /v1/audio/transcriptions) and image input
 * on the fake OpenAI server, the stored message with its media, and later recall of it.
 */

const server = testServers().available[0];
const skip = !server ? "no test Redis (REDIS7_URL etc. not set): run through npm test" : modelSkipReason;
const VOICE_BYTES = Buffer.from("OggS\u0000fake-opus-payload", "latin1");
const JPEG_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

const voice = (fileId: string, duration: number, fileSize = VOICE_BYTES.length) => ({
  voice: { file_id: fileId, file_unique_id: `u${fileId}`, duration, mime_type: "audio/ogg", file_size: fileSize },
});
const photo = (fileId: string, caption?: string) => ({
  photo: [
    { file_id: `${fileId}-small`, file_unique_id: `${fileId}s`, file_size: 900, width: 90, height: 67 },
    { file_id: fileId, file_unique_id: `${fileId}b`, file_size: JPEG_BYTES.length, width: 1280, height: 960 },
    { file_id: `${fileId}-huge`, file_unique_id: `${fileId}h`, file_size: 2_000_000, width: 2560, height: 1920 },
  ],
  ...(caption ? { caption } : {}),
});

describe("voice messages and photos", { skip }, () => {
  let h: BotHarness;
  let nextUser = 950000;
  const send = async (update: unknown) => {
    const res = await h.post(update);
    assert.equal(res.status, 200);
    await h.settle();
  };

  before(async () => {
    h = await createBotHarness({
      server: server!,
      embedder: testEmbedder(),
      env: { RECALL_MIN_SCORE: "0.2", VOICE_MAX_SECONDS: "60" },
    });
  });
  after(async () => h?.close());
  beforeEach(() => {
    nextUser++;
    h.tg.reset();
    h.ai.reset();
    resetDraftSupportForTests();
  });
  afterEach(async () => h.reconfigure({}));

  it("a voice message is downloaded, transcribed, answered and remembered; recall finds it later", async () => {
    const u = testUser(nextUser);
    h.tg.addFile("voice-1", VOICE_BYTES, "voice/file_1.oga");
    h.ai.transcribe = (f) => {
      assert.equal(f.name, "file_1.ogg");
      assert.deepEqual(f.bytes, VOICE_BYTES);
      return "My sister Maya is getting married in Lisbon in June";
    };
    await send(messageUpdate(u, voice("voice-1", 7)));
    const transcription = h.ai.requests.find((r) => r.path === "/v1/audio/transcriptions")!;
    assert.equal((transcription.body as { model: string }).model, "whisper-1");
    assert.deepEqual(textsTo(h.tg, u.id), ["You said: My sister Maya is getting married in Lisbon in June"]);
    const [stored] = await h.memory.getHistory(u.id, 10);
    assert.equal(stored!.content, "My sister Maya is getting married in Lisbon in June");
    assert.deepEqual(stored!.media, { kind: "voice", fileId: "voice-1", duration: 7 });
    const memories = await h.memory.listMemories(u.id);
    assert.equal(memories.items.find((m) => m.role === "user")?.meta?.kind, "voice");

    await send(textUpdate(u, "/clear"));
    await send(textUpdate(u, "When is the wedding of my sister?"));
    const prompt = h.ai.chatRequests().at(-1)!.messages;
    const remembered = prompt.find((m) => m.role === "system" && m.content.startsWith("What you remember"));
    assert.ok(
      remembered && /Maya is getting married in Lisbon/.test(remembered.content),
      "the transcript is recalled after /clear",
    );
  });

  it("too long, too large, failed or empty transcriptions get a clear reply and store nothing", async () => {
    const u = testUser(nextUser);
    h.tg.addFile("voice-long", VOICE_BYTES, "voice/long.oga");
    await send(messageUpdate(u, voice("voice-long", 61)));
    assert.match(textsTo(h.tg, u.id).at(-1)!, /61 s long; I can listen to up to 60 s/);
    await send(messageUpdate(u, voice("voice-long", 5, 30_000_000)));
    assert.match(textsTo(h.tg, u.id).at(-1)!, /30\.0 MB; I can take up to 20\.0 MB/);
    assert.equal(h.tg.downloads.length, 0, "nothing was downloaded for refused files");

    h.tg.addFile("voice-2", VOICE_BYTES, "voice/file_2.oga");
    h.ai.failNext(500, 2); // the SDK retries once
    await send(messageUpdate(u, voice("voice-2", 5)));
    assert.match(textsTo(h.tg, u.id).at(-1)!, /couldn't transcribe that voice message/);
    h.ai.transcribe = () => "   ";
    await send(messageUpdate(u, voice("voice-2", 5)));
    assert.match(textsTo(h.tg, u.id).at(-1)!, /couldn't make out any words/);
    await send(messageUpdate(u, voice("not-on-telegram", 5)));
    assert.match(textsTo(h.tg, u.id).at(-1)!, /couldn't download that voice message/);

    assert.deepEqual(await h.memory.getHistory(u.id, 10), [], "nothing half-stored");
    assert.equal(h.ai.chatRequests().length, 0, "no chat model call for a message that was not understood");
  });

  it("a photo is described by the vision model, answered seeing it, and found later by what it shows", async () => {
    const u = testUser(nextUser);
    h.tg.addFile("photo-1", JPEG_BYTES, "photos/file_9.jpg");
    h.ai.reply = (b) =>
      b.messages[0]!.content.startsWith("Describe this photo")
        ? "A brown dog running along a sandy beach at sunset"
        : "What a happy dog!";
    await send(messageUpdate(u, photo("photo-1", "Rex on holiday")));

    assert.deepEqual(h.tg.downloads, ["photos/file_9.jpg"], "the largest size within 1280 px was downloaded");
    const [describe, answer] = h.ai.chatRequests();
    const dataUrl = `data:image/jpeg;base64,${JPEG_BYTES.toString("base64")}`;
    assert.deepEqual(describe!.messages.at(-1)!.images, [dataUrl]);
    assert.deepEqual(answer!.messages.at(-1)!.images, [dataUrl], "the reply model sees the photo too");
    assert.deepEqual(textsTo(h.tg, u.id), ["What a happy dog!"]);
    const [stored] = await h.memory.getHistory(u.id, 10);
    assert.equal(stored!.content, "[Photo: A brown dog running along a sandy beach at sunset] Rex on holiday");
    assert.deepEqual(stored!.media, { kind: "photo", fileId: "photo-1", caption: "Rex on holiday" });

    const found = await h.memory.recall({
      userId: u.id,
      query: "the photo of my dog at the beach",
      k: 3,
      mode: "hybrid",
    });
    assert.equal(found.hits[0]?.id, stored!.id);
  });

  it("with a model that cannot see, only the caption is kept and the user is told", async () => {
    await h.reconfigure({
      ALLOWED_MODELS: "text-only-1,gpt-4o-mini",
      DEFAULT_MODEL: "text-only-1",
      VISION_MODELS: "gpt-4o-mini",
    });
    const u = testUser(nextUser);
    h.tg.addFile("photo-2", JPEG_BYTES, "photos/file_10.jpg");
    await send(messageUpdate(u, photo("photo-2", "my new bike")));
    assert.equal(h.tg.downloads.length, 0, "no download for a model that cannot look");
    assert.ok(h.ai.chatRequests().every((b) => b.messages.every((m) => !m.images?.length)));
    const texts = textsTo(h.tg, u.id);
    assert.equal(texts[0], "You said: [Photo] my new bike");
    assert.match(texts[1]!, /text-only-1, can't see photos, so I only kept your caption/);
    await send(messageUpdate(u, photo("photo-2")));
    assert.match(textsTo(h.tg, u.id).at(-1)!, /can't see photos with the model text-only-1/);
    const history = await h.memory.getHistory(u.id, 10);
    assert.deepEqual(
      history.filter((m) => m.role === "user").map((m) => m.content),
      ["[Photo] my new bike"],
    );
  });

  it("export and import keep transcripts and photo metadata", async () => {
    const u = testUser(nextUser);
    h.tg.addFile("voice-3", VOICE_BYTES, "voice/file_3.oga");
    h.ai.transcribe = () => "Remember that my locker code is 4417";
    await send(messageUpdate(u, voice("voice-3", 3)));
    const exported = await h.memory.exportUser(u.id);
    assert.deepEqual(exported.history[0]!.media, { kind: "voice", fileId: "voice-3", duration: 3 });
    assert.equal(exported.memories.find((m) => m.role === "user")?.meta?.kind, "voice");
    await h.memory.importUser(exported, { replace: true });
    const [again] = await h.memory.getHistory(u.id, 10);
    assert.deepEqual(again!.media, exported.history[0]!.media);
  });
});
