// Annotation: the project's loop policy and planning, an item claimed with its task, a submission's
// comparisons and the sentence that sums them up, skipping, and an annotator's own work.

export interface Policy {
  project_id: number;
  dual_share: number;
  annotators_per_item: number;
  audit_rate: number;
  blind: boolean;
  lease_seconds: number;
  version: number;
  updated_at: string | null;
}

export type PolicyChanges = Partial<Pick<Policy, 'dual_share' | 'annotators_per_item' | 'audit_rate' | 'blind' | 'lease_seconds'>>;

export interface PlanResult {
  selected: number;
  sampled: number;
  items: number;
  share: number;
}

export interface AnnotationItem {
  id: number;
  project_id: number;
  nlq_id: number;
  slot: number;
  status: 'pending' | 'claimed' | 'submitted' | 'skipped';
  claimed_by: number | null;
  lease_until: string | null;
  version: number;
  created_at: string;
  done_at: string | null;
}

export interface AnnotationTask {
  item: AnnotationItem;
  question: string;
  database_id: number;
  target_values: string[] | null;
  guideline_version: number | null;
  blind: boolean;
  agent_sql?: string;
}

export interface Comparison {
  id: number;
  nlq_id: number;
  /** The agent's when the agent is one of the two, else the earlier SQL. */
  candidate_a_id: number;
  candidate_b_id: number;
  match: boolean;
  reason: string;
  guideline_version: number | null;
  created_at: string;
  /** For a comparison just made: what the new SQL was compared with. */
  against?: 'agent' | 'person';
}

export interface SubmitResult {
  annotation: { id: number; item_id: number; candidate_id: number | null; elapsed_ms: number | null };
  candidate: { id: number; source: string; sql: string; row_count: number | null; error: string | null };
  /** agreed: every comparison matched; disagreed: any did not; no_agent: nothing to compare with yet. */
  result: 'agreed' | 'disagreed' | 'no_agent';
  /** One per earlier SQL: the agent's first (when it answered), then each other annotator's. */
  comparisons?: Comparison[] | null;
  /** The first mismatch, else the first comparison. */
  comparison?: Comparison;
  review_item_id?: number;
  audited: boolean;
  /** Other annotators of this question still to submit. */
  awaiting?: number;
  agent_sql?: string;
}

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

/** GET …/annotation/status: the project's annotation progress and the caller's recent answers. */
export interface AnnotatorStatus {
  total: number;
  done: number;
  pending: number;
  claimed: number;
  submitted: number;
  skipped: number;
  recent: RecentAnswer[];
}

export interface RecentAnswer {
  item_id: number;
  nlq_id: number;
  question: string;
  status: 'submitted' | 'skipped';
  sql: string | null;
  skipped_reason: string | null;
  comment: string;
  at: string;
  reopenable: boolean;
}
