/**
 * The one tokenizer every lexical path uses (app-side BM25 on scan/vectorset, query terms sent
 * to RediSearch), so "lexical" means the same thing on every engine.
 * Lowercase + NFKC, Unicode word split (letters/digits, inner apostrophes kept then dropped),
 * a small English stopword list and a light suffix stemmer. Written for speed: the scan and
 * vector-set engines tokenize a user's memories on every lexical query.
 */

const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have he her hers him his how i if in into is it its " +
    "me my of on or our she so than that the their them then there these they this those to too us was we were what when where which " +
    "who whom why will with would you your yours i'm it's don't did didn't do does doesn't am just about also very"
  ).split(" "),
);

const DOUBLE_KEEP = new Set(["l", "s", "z"]);

function undouble(w: string): string {
  const n = w.length;
  return n >= 4 && w[n - 1] === w[n - 2] && !DOUBLE_KEEP.has(w[n - 1]!) ? w.slice(0, -1) : w;
}

/** Light English stemmer: plural/verb suffixes only, never shorter than 3 letters, digits untouched. */
export function stem(word: string): string {
  const n = word.length;
  if (n <= 3 || /\d/.test(word)) return word;
  let out: string | undefined;
  if (word.endsWith("ies")) out = word.slice(0, -3) + "y";
  else if (word.endsWith("sses")) out = word.slice(0, -2);
  else if (word.endsWith("s")) out = word.endsWith("ss") ? undefined : word.slice(0, -1);
  else if (word.endsWith("eed")) out = word.slice(0, -1);
  else if (word.endsWith("ing")) out = word.slice(0, -3);
  else if (word.endsWith("ed")) out = word.slice(0, -2);
  if (out === undefined) return word;
  return out.length >= 3 ? undouble(out) : word;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const NON_ASCII = /[^\x00-\x7f]/;

/** Words of a text, lowercased, apostrophes unified. */
export function words(text: string): string[] {
  const t = (NON_ASCII.test(text) ? text.normalize("NFKC") : text).toLowerCase();
  const found = t.match(WORD) ?? [];
  return t.includes("’") ? found.map((w) => w.replace(/’/g, "'")) : found;
}

/** Content words, unstemmed: words minus stopwords, possessive/contraction tails dropped. */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOPWORDS.has(w)) continue;
    const base = w.includes("'") ? w.replace(/'(s|d|ll|re|ve|m|t)$/, "").replace(/'/g, "") : w;
    if (base && !STOPWORDS.has(base)) out.push(base);
  }
  return out;
}

/** Scoring terms: content words, stemmed. */
export function tokenize(text: string): string[] {
  return contentWords(text).map(stem);
}

/** Distinct query terms in first-seen order. */
export function queryTerms(text: string): string[] {
  return [...new Set(tokenize(text))];
}
