/** What the e2e seed writes (tests/e2e/support/seed.ts) and what the specs look for. */

const DAY = 86_400_000;

export const ALICE = { userId: 4242001, firstName: "Alice", username: "alice_w" };
export const BOB = { userId: 4242002, firstName: "Bob", username: "bobby" };
/** Forgotten by the forget flow. */
export const CAROL = { userId: 4242003, firstName: "Carol", username: "carol_c" };
/** Cleared by the clear flow. */
export const DAVE = { userId: 4242004, firstName: "Dave", username: "dave_d" };
/** The playground chats as this user (personal mode on, one fact to recall). */
export const PLAY = { userId: 4242006, firstName: "Pat", username: "playground_pat" };
/** Enough extra users that the list has a second page (page size 25). */
export const FILLER_USERS = Array.from({ length: 26 }, (_, i) => ({ userId: 4243000 + i, firstName: `Filler${i}` }));

export const RAMEN_FACT = "My favourite food is spicy ramen from a tiny shop in Osaka.";
export const DOG_FACT = "I adopted a golden retriever puppy named Biscuit last weekend.";
export const SISTER_FACT = "My sister Maya lives in Lisbon and works as an architect.";
export const CAROL_FACT = "I collect vintage fountain pens, mostly from the 1950s.";
export const DAVE_FACT = "I am learning to play the cello on Tuesday evenings.";

export interface SeedMessage {
  role: "user" | "assistant";
  content: string;
  daysAgo: number;
}

export const CONVERSATIONS: {
  user: { userId: number; firstName: string; username?: string };
  personal: boolean;
  messages: SeedMessage[];
}[] = [
  {
    user: ALICE,
    personal: true,
    messages: [
      { role: "user", content: "Hi! I just moved to Berlin for a new job.", daysAgo: 8 },
      { role: "assistant", content: "Welcome to Berlin! How is the new job going?", daysAgo: 8 },
      { role: "user", content: RAMEN_FACT, daysAgo: 6 },
      {
        role: "assistant",
        content: "Spicy ramen from Osaka sounds wonderful. Have you found a good place in Berlin?",
        daysAgo: 6,
      },
      { role: "user", content: "I'm training for a half marathon in October.", daysAgo: 3 },
      { role: "assistant", content: "Great goal! How many kilometres are you running per week?", daysAgo: 3 },
      { role: "user", content: "About thirty kilometres, mostly along the river.", daysAgo: 1 },
    ],
  },
  {
    user: BOB,
    personal: true,
    messages: [
      { role: "user", content: DOG_FACT, daysAgo: 5 },
      { role: "assistant", content: "Congratulations on Biscuit! Golden retrievers are lovely.", daysAgo: 5 },
    ],
  },
  {
    user: CAROL,
    personal: false,
    messages: [
      { role: "user", content: CAROL_FACT, daysAgo: 4 },
      { role: "assistant", content: "Fountain pens from the fifties are beautiful objects.", daysAgo: 4 },
    ],
  },
  {
    user: DAVE,
    personal: false,
    messages: [
      { role: "user", content: DAVE_FACT, daysAgo: 2 },
      { role: "assistant", content: "The cello is a wonderful instrument to learn.", daysAgo: 2 },
    ],
  },
  {
    user: PLAY,
    personal: true,
    messages: [
      { role: "user", content: SISTER_FACT, daysAgo: 2 },
      { role: "assistant", content: "Lisbon is a beautiful city for an architect.", daysAgo: 2 },
    ],
  },
  ...FILLER_USERS.map((u, i) => ({
    user: u,
    personal: false,
    messages: [{ role: "user" as const, content: `Filler message number ${i} about the weather.`, daysAgo: 10 }],
  })),
];

export const at = (daysAgo: number, index: number) => new Date(Date.now() - daysAgo * DAY + index * 60_000);
