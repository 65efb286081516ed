// Prompt optimizations (OPRO, APO): what starts one, its candidates and steps, and the test report.
import { type PipelineRun } from '../api';
import { type Budget } from './evaluations';

// ---- Optimization ----

export type OptMethod = 'opro' | 'apo';

export interface OproParams {
  iterations: number;
  candidates: number;
  temperature: number;
}

export interface ApoParams {
  beam_width: number;
  branch_factor: number;
  rounds: number;
  gradient_batch: number;
  validation_batch: number;
}

export const OPRO_DEFAULTS: OproParams = { iterations: 5, candidates: 2, temperature: 0.7 };
export const APO_DEFAULTS: ApoParams = { beam_width: 4, branch_factor: 4, rounds: 3, gradient_batch: 4, validation_batch: 16 };

export interface OptStart {
  method: OptMethod;
  snapshot_id: number;
  prompt?: string;
  model?: string;
  base_url?: string;
  concurrency?: number;
  budget?: Budget;
  val_limit?: number;
  test_limit?: number;
  opro?: OproParams;
  apo?: ApoParams;
}

export type OptParams = Omit<OptStart, 'opro' | 'apo'> & { opro?: OproParams | null; apo?: ApoParams | null; prompt_version?: number };

export interface OptCandidate {
  id: number;
  step: number;
  ordinal: number;
  parent_id: number | null;
  origin: 'baseline' | 'opro' | 'apo' | string;
  prompt: string;
  critique: string;
  score: number;
  scored: number;
  val_score: number | null;
  val_n: number;
  test_score: number | null;
  created_at: string;
}

export interface OptStep {
  step: number;
  key: string;
  status: 'pending' | 'done' | 'failed' | string;
  best_score: number;
  best_candidate_id: number | null;
  candidates: number;
}

export interface TestReport {
  n: number;
  baseline_correct: number;
  best_correct: number;
  baseline_accuracy: number;
  best_accuracy: number;
  both_correct: number;
  only_baseline: number;
  only_best: number;
  both_wrong: number;
  difference: number;
  ci_low: number;
  ci_high: number;
  mcnemar_p: number;
}

/**
 * A line of the baseline → best diff as docs/API.md names it ({op: same|add|del, text}), or a hunk of
 * lines as the guideline diff has them ({op: equal|insert|delete, lines}), which the server sends.
 */
export type LineOp = { op: 'same' | 'add' | 'del'; text: string } | { op: 'equal' | 'insert' | 'delete'; lines: string[] | null };

export interface OptReport {
  run: PipelineRun;
  params: OptParams;
  candidates: OptCandidate[];
  steps: OptStep[];
  best: OptCandidate | null;
  test: TestReport | null;
  diff: LineOp[];
}

export interface OptSummary {
  run: PipelineRun;
  params: OptParams;
  best: OptCandidate | null;
}
