// The annotation/review loop (docs/API.md "Review queue" and "Annotation and agreement"): API calls,
// the SQL diff the review screen shows, and annotation drafts kept in localStorage.
import { request } from './api';

const base = (projectId: string | number) => `/api/v1/projects/${encodeURIComponent(String(projectId))}`;
const enc = (v: string | number) => encodeURIComponent(String(v));

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

export interface ReviewCandidate {
  id: number;
  /** import | agent | human | generator */
  source: string;
  /** Who wrote a person's candidate. */
  author_email?: string | null;
  sql: string;
  result_fingerprint: string | null;
  row_count: number | null;
  error: string | null;
  /** The trajectory behind an agent candidate. */
  agent_run_id?: number | null;
}

export interface ReviewItem {
  id: number;
  project_id: number;
  nlq_id: number;
  reason: string;
  status: string;
  candidate_a_id: number | null;
  candidate_b_id: number | null;
  authors: number[] | null;
  claimed_by: number | null;
  lease_until: string | null;
  version: number;
  guideline_version: number | null;
  created_at: string;
  resolved_at: string | null;
  question: string;
  database_id: number | null;
  candidate_a: ReviewCandidate | null;
  candidate_b: ReviewCandidate | null;
  /** Every SQL of the question, oldest first: the reference, the agent's, each annotator's. */
  candidates?: ReviewCandidate[] | null;
  /** The question's newest agent trajectory (for `agent_failed`, the one that explains why). */
  agent_run_id?: number | null;
  /** For `snapshot_audit` items: the audited snapshot, when the server says it. */
  snapshot_id?: number | null;
}

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

export const loopApi = {
  getPolicy: (projectId: string | number) => request<{ policy: Policy }>('GET', `${base(projectId)}/policy`),
  savePolicy: (projectId: string | number, body: PolicyChanges & { version: number }) =>
    request<{ policy: Policy }>('PUT', `${base(projectId)}/policy`, { body }),
  plan: (projectId: string | number, body: { database_id?: number; stage?: string; share?: number }) =>
    request<PlanResult>('POST', `${base(projectId)}/annotation/plan`, { body }),

  /** The next annotation item (claimed for you), or null when there is nothing to annotate (204). */
  nextAnnotation: async (projectId: string | number) =>
    (await request<AnnotationTask | undefined>('POST', `${base(projectId)}/annotation/next`)) ?? null,
  submitAnnotation: (projectId: string | number, itemId: number, body: { version: number; sql: string; elapsed_ms?: number; comment?: string }) =>
    request<SubmitResult>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/submit`, { body }),
  skipAnnotation: (projectId: string | number, itemId: number, body: { version: number; reason: SkipReason; comment?: string }) =>
    request<{ annotation: unknown }>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/skip`, { body }),
  releaseAnnotation: (projectId: string | number, itemId: number) =>
    request<void>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/release`),
  /** How far the project's annotation has come, and the caller's recent answers. */
  annotatorStatus: async (projectId: string | number) => {
    const st = await request<AnnotatorStatus>('GET', `${base(projectId)}/annotation/status`);
    return { ...st, recent: st.recent ?? [] };
  },
  /** Takes back an answer nobody acted on yet: the item is the caller's claim again. */
  reopenAnnotation: (projectId: string | number, itemId: number) =>
    request<{ item: AnnotationItem }>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/reopen`),

  /** The next review item (claimed for you), or null when there is nothing to review (204). */
  nextReview: async (projectId: string | number) =>
    (await request<{ item: ReviewItem } | undefined>('POST', `${base(projectId)}/review/next`))?.item ?? null,
  releaseReview: (projectId: string | number, itemId: number) =>
    request<void>('POST', `${base(projectId)}/review/items/${enc(itemId)}/release`),
  decide: (projectId: string | number, itemId: number, body: DecisionBody) =>
    request<{ review: unknown }>('POST', `${base(projectId)}/review/items/${enc(itemId)}/decision`, { body }),
};

// ---------- Drafts ----------

const draftKey = (projectId: string | number, itemId: number) => `goldset:draft:${projectId}:${itemId}`;

export const drafts = {
  load(projectId: string | number, itemId: number): string | null {
    try {
      return localStorage.getItem(draftKey(projectId, itemId));
    } catch {
      return null;
    }
  },
  save(projectId: string | number, itemId: number, sql: string) {
    try {
      if (sql) localStorage.setItem(draftKey(projectId, itemId), sql);
      else localStorage.removeItem(draftKey(projectId, itemId));
    } catch {
      // Storage full or disabled: the draft is only a convenience.
    }
  },
  clear(projectId: string | number, itemId: number) {
    try {
      localStorage.removeItem(draftKey(projectId, itemId));
    } catch {
      // ignore
    }
  },
};

// ---------- SQL diff ----------

export interface DiffPart {
  op: 'equal' | 'delete' | 'insert';
  text: string;
}

/** Words and the whitespace between them, so a diff keeps the original layout. */
function tokens(s: string): string[] {
  return s.match(/\s+|[A-Za-z0-9_$.]+|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|[^\sA-Za-z0-9_$.]/g) ?? [];
}

/**
 * A word-level diff of two SQL texts (LCS over tokens; whitespace differences do not count as changes).
 * Returns the parts of `a` (equal/delete) and of `b` (equal/insert), each in order.
 */
export function sqlDiff(a: string, b: string): { a: DiffPart[]; b: DiffPart[] } {
  const ta = tokens(a);
  const tb = tokens(b);
  const norm = (t: string) => (/^\s+$/.test(t) ? ' ' : /^[A-Za-z_]/.test(t) ? t.toLowerCase() : t);
  const na = ta.map(norm);
  const nb = tb.map(norm);
  // Very long SQL: fall back to marking everything different rather than spending O(n·m) memory.
  if (ta.length * tb.length > 4_000_000) {
    return { a: [{ op: 'delete', text: a }], b: [{ op: 'insert', text: b }] };
  }
  const n = ta.length;
  const m = tb.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = na[i] === nb[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const outA: DiffPart[] = [];
  const outB: DiffPart[] = [];
  const push = (out: DiffPart[], op: DiffPart['op'], text: string) => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (na[i] === nb[j]) {
      push(outA, 'equal', ta[i++]);
      push(outB, 'equal', tb[j++]);
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      push(outA, /^\s+$/.test(ta[i]) ? 'equal' : 'delete', ta[i]);
      i++;
    } else {
      push(outB, /^\s+$/.test(tb[j]) ? 'equal' : 'insert', tb[j]);
      j++;
    }
  }
  while (i < n) push(outA, /^\s+$/.test(ta[i]) ? 'equal' : 'delete', ta[i++]);
  while (j < m) push(outB, /^\s+$/.test(tb[j]) ? 'equal' : 'insert', tb[j++]);
  return { a: joinRuns(outA), b: joinRuns(outB) };
}

/** Whitespace alone between two changes of the same kind belongs to one highlighted run. */
function joinRuns(parts: DiffPart[]): DiffPart[] {
  const out: DiffPart[] = [];
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k];
    const prev = out[out.length - 1];
    const nextPart = parts[k + 1];
    if (p.op === 'equal' && /^\s+$/.test(p.text) && prev && nextPart && prev.op !== 'equal' && prev.op === nextPart.op) {
      prev.text += p.text + nextPart.text;
      k++;
      continue;
    }
    out.push({ ...p });
  }
  return out;
}

/** True when focus is somewhere typing happens, so single-key shortcuts must not fire. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('[contenteditable="true"], .cm-editor')) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit'].includes(type);
  }
  return false;
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
