// Snapshots: how one is cut and split, what its manifest holds, its pairs, its measured error rate and
// audits, two compared, and its exports.
import type { MetricReport } from '../../features/metrics/api';

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
