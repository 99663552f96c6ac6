import type { Report } from "./report";
import type { VectorBank } from "./vectors";

/** Sizes of one bench run; --quick shrinks every one of them (and the report says so). */
export interface BenchSizes {
  /** Memories of one user at which storage ops are measured, ascending. */
  perUser: number[];
  /** Total memories spread over `spreadUsers` users. */
  spreadTotal: number;
  spreadUsers: number;
  /** Measured operations per case at concurrency 1 and 32. */
  iterations: number;
  /** Max wall time per measured case (slow engines at 100k are cut short, and say so). */
  caseMaxMs: number;
  /** Messages for the bytes-per-message measurement. */
  memoryMessages: number;
  pingIterations: number;
  embedQueries: number;
}

export const FULL: BenchSizes = {
  perUser: [1_000, 10_000, 100_000],
  spreadTotal: 100_000,
  spreadUsers: 1_000,
  iterations: 2_000,
  caseMaxMs: 20_000,
  memoryMessages: 10_000,
  pingIterations: 10_000,
  embedQueries: 300,
};

/** ≈ 1 minute on 2 cores: every section runs, on small sizes with short time caps. */
export const QUICK: BenchSizes = {
  perUser: [1_000],
  spreadTotal: 5_000,
  spreadUsers: 50,
  iterations: 200,
  caseMaxMs: 500,
  memoryMessages: 1_000,
  pingIterations: 1_000,
  embedQueries: 30,
};

export interface BenchContext {
  report: Report;
  sizes: BenchSizes;
  quick: boolean;
  bank: VectorBank;
  log: (message: string) => void;
}
