import type { ProfileCategory } from "../../memory/types";

/** How each profile category is named to people (Telegram /profile, the dashboard, the prompt). */
export const CATEGORY_LABELS: Record<ProfileCategory, string> = {
  name: "Name",
  address_as: "Address as",
  family: "Family",
  place: "Place",
  like: "Likes",
  dislike: "Dislikes",
  goal: "Goal",
  date: "Date",
  reply_style: "Reply style",
  language: "Language",
  other: "Other",
};
