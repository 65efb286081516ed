// The review screen's rules, apart from its markup: what a decision needs before it is sent, which
// stored comparison explains a pair, and which snapshot an audit item judges.
import type { NeighbourDetail, NlqHistory } from '../../shared/api';
import { goldenApi } from '../../shared/golden';
import { NO_ERROR, type Decision, type ErrorType, type ReviewItem } from '../../shared/loop';

export const isAccept = (d: Decision | null) => d === 'accept' || d === 'accept_a' || d === 'accept_b';

/** Reasons whose correct outcome is "nothing was wrong": the error type may be "none". */
export const AUDIT_REASONS = ['audit', 'snapshot_audit'];

export interface DecisionDraft {
  reason: string;
  decision: Decision | null;
  errorType: ErrorType | '';
  finalSql: string;
  question: string;
}

/** Why a decision cannot be sent yet, or null when it can. */
export function validateDecision(d: DecisionDraft): string | null {
  if (!d.decision) return d.reason === 'snapshot_audit' ? 'Say whether the pair is correct or wrong first.' : 'Choose a decision first.';
  if (!d.errorType) return 'Choose an error type: it is required.';
  if (d.errorType === NO_ERROR && !(isAccept(d.decision) && AUDIT_REASONS.includes(d.reason)))
    return '“No error” is only for an audit that found the SQL right: name the error that was made.';
  if (d.decision === 'edit' && !d.finalSql.trim()) return 'Write the final SQL.';
  if (d.decision === 'rewrite_question' && !d.question.trim()) return 'Write the new question.';
  return null;
}

/** The comparison's detail read with `left` as its first side. */
function oriented(d: NeighbourDetail, swap: boolean): NeighbourDetail {
  if (!swap) return d;
  const diff = d.diff
    ? {
        ...d.diff,
        only_in_gold: d.diff.only_in_pred,
        only_in_pred: d.diff.only_in_gold,
        only_in_gold_count: d.diff.only_in_pred_count,
        only_in_pred_count: d.diff.only_in_gold_count,
      }
    : d.diff;
  return { ...d, a: d.b, b: d.a, diff };
}

/**
 * A neighbour's disagreement stored for the two candidates shown (in either order), turned so its
 * first side is `left`; null when their comparison has none.
 */
export function neighbourFor(history: NlqHistory | undefined, left: number | null, right: number | null): NeighbourDetail | null {
  if (!history || left == null || right == null) return null;
  for (const c of [...history.comparisons].reverse()) {
    const d = c.detail;
    if (!d || d.same || !d.neighbour) continue;
    if (c.candidate_a_id === left && c.candidate_b_id === right) return oriented(d, false);
    if (c.candidate_a_id === right && c.candidate_b_id === left) return oriented(d, true);
  }
  return null;
}

/**
 * The snapshot a snapshot-audit item judges: the item's `snapshot_id` when the server sends it, else
 * the newest snapshot whose pair for the question has candidate A as its gold.
 */
export async function auditedSnapshot(projectId: string, item: Pick<ReviewItem, 'snapshot_id' | 'nlq_id' | 'candidate_a_id'>) {
  const snaps = await goldenApi.listSnapshots(projectId);
  if (item.snapshot_id != null) return snaps.find((s) => s.id === item.snapshot_id) ?? { id: item.snapshot_id, name: '' };
  for (const s of snaps) {
    const { pairs } = await goldenApi.pairs(projectId, s.id, '', item.nlq_id - 1, 1);
    if (pairs[0]?.nlq_id === item.nlq_id && pairs[0].candidate_id === item.candidate_a_id) return s;
  }
  return null;
}
