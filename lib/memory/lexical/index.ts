export { tokenize, contentWords, queryTerms, words, stem } from "./tokenize";
export {
  bm25Search,
  bm25Idf,
  bm25Norm,
  bm25Term,
  byScoreThenId,
  BM25_K1,
  BM25_B,
  type Bm25Doc,
  type Bm25Options,
} from "./bm25";
