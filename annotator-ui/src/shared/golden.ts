// Golden sets (docs/API.md): snapshots and their exports, the project's versioned prompt
// template, evaluations (runs of kind `evaluate`) and prompt optimizations (runs of kind `optimize`):
// the types, the API calls, and the arithmetic and wording the screens share.
import { request, type PipelineRun } from './api';
import type { MetricReport } from '../features/metrics/api';

const enc = encodeURIComponent;
const projectPath = (projectId: string | number) => `/api/v1/projects/${enc(projectId)}`;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

// ---- Snapshots ----

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];
export const HARDNESS = ['easy', 'medium', 'hard', 'extra'] as const;
/** How a pair came to be accepted (docs/API.md, Snapshots: `filters.review_status`). */
export const REVIEW_STATUSES = [
  { id: 'agreed', label: 'Agreed', hint: 'the agent and an annotator wrote matching SQL, and no reviewer decided it' },
  { id: 'reviewed', label: 'Reviewed', hint: 'a reviewer accepted or edited it' },
  { id: 'imported', label: 'Imported', hint: 'the imported gold SQL, never annotated or reviewed' },
] as const;

export interface SplitRatios {
  train: number;
  val: number;
  test: number;
}

export interface SnapshotFilters {
  stages?: string[];
  database_ids?: number[];
  hardness?: string[];
  review_status?: string[];
  created_from?: string;
  created_to?: string;
}

export interface SnapshotParams {
  name: string;
  filters?: SnapshotFilters;
  seed?: number;
  ratios?: SplitRatios;
  split_by_database?: boolean;
}

export interface LeakExample {
  kind: 'near_duplicate' | 'same_sql' | string;
  a: number;
  b: number;
  split_a: string;
  split_b: string;
  cosine?: number;
}

export interface Manifest {
  pairs: number;
  seed: number;
  ratios: SplitRatios;
  split_by_database: boolean;
  splits: Record<string, number>;
  databases: Record<string, Record<string, number>> | null;
  hardness: Record<string, Record<string, number>> | null;
  stages: Record<string, number> | null;
  guideline_version: number;
  guideline_versions: number[] | null;
  database_versions: { id: number; name: string; version: number; schema_hash: string; pairs: number }[] | null;
  leakage: { near_duplicates: number; same_sql: number; examples: LeakExample[] | null };
  metrics?: MetricReport | null;
}

export interface Snapshot {
  id: number;
  project_id: number;
  name: string;
  params: (SnapshotParams & { ratios?: SplitRatios }) | null;
  content_hash: string;
  pairs: number;
  manifest: Manifest;
  created_by: number | null;
  created_at: string;
}

export interface Pair {
  nlq_id: number;
  candidate_id: number;
  split: Split;
  stage: string;
  question: string;
  sql: string;
  original_sql?: string;
  database_id: number | null;
  database_name: string;
  database_version: number;
  schema_hash: string;
  result_fingerprint: string;
  hardness: string;
  guideline_version: number | null;
}

/** One way of acceptance within a snapshot (agreed, reviewed, imported) with its audits. */
export interface ErrorStratum {
  accepted_by: string;
  pairs: number;
  audited: number;
  wrong: number;
  /** wrong / audited; 0 when nothing was audited (the interval is then [0, 1]). */
  rate: number;
  low: number;
  high: number;
}

/** The audited pairs of one group (a source, an annotator, a database). */
export interface ErrorBreakdown {
  key: string;
  audited: number;
  wrong: number;
  rate: number;
  low: number;
  high: number;
}

/** A snapshot's estimated error rate: stratified by acceptance, with a 95% interval. */
export interface ErrorRate {
  pairs: number;
  audited: number;
  wrong: number;
  /** null until something is audited. */
  rate: number | null;
  low: number;
  high: number;
  strata: ErrorStratum[];
  by_source: ErrorBreakdown[];
  by_author: ErrorBreakdown[];
  by_database: ErrorBreakdown[];
  by_error_type: Record<string, number>;
}

/** A lead's request to measure the error rate: the sample it queued to reviewers. */
export interface SnapshotAudit {
  id: number;
  snapshot_id: number;
  target_upper: number;
  assumed_error: number;
  sample_size: number;
  seed: number;
  created_by: number | null;
  created_at: string;
}

export interface AuditQueue {
  pending: number;
  claimed: number;
  resolved: number;
}

export interface SnapshotErrorRate {
  error_rate: ErrorRate;
  audits: SnapshotAudit[];
  queue: AuditQueue;
}

export interface AuditParams {
  /** The 95% interval's upper bound to reach, as a fraction (0.02: at most 2% wrong). */
  target_upper: number;
  /** The error rate the sample is planned for (default: the current estimate, else 0). */
  assumed_error?: number;
  seed: number;
}

