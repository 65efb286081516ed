// Prompt optimizations (OPRO, APO): what starts one, its candidates and steps, and the test report.
import type { ApoParams, OproParams, OptCandidate } from '../api.gen';
export type { ApoParams, OproParams, OptCandidate, OptReport, OptStep, TestReport } from '../api.gen';
import { type PipelineRun } from '../api';
import { type Budget } from './evaluations';

// ---- Optimization ----

export type OptMethod = 'opro' | 'apo';

export const OPRO_DEFAULTS: OproParams = { iterations: 5, candidates: 2, temperature: 0.7 };
export const APO_DEFAULTS: Omit<ApoParams, 'temperature'> = { beam_width: 4, branch_factor: 4, rounds: 3, gradient_batch: 4, validation_batch: 16 };

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
  apo?: Partial<ApoParams>;
}

export type OptParams = Omit<OptStart, 'opro' | 'apo'> & { opro?: OproParams | null; apo?: ApoParams | null; prompt_version?: number };

/**
 * A line of the baseline → best diff as docs/API.md names it ({op: same|add|del, text}), or a hunk of
 * lines as the guideline diff has them ({op: equal|insert|delete, lines}), which the server sends.
 */
export type LineOp = { op: 'same' | 'add' | 'del'; text: string } | { op: 'equal' | 'insert' | 'delete'; lines: string[] | null };

export interface OptSummary {
  run: PipelineRun;
  params: OptParams;
  best: OptCandidate | null;
}
