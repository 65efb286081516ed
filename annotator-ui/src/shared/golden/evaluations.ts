// Evaluations: what starts one, its parameters and summary, and each item's result and outcome.
import type { Budget, EvalResult } from '../api.gen';
export type { EvalBucket as Bucket, EvalSummary } from '../api.gen';
export type { Budget, EvalParams, EvalResult, Evaluation } from '../api.gen';

// ---- Evaluation ----

export interface EvalStart {
  snapshot_id: number;
  split?: string;
  model?: string;
  base_url?: string;
  prompt?: string;
  judge?: boolean;
  judge_model?: string;
  limit?: number;
  concurrency?: number;
  budget?: Budget;
}

export type Outcome = 'correct' | 'wrong' | 'error';
export const OUTCOMES: Outcome[] = ['correct', 'wrong', 'error'];

export function outcomeOf(r: Pick<EvalResult, 'correct' | 'error'>): Outcome {
  return r.correct ? 'correct' : r.error ? 'error' : 'wrong';
}
