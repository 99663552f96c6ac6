import { BOT_USER } from "../fakes/telegram-api";

/**
 * Telegram Update JSON in the shapes the Bot API really sends (private, group, command,
 * callback_query, edited and non-text messages), with fresh update and message ids.
 */

let updateId = Math.floor(Math.random() * 1e8);
let messageId = 1000;
const now = () => Math.floor(Date.now() / 1000);

export interface TestUser {
  id: number;
  first_name: string;
  username?: string;
  language_code?: string;
}

export function testUser(id: number, first_name = "Ada"): TestUser {
  return { id, first_name, username: `${first_name.toLowerCase()}_${id}`, language_code: "en" };
}

const from = (u: TestUser) => ({
  id: u.id,
  is_bot: false,
  first_name: u.first_name,
  username: u.username,
  language_code: u.language_code,
});
const privateChat = (u: TestUser) => ({ id: u.id, first_name: u.first_name, username: u.username, type: "private" });
export const groupChat = (id = -1001234567890) => ({ id, title: "Friends", type: "supergroup" });

type Chat = ReturnType<typeof privateChat> | ReturnType<typeof groupChat>;
type Extra = Record<string, unknown>;

export function nextUpdateId(): number {
  return ++updateId;
}

function commandEntities(text: string): Extra {
  const m = /^\/[\w@]+/.exec(text);
  return m ? { entities: [{ offset: 0, length: m[0].length, type: "bot_command" }] } : {};
}

export function messageUpdate(u: TestUser, body: Extra, chat: Chat = privateChat(u)): Extra & { update_id: number } {
  return { update_id: nextUpdateId(), message: { message_id: ++messageId, from: from(u), chat, date: now(), ...body } };
}

export function textUpdate(u: TestUser, text: string, chat?: Chat, extra: Extra = {}) {
  return messageUpdate(u, { text, ...commandEntities(text), ...extra }, chat);
}

/** "@mindmate_test_bot …" in a group, with the mention entity Telegram adds. */
export function mentionUpdate(u: TestUser, text: string, chat = groupChat()) {
  const full = `@${BOT_USER.username} ${text}`;
  return messageUpdate(
    u,
    { text: full, entities: [{ offset: 0, length: BOT_USER.username.length + 1, type: "mention" }] },
    chat,
  );
}

/** A group message replying to one of the bot's messages. */
export function replyToBotUpdate(u: TestUser, text: string, chat = groupChat()) {
  const replied = { message_id: ++messageId, from: BOT_USER, chat, date: now() - 5, text: "Earlier answer" };
  return messageUpdate(u, { text, reply_to_message: replied }, chat);
}

export function callbackUpdate(u: TestUser, data: string, chat: Chat = privateChat(u), messageText = "Choose") {
  return {
    update_id: nextUpdateId(),
    callback_query: {
      id: String(Date.now()) + String(updateId),
      from: from(u),
      message: { message_id: ++messageId, from: BOT_USER, chat, date: now(), text: messageText },
      chat_instance: "-5829371924",
      data,
    },
  };
}

export function editedUpdate(u: TestUser, text: string) {
  return {
    update_id: nextUpdateId(),
    edited_message: {
      message_id: ++messageId,
      from: from(u),
      chat: privateChat(u),
      date: now() - 30,
      edit_date: now(),
      text,
    },
  };
}

export const nonText = {
  photo: {
    photo: [
      { file_id: "AgACAgIAAxkBAAIBZ2Xsmall", file_unique_id: "AQADsmall", file_size: 1432, width: 90, height: 67 },
      { file_id: "AgACAgIAAxkBAAIBZ2Xbig", file_unique_id: "AQADbig", file_size: 60412, width: 1280, height: 960 },
    ],
    caption: "look at this",
  },
  voice: {
    voice: {
      file_id: "AwACAgIAAxkBAAIBaGV",
      file_unique_id: "AgADvoice",
      duration: 3,
      mime_type: "audio/ogg",
      file_size: 8123,
    },
  },
  sticker: {
    sticker: {
      file_id: "CAACAgIAAxkBAAIBaWV",
      file_unique_id: "AgADsticker",
      type: "regular",
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      emoji: "😀",
      set_name: "HotCherry",
      file_size: 20110,
    },
  },
  document: {
    document: {
      file_id: "BQACAgIAAxkBAAIBamV",
      file_unique_id: "AgADdoc",
      file_name: "notes.pdf",
      mime_type: "application/pdf",
      file_size: 120330,
    },
  },
};
