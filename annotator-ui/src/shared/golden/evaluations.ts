// Evaluations: what starts one, its parameters and summary, and each item's result and outcome.
import { type PipelineRun } from '../api';

// ---- Evaluation ----

export interface Budget {
  max_calls?: number;
  max_tokens?: number;
  max_cost_usd?: number;
}

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

export interface EvalParams {
  snapshot_id: number;
  split: string;
  model: string;
  base_url: string;
  prompt: string;
  prompt_version: number;
  judge: boolean;
  judge_model: string;
  limit: number;
  concurrency: number;
  budget: Budget | null;
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

export interface Evaluation {
  run: PipelineRun;
  params: EvalParams;
  summary: EvalSummary;
}

export type Outcome = 'correct' | 'wrong' | 'error';
export const OUTCOMES: Outcome[] = ['correct', 'wrong', 'error'];

export interface EvalResult {
  nlq_id: number;
  question: string;
  database_name: string;
  hardness: string;
  gold_sql: string;
  sql: string;
  correct: boolean;
  reason: string;
  error: string;
  diff: { gold_rows: number; pred_rows: number; only_gold: unknown[][] | null; only_pred: unknown[][] | null } | null;
  judge: boolean | null;
  judge_reason: string;
  prompt_tokens: number;
  completion_tokens: number;
}

export function outcomeOf(r: Pick<EvalResult, 'correct' | 'error'>): Outcome {
  return r.correct ? 'correct' : r.error ? 'error' : 'wrong';
}
