// Annotation: the project's loop policy and planning, an item claimed with its task, a submission's
// comparisons and the sentence that sums them up, skipping, and an annotator's own work.
import type { HistoryComparison, Policy, SubmitResult } from '../api.gen';
export type { AnnotationItem, AnnotationTask, AnnotatorStatus, PlanResult, Policy, RecentAnswer, SubmitResult } from '../api.gen';

export type PolicyChanges = Partial<Pick<Policy, 'dual_share' | 'annotators_per_item' | 'audit_rate' | 'blind' | 'lease_seconds'>>;

/** A comparison of two SQLs of a question by execution. */
export type Comparison = HistoryComparison;

/** A submission's comparisons split into the one with the agent and those with other annotators. */
export function splitComparisons(r: SubmitResult): { agent: Comparison | null; others: Comparison[] } {
  const all = r.comparisons ?? (r.comparison ? [r.comparison] : []);
  if (all.some((c) => c.against)) {
    return { agent: all.find((c) => c.against === 'agent') ?? null, others: all.filter((c) => c.against !== 'agent') };
  }
  // Without the label (an older server): the agent's SQL, when there is one, is compared first.
  const agent = r.agent_sql !== undefined && all.length > 0 ? all[0] : null;
  return { agent, others: agent ? all.slice(1) : all };
}

const annotators = (n: number) => (n === 1 ? '1 other annotator' : `${n} other annotators`);
const and = (xs: string[]) => xs.join(' and ');

/** "You agreed with the agent and 1 other annotator; waiting for 1 more annotator." */
export function agreementSentence(r: SubmitResult): string {
  const { agent, others } = splitComparisons(r);
  const agreed: string[] = [];
  const disagreed: string[] = [];
  if (agent) (agent.match ? agreed : disagreed).push('the agent');
  const same = others.filter((c) => c.match).length;
  if (same) agreed.push(annotators(same));
  if (others.length - same) disagreed.push(annotators(others.length - same));
  const parts: string[] = [];
  if (agreed.length) parts.push(`agreed with ${and(agreed)}`);
  if (disagreed.length) parts.push(`disagreed with ${and(disagreed)}`);
  let s = parts.length ? `You ${parts.join(' and ')}` : 'There was nothing to compare your SQL with yet';
  const waiting = r.awaiting ?? 0;
  if (waiting > 0) s += `; waiting for ${waiting} more ${waiting === 1 ? 'annotator' : 'annotators'}`;
  return `${s}.`;
}

export type SkipReason = 'ambiguous' | 'unanswerable' | 'bad_question';

/** Why an annotator may skip a question, with its label and its key in the skip dialog. */
export const SKIP_REASONS: { reason: SkipReason; label: string; key: string }[] = [
  { reason: 'ambiguous', label: 'Ambiguous', key: '1' },
  { reason: 'unanswerable', label: 'Unanswerable', key: '2' },
  { reason: 'bad_question', label: 'Bad question', key: '3' },
];

/** A skip reason in running text ("bad question"); an unknown one as it came. */
export function skipReasonText(reason: string): string {
  return SKIP_REASONS.find((r) => r.reason === reason)?.label.toLowerCase() ?? reason;
}

