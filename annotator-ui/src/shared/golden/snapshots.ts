// Snapshots: how one is cut and split, what its manifest holds, its pairs, its measured error rate and
// audits, two compared, and its exports.
import type { ErrorRate, SnapshotAudit, SnapshotParams } from '../api.gen';
export type { AuditParams, ErrorBreakdown, ErrorRate, ErrorStratum, ExportRecord, LeakExample, Manifest, Pair, Snapshot, SnapshotAudit, SnapshotDiff, SnapshotFilters, SnapshotParams, SplitRatios } from '../api.gen';

/** What cutting a snapshot sends: the filters and the per-database split may be left out. */
export type SnapshotRequest = Omit<SnapshotParams, 'filters' | 'split_by_database'> & Partial<Pick<SnapshotParams, 'filters' | 'split_by_database'>>;

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

