// A question's history (`GET …/nlqs/:nlq`) as one timeline, oldest first: its SQL candidates,
// annotations, comparisons, review items, reviews and the audit entries that add something to those.
import { statusLabel } from '../../shared/nlqs';
import type { HistoryAnnotation, HistoryCandidate, HistoryComparison, HistoryEvent, HistoryReview, HistoryReviewItem, NlqHistory } from '../../shared/api';

/** When an entry happened, and the id of its row (unique within its kind, and so `key` among all). */
type Stamp = { key: string; id: number; at: string };

export type TimelineEntry = Stamp &
  (
    | { kind: 'candidate'; candidate: HistoryCandidate }
    | { kind: 'annotation'; annotation: HistoryAnnotation }
    | { kind: 'comparison'; comparison: HistoryComparison }
    | { kind: 'review_item'; item: HistoryReviewItem }
    | { kind: 'review'; review: HistoryReview; item: HistoryReviewItem }
    | { kind: 'event'; event: HistoryEvent }
  );

const stamp = (prefix: string, id: number, at: string): Stamp => ({ key: `${prefix}${id}`, id, at });

/**
 * Audit actions whose whole content is already an entry of its own (the annotation, the review, the
 * review item): shown once, not twice.
 */
export const COVERED_ACTIONS = new Set(['annotation.submit', 'annotation.skip', 'review.create', 'review.decide']);

// Rows written in one transaction share a timestamp; this is the order they happen in.
const ORDER: Record<TimelineEntry['kind'], number> = {
  event: 0,
  candidate: 1,
  annotation: 2,
  comparison: 3,
  review_item: 4,
  review: 5,
};

/** Everything that happened to the question, oldest first (newest last). */
export function timelineEntries(h: NlqHistory): TimelineEntry[] {
  // An annotator's SQL is told by their annotation; it is not a second entry.
  const annotated = new Set(h.annotations.map((a) => a.candidate_id).filter((id) => id != null));
  const out: TimelineEntry[] = [
    ...h.candidates
      .filter((c) => !annotated.has(c.id))
      .map((c): TimelineEntry => ({ kind: 'candidate', ...stamp('c', c.id, c.created_at), candidate: c })),
    ...h.annotations.map((a): TimelineEntry => ({ kind: 'annotation', ...stamp('a', a.id, a.created_at), annotation: a })),
    ...h.comparisons.map((c): TimelineEntry => ({ kind: 'comparison', ...stamp('x', c.id, c.created_at), comparison: c })),
    ...h.review_items.flatMap((it): TimelineEntry[] => [
      { kind: 'review_item', ...stamp('i', it.id, it.created_at), item: it },
      ...it.reviews.map((r): TimelineEntry => ({ kind: 'review', ...stamp('r', r.id, r.created_at), review: r, item: it })),
    ]),
    ...h.events
      .filter((e) => !COVERED_ACTIONS.has(e.action))
      .map((e): TimelineEntry => ({ kind: 'event', ...stamp('e', e.id, e.at), event: e })),
  ];
  // Events sort first among equal timestamps only when they are claims (they precede the work); the
  // effects of a decision (status changes) come after the entries of the same transaction.
  const rank = (e: TimelineEntry) => (e.kind === 'event' && !/\.(claim|release)$/.test(e.event.action) ? 6 : ORDER[e.kind]);
  return out
    .map((e, i) => ({ e, t: Date.parse(e.at), i }))
    .sort((a, b) => a.t - b.t || rank(a.e) - rank(b.e) || a.e.id - b.e.id || a.i - b.i)
    .map((x) => x.e);
}

const EVENT_TITLES: Record<string, string> = {
  'annotation.claim': 'Claimed for annotation',
  'annotation.release': 'Annotation item released',
  'review.claim': 'Claimed for review',
  'review.release': 'Review item released',
  'nlq.status': 'Status changed',
  'nlq.decide': 'Review decision applied',
};

/** "nlq.status" → "Status changed"; unknown actions read as words. */
export function eventTitle(action: string): string {
  if (EVENT_TITLES[action]) return EVENT_TITLES[action];
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What an audit entry changed on the question, in words: status, gold SQL, question text. */
export function eventChanges(e: HistoryEvent): { field: string; from: string; to: string }[] {
  if (!isObj(e.before) || !isObj(e.after)) return [];
  const before = e.before;
  const after = e.after;
  const out: { field: string; from: string; to: string }[] = [];
  const text = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const fields: [string, string, (v: unknown) => string][] = [
    ['status', 'status', (v) => (typeof v === 'string' && v ? statusLabel(v) : text(v))],
    ['gold SQL', 'gold_candidate_id', (v) => (v ? `#${v}` : '—')],
    ['question', 'question', text],
  ];
  for (const [field, key, show] of fields) {
    if ((key in before || key in after) && text(before[key]) !== text(after[key])) {
      out.push({ field, from: show(before[key]), to: show(after[key]) });
    }
  }
  return out;
}
