export { tokenize, contentWords, queryTerms, words, stem } from "./tokenize";
export { bm25Search, type Bm25Doc, type Bm25Options } from "./bm25";
