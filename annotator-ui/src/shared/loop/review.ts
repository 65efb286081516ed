// Review: an item with its candidates named by who wrote them, the decisions and error types with
// their labels, and the body of a decision.
import type { ReviewCandidate, ReviewItem } from '../api.gen';
export type { ReviewCandidate, ReviewItem } from '../api.gen';

export type Decision = 'accept' | 'accept_a' | 'accept_b' | 'edit' | 'rewrite_question' | 'ambiguous' | 'reject';

/** The error types a reviewer names when something was wrong (keys 1–9 on the Review tab). */
export const ERROR_TYPES = [
  'schema_linking',
  'join',
  'aggregation',
  'filter_value',
  'null_handling',
  'ordering_limit',
  'date_time',
  'question_ambiguous',
  'other',
] as const;
/** "none" is the error type of a correct verdict (an audit that found the gold right), never of a fix. */
export const NO_ERROR = 'none';
export type ErrorType = (typeof ERROR_TYPES)[number] | typeof NO_ERROR;

export const ERROR_TYPE_LABELS: Record<ErrorType, string> = {
  none: 'No error',
  schema_linking: 'Schema linking',
  join: 'Join',
  aggregation: 'Aggregation',
  filter_value: 'Filter value',
  null_handling: 'NULL handling',
  ordering_limit: 'Ordering / limit',
  date_time: 'Date / time',
  question_ambiguous: 'Question ambiguous',
  other: 'Other',
};

/** An error type's name, also for types this version of the UI does not know. */
export const errorTypeLabel = (t: string) => ERROR_TYPE_LABELS[t as ErrorType] ?? t.replace(/_/g, ' ');

export const DECISION_LABELS: Record<Decision, string> = {
  accept: 'Accept',
  accept_a: 'Accept A',
  accept_b: 'Accept B',
  edit: 'Edit & accept',
  rewrite_question: 'Rewrite question',
  ambiguous: 'Ambiguous',
  reject: 'Reject',
};

export const REVIEW_REASON_LABELS: Record<string, string> = {
  disagreement: 'Disagreement',
  agent_failed: 'Agent failed',
  low_confidence: 'Low confidence',
  checker_warning: 'Checker warning',
  audit: 'Audit',
  translation_mismatch: 'Translation mismatch',
  snapshot_audit: 'Snapshot audit',
};

/** How the review screen names a candidate: by who wrote it, never "gold" or "pred". */
export function candidateWho(c: Pick<ReviewCandidate, 'source' | 'author_email'>): string {
  switch (c.source) {
    case 'import':
      return 'Reference';
    case 'agent':
      return 'Agent';
    case 'human':
      return c.author_email || 'An annotator';
    case 'generator':
      return 'Generator';
  }
  return c.source;
}

/**
 * Every candidate of an item, oldest first, each with its label: "Reference", "Agent", an email —
 * with "#id" added where two would read the same. Servers without `candidates` give A and B.
 */
export function labelledCandidates(item: Pick<ReviewItem, 'candidates' | 'candidate_a' | 'candidate_b'>): { candidate: ReviewCandidate; label: string }[] {
  const list = item.candidates?.length ? item.candidates : [item.candidate_a, item.candidate_b].filter((c): c is ReviewCandidate => c != null);
  const seen = new Map<string, number>();
  for (const c of list) seen.set(candidateWho(c), (seen.get(candidateWho(c)) ?? 0) + 1);
  return list.map((c) => {
    const who = candidateWho(c);
    return { candidate: c, label: (seen.get(who) ?? 0) > 1 ? `${who} #${c.id}` : who };
  });
}

export interface DecisionBody {
  version: number;
  decision: Decision;
  /** With `accept`: the candidate accepted (any of the question's). */
  candidate_id?: number;
  error_type: ErrorType;
  rule_ids?: string[];
  comment?: string;
  final_sql?: string;
  question?: string;
}