export interface SnapshotDiff {
  a: number;
  b: number;
  same_hash: boolean;
  added: number;
  removed: number;
  changed: number;
  moved: number;
  same: number;
  examples: {
    added: { nlq_id: number; b: Pair }[] | null;
    removed: { nlq_id: number; a: Pair }[] | null;
    changed: { nlq_id: number; a: Pair; b: Pair }[] | null;
  };
}

// ---- Exports ----

/** The export formats, in the order the download buttons show them. */
export const EXPORT_FORMATS = [
  { id: 'openai', label: 'OpenAI chat (JSONL)' },
  { id: 'trl', label: 'TRL prompt/completion (JSONL)' },
  { id: 'alpaca', label: 'Alpaca (JSON)' },
  { id: 'eval_csv', label: 'Evaluation CSV' },
  { id: 'eval_jsonl', label: 'Evaluation JSONL' },
  { id: 'spider', label: 'Spider (zip)' },
  { id: 'bird', label: 'BIRD (zip)' },
] as const;
export const EXPORT_SPLITS = ['all', ...SPLITS] as const;

export interface ExportRecord {
  id: number;
  project_id: number;
  snapshot_id: number;
  format: string;
  split: string;
  status: 'running' | 'done' | 'failed' | string;
  rows: number;
  bytes: number;
  sha256: string;
  error?: string;
  created_by: number | null;
  created_at: string;
  finished_at: string | null;
}

/**
 * The download address of a snapshot in one format and split. A plain GET: the session cookie goes
 * with it (SameSite=Strict is same-site here) and GETs need no CSRF token, so a link downloads it.
 */
export function exportUrl(projectId: string | number, snapshotId: number, format: string, split: string): string {
  return `${projectPath(projectId)}/snapshots/${enc(snapshotId)}/export?format=${enc(format)}&split=${enc(split)}`;
}

// ---- Prompt templates ----

export interface PromptTemplate {
  id: number | null;
  version: number;
  body: string;
  note: string;
  source: 'builtin' | 'manual' | 'optimization' | string;
  run_id: number | null;
  candidate_id: number | null;
  created_by: number | null;
  created_at: string | null;
}

/** What a template must contain: the server fills each in. */
export const PLACEHOLDERS = ['{dialect}', '{schema}', '{query_str}'] as const;

/** The placeholders a template body lacks (none: it can be used). */
export function missingPlaceholders(body: string): string[] {
  return PLACEHOLDERS.filter((p) => !body.includes(p));
}

export function placeholderError(body: string): string | undefined {
  if (!body.trim()) return 'Write the prompt template.';
  const missing = missingPlaceholders(body);
  if (missing.length === 0) return undefined;
  return `The template needs ${missing.join(', ')} (the server fills ${missing.length === 1 ? 'it' : 'them'} in).`;
}

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

/** A share as people read it: "42.9%", "100%". */
export function pct(x: number | null | undefined): string {
  if (x == null || !Number.isFinite(x)) return '—';
  const v = x * 100;
  return `${Number.isInteger(Math.round(v * 10) / 10) ? Math.round(v) : v.toFixed(1)}%`;
}

