// Evaluations: what starts one, its parameters and summary, and each item's result and outcome.
import type { Budget, EvalResult, Evaluation } from '../api.gen';
export type { Budget, EvalParams, EvalResult, Evaluation } from '../api.gen';
import { type PipelineRun } from '../api';

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

export interface Bucket {
  n: number;
  correct: number;
  accuracy: number;
}

export interface EvalSummary {
  total: number;
  scored: number;
  correct: number;
  accuracy: number;
  errors: number;
  by_hardness: Record<string, Bucket> | null;
  by_database: Record<string, Bucket> | null;
  judge: Bucket | null;
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
}

export type Outcome = 'correct' | 'wrong' | 'error';
export const OUTCOMES: Outcome[] = ['correct', 'wrong', 'error'];

export function outcomeOf(r: Pick<EvalResult, 'correct' | 'error'>): Outcome {
  return r.correct ? 'correct' : r.error ? 'error' : 'wrong';
}
