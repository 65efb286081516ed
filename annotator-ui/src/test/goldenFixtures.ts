// Sample snapshots, exports, prompt templates, evaluations and optimizations for tests.
import type { EvalResult, Evaluation, ExportRecord, OptCandidate, OptReport, Pair, PromptTemplate, Snapshot } from '../shared/golden';
import { pipelineRun } from './agentFixtures';
import { factory } from './factory';

export const snapshot = factory<Snapshot>(() => ({
  id: 3,
  project_id: 42,
  name: 'v1 golden',
  params: { name: 'v1 golden', filters: {}, seed: 7, ratios: { train: 0.8, val: 0.1, test: 0.1 }, split_by_database: false },
  content_hash: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789',
  pairs: 10,
  manifest: {
    pairs: 10,
    seed: 7,
    ratios: { train: 0.8, val: 0.1, test: 0.1 },
    split_by_database: false,
    allow_leakage: false,
    groups: 10,
    metrics: null,
    splits: { train: 8, val: 1, test: 1 },
    databases: { concert_singer: { train: 6, val: 1, test: 1 }, pets: { train: 2 } },
    hardness: { easy: { train: 5, val: 1 }, medium: { train: 3, test: 1 } },
    stages: { 'human-seed': 10 },
    guideline_version: 2,
    guideline_versions: [1, 2],
    database_versions: [{ id: 9, name: 'concert_singer', version: 1, schema_hash: 'ffee0011', pairs: 8 }],
    leakage: { near_duplicates: 1, same_sql: 2, examples: [{ kind: 'same_sql', a: 11, b: 12, split_a: 'train', split_b: 'test' }] },
  },
  created_by: 7,
  created_at: '2025-01-06T10:00:00Z',
}));

export const pair = factory<Pair>(() => ({
  nlq_id: 11,
  candidate_id: 101,
  split: 'train',
  stage: 'human-seed',
  question: 'How many singers do we have?',
  sql: 'SELECT count(*) FROM singer',
  database_id: 9,
  database_name: 'concert_singer',
  database_version: 1,
  schema_hash: 'ffee0011',
  result_fingerprint: 'fp',
  hardness: 'easy',
  guideline_version: 2,
  accepted_by: 'review',
}));

export const exportRecord = factory<ExportRecord>(() => ({
  id: 1,
  project_id: 42,
  snapshot_id: 3,
  format: 'openai',
  split: 'train',
  status: 'done',
  rows: 8,
  bytes: 4096,
  sha256: '99aa88bb77cc66dd99aa88bb77cc66dd99aa88bb77cc66dd99aa88bb77cc66dd',
  created_by: 7,
  created_at: '2025-01-06T11:00:00Z',
  finished_at: '2025-01-06T11:00:01Z',
}));

export const DEFAULT_PROMPT =
  'Given an input question, create a syntactically correct {dialect} query to run.\n\nSchema:\n{schema}\n\nQuestion: {query_str}\n\nSQL query to run:';

export const promptTemplate = factory<PromptTemplate>(() => ({
  id: null,
  project_id: 42,
  version: 0,
  body: DEFAULT_PROMPT,
  note: '',
  source: 'builtin',
  run_id: null,
  candidate_id: null,
  created_by: null,
  created_at: null,
}));

export const evaluation = factory<Evaluation>(() => ({
  run: pipelineRun({ id: 20, kind: 'evaluate', status: 'succeeded', total: 10, done: 10, succeeded: 10, failed: 0, cost_usd: 0.02 }),
  params: {
    snapshot_id: 3,
    split: 'test',
    model: 'gpt-test',
    base_url: '',
    prompt: DEFAULT_PROMPT,
    prompt_version: 0,
    judge: true,
    judge_model: 'judge-test',
    limit: 0,
    concurrency: 8,
    budget: {},
  },
  summary: {
    total: 10,
    scored: 10,
    correct: 7,
    accuracy: 0.7,
    errors: 1,
    test_suite: { n: 0, correct: 0, accuracy: 0, suite_n: 0, suite_correct: 0, suite_accuracy: 0 },
    by_hardness: { easy: { n: 6, correct: 5, accuracy: 5 / 6, suite_n: 0, suite_correct: 0, suite_accuracy: 0 }, medium: { n: 4, correct: 2, accuracy: 0.5, suite_n: 0, suite_correct: 0, suite_accuracy: 0 } },
    by_database: { concert_singer: { n: 10, correct: 7, accuracy: 0.7, suite_n: 0, suite_correct: 0, suite_accuracy: 0 } },
    judge: { n: 10, correct: 9, accuracy: 0.9, suite_n: 0, suite_correct: 0, suite_accuracy: 0 },
    calls: 20,
    prompt_tokens: 10000,
    completion_tokens: 500,
    cost_usd: 0.02,
  },
}));