/** A signed difference in percentage points: "+14.3 pp", "−5 pp". */
export function pp(x: number): string {
  const v = Math.round(x * 1000) / 10;
  const s = Number.isInteger(v) ? String(Math.abs(v)) : Math.abs(v).toFixed(1);
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${s} pp`;
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p < 0.001) return '< 0.001';
  return p.toFixed(p < 0.01 ? 4 : 3);
}

/** Whether the test says the best prompt differs from the baseline, in a plain sentence. */
export function significanceSentence(t: TestReport): string {
  const diff = `${pp(t.difference)} (95% CI ${pp(t.ci_low)} to ${pp(t.ci_high)}, McNemar p = ${formatP(t.mcnemar_p)})`;
  if (t.n === 0) return 'The test split had no items, so nothing can be said about the difference.';
  if (t.mcnemar_p < 0.05) {
    return `The difference of ${diff} is significant at the 0.05 level: the ${t.difference > 0 ? 'best prompt does better' : 'baseline does better'} on the test split, beyond what chance would explain.`;
  }
  return `The difference of ${diff} is not significant at the 0.05 level: on these ${t.n} test items it could be chance.`;
}

/** The best score reached at each step, in step order (for the line chart). */
export function bestPerStep(steps: OptStep[]): OptStep[] {
  return [...steps].filter((s) => s.key !== 'zz-test' && s.candidates > 0).sort((a, b) => a.step - b.step);
}

// ---- Calls ----

const arr = <T>(v: T[] | null | undefined): T[] => v ?? [];

export const goldenApi = {
  listSnapshots: async (projectId: string | number) => {
    const res = await request<{ snapshots: Snapshot[] | null }>('GET', `${projectPath(projectId)}/snapshots`);
    return arr(res.snapshots);
  },
  getSnapshot: async (projectId: string | number, id: string | number) =>
    (await request<{ snapshot: Snapshot }>('GET', `${projectPath(projectId)}/snapshots/${enc(id)}`)).snapshot,
  createSnapshot: async (projectId: string | number, body: SnapshotParams) =>
    (await request<{ snapshot: Snapshot }>('POST', `${projectPath(projectId)}/snapshots`, { body })).snapshot,
  pairs: async (projectId: string | number, id: string | number, split: string, after?: number | null, limit = 50) => {
    const res = await request<{ pairs: Pair[] | null; next_after: number | null }>(
      'GET',
      `${projectPath(projectId)}/snapshots/${enc(id)}/pairs${query({ split, after: after ?? undefined, limit })}`,
    );
    return { pairs: arr(res.pairs), next_after: res.next_after ?? null };
  },
  errorRate: async (projectId: string | number, id: string | number): Promise<SnapshotErrorRate> => {
    const res = await request<SnapshotErrorRate>('GET', `${projectPath(projectId)}/snapshots/${enc(id)}/error-rate`);
    const e = res.error_rate;
    return {
      error_rate: {
        ...e,
        strata: arr(e.strata),
        by_source: arr(e.by_source),
        by_author: arr(e.by_author),
        by_database: arr(e.by_database),
        by_error_type: e.by_error_type ?? {},
      },
      audits: arr(res.audits),
      queue: res.queue ?? { pending: 0, claimed: 0, resolved: 0 },
    };
  },
  startAudit: async (projectId: string | number, id: string | number, body: AuditParams) =>
    (await request<{ audit: SnapshotAudit }>('POST', `${projectPath(projectId)}/snapshots/${enc(id)}/audits`, { body })).audit,
  compare: async (projectId: string | number, a: string | number, b: string | number) =>
    (await request<{ diff: SnapshotDiff }>('GET', `${projectPath(projectId)}/snapshots/compare${query({ a, b })}`)).diff,
  acceptImported: async (projectId: string | number, databaseId?: number) =>
    (await request<{ accepted: number }>('POST', `${projectPath(projectId)}/nlqs/accept-imported`, {
      body: databaseId ? { database_id: databaseId } : {},
    })).accepted,
  listExports: async (projectId: string | number) =>
    arr((await request<{ exports: ExportRecord[] | null }>('GET', `${projectPath(projectId)}/exports`)).exports),

  prompts: async (projectId: string | number) => {
    const res = await request<{ current: PromptTemplate; versions: PromptTemplate[] | null }>('GET', `${projectPath(projectId)}/prompts`);
    return { current: res.current, versions: arr(res.versions) };
  },
  savePrompt: async (projectId: string | number, body: { body: string; note?: string }) =>
    (await request<{ prompt: PromptTemplate }>('POST', `${projectPath(projectId)}/prompts`, { body })).prompt,

  startEvaluation: (projectId: string | number, body: EvalStart) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/evaluations`, { body }),
  listEvaluations: async (projectId: string | number) =>
    arr((await request<{ evaluations: Evaluation[] | null }>('GET', `${projectPath(projectId)}/evaluations`)).evaluations),
  getEvaluation: (projectId: string | number, runId: string | number) =>
    request<Evaluation>('GET', `${projectPath(projectId)}/evaluations/${enc(runId)}`),
  evalResults: async (projectId: string | number, runId: string | number, outcome: string, after?: number | null, limit = 50) => {
    const res = await request<{ results: EvalResult[] | null; next_after: number | null }>(
      'GET',
      `${projectPath(projectId)}/evaluations/${enc(runId)}/results${query({ outcome, after: after ?? undefined, limit })}`,
    );
    return { results: arr(res.results), next_after: res.next_after ?? null };
  },

  startOptimization: (projectId: string | number, body: OptStart) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/optimizations`, { body }),
  listOptimizations: async (projectId: string | number) =>
    arr((await request<{ optimizations: OptSummary[] | null }>('GET', `${projectPath(projectId)}/optimizations`)).optimizations),
  getOptimization: async (projectId: string | number, runId: string | number): Promise<OptReport> => {
    const res = await request<OptReport>('GET', `${projectPath(projectId)}/optimizations/${enc(runId)}`);
    return { ...res, candidates: arr(res.candidates), steps: arr(res.steps), diff: arr(res.diff) };
  },
  adopt: async (projectId: string | number, runId: string | number, candidateId?: number) =>
    (
      await request<{ prompt: PromptTemplate }>('POST', `${projectPath(projectId)}/optimizations/${enc(runId)}/adopt`, {
        body: candidateId ? { candidate_id: candidateId } : {},
      })
    ).prompt,
};