export const evalResult = factory<EvalResult>(() => ({
  candidate_id: 101,
  nlq_id: 11,
  split: 'test',
  question: 'How many singers do we have?',
  database_name: 'concert_singer',
  hardness: 'easy',
  gold_sql: 'SELECT count(*) FROM singer',
  sql: 'SELECT 1',
  correct: false,
  suite_correct: null,
  reason: 'rows differ',
  error: '',
  diff: { gold_rows: 1, pred_rows: 1, only_gold: [[6]], only_pred: [[1]] },
  judge: false,
  judge_reason: 'counts nothing',
  prompt_tokens: 300,
  completion_tokens: 12,
}));

export const candidate = factory<OptCandidate>(() => ({
  id: 1,
  run_id: 30,
  step: 0,
  ordinal: 0,
  parent_id: null,
  origin: 'baseline',
  prompt: DEFAULT_PROMPT,
  critique: '',
  score: 0.25,
  scored: 4,
  val_score: 0.25,
  val_n: 4,
  test_score: null,
  created_at: '2025-01-06T12:00:00Z',
}));

const BETTER = DEFAULT_PROMPT.replace('query to run.', 'query to run. To answer how many, count the rows.');

export function optReport(overrides: Partial<OptReport> = {}): OptReport {
  const base = candidate();
  const best = candidate({ id: 2, step: 1, ordinal: 0, parent_id: 1, origin: 'apo', prompt: BETTER, critique: 'The prompt never says to count rows.', score: 0.75, val_score: 0.75, test_score: 0.8 });
  return {
    run: pipelineRun({ id: 30, kind: 'optimize', status: 'succeeded', total: 3, done: 3, succeeded: 3, failed: 0 }),
    params: {
      method: 'apo',
      snapshot_id: 3,
      prompt: DEFAULT_PROMPT,
      prompt_version: 0,
      model: 'gpt-test',
      concurrency: 8,
      budget: {},
      opro: { iterations: 0, candidates: 0, temperature: 0 },
      apo: { beam_width: 1, branch_factor: 1, rounds: 1, gradient_batch: 2, validation_batch: 4, temperature: 1 },
    },
    candidates: [base, best],
    steps: [
      { step: 0, key: '000-baseline', status: 'done', best_score: 0.25, best_candidate_id: 1, candidates: 1 },
      { step: 1, key: '001-round', status: 'done', best_score: 0.75, best_candidate_id: 2, candidates: 1 },
      { step: 2, key: 'zz-test', status: 'done', best_score: 0.8, best_candidate_id: 2, candidates: 0 },
    ],
    best,
    test: {
      n: 10,
      baseline_correct: 2,
      best_correct: 8,
      baseline_accuracy: 0.2,
      best_accuracy: 0.8,
      both_correct: 2,
      only_baseline: 0,
      only_best: 6,
      both_wrong: 2,
      difference: 0.6,
      ci_low: 0.3,
      ci_high: 0.9,
      mcnemar_p: 0.03125,
    },
    diff: [
      { op: 'delete', lines: ['Given an input question, create a syntactically correct {dialect} query to run.'] },
      { op: 'insert', lines: ['Given an input question, create a syntactically correct {dialect} query to run. To answer how many, count the rows.'] },
      { op: 'equal', lines: ['', 'Schema:'] },
    ],
    ...overrides,
  };
}
