// A question's history as the API answers it, for the Questions tab's tests.
import type { HistoryCandidate, Nlq, NlqHistory } from '../shared/api';

const at = (minute: number) => `2025-03-01T10:${String(minute).padStart(2, '0')}:00Z`;

export function candidate(overrides: Partial<HistoryCandidate> & Pick<HistoryCandidate, 'id' | 'source' | 'sql'>): HistoryCandidate {
  return {
    nlq_id: 12,
    original_sql: null,
    original_dialect: null,
    translation: null,
    verification: null,
    result_fingerprint: null,
    row_count: 1,
    error: null,
    elapsed_ms: 1.2,
    agent_run_id: null,
    pipeline_run_id: null,
    warnings: null,
    created_at: at(0),
    author_id: 1,
    author_email: 'lead@example.com',
    ...overrides,
  };
}

/** A history with nothing but the question and its list candidate. */
export function bareHistory(nlq: Nlq): NlqHistory {
  return {
    nlq,
    candidates: nlq.candidate ? [candidate({ ...nlq.candidate, created_at: nlq.created_at })] : [],
    annotations: [],
    comparisons: [],
    review_items: [],
    events: [],
  };
}

/**
 * The whole loop on one question: imported SQL, the agent's answer, an annotator's disagreeing SQL, the
 * comparison, the review item, a reviewer's decision for the annotator, and the audit entries.
 */
export function loopHistory(nlq: Nlq): NlqHistory {
  return {
    nlq: { ...nlq, status: 'accepted', gold_candidate_id: 102 },
    candidates: [
      candidate({ ...nlq.candidate!, id: 100, source: 'import', created_at: at(0) }),
      candidate({ id: 101, source: 'agent', sql: 'SELECT count(*) FROM stadium', agent_run_id: 5, created_at: at(1) }),
      candidate({ id: 102, source: 'human', sql: 'SELECT count(*) FROM singer', author_id: 7, author_email: 'ann@example.com', created_at: at(3) }),
    ],
    annotations: [
      { id: 1, item_id: 3, nlq_id: nlq.id, user_id: 7, email: 'ann@example.com', candidate_id: 102, skipped_reason: null, comment: '', guideline_version: null, elapsed_ms: 65_000, created_at: at(3) },
    ],
    comparisons: [
      { id: 4, nlq_id: nlq.id, candidate_a_id: 101, candidate_b_id: 102, match: false, reason: 'different values in row 1', guideline_version: null, created_at: at(3) },
    ],
    review_items: [
      {
        id: 7,
        project_id: 42,
        nlq_id: nlq.id,
        reason: 'disagreement',
        status: 'resolved',
        candidate_a_id: 101,
        candidate_b_id: 102,
        authors: [1, 7],
        claimed_by: 9,
        lease_until: null,
        version: 3,
        guideline_version: null,
        created_at: at(3),
        resolved_at: at(6),
        reviews: [
          {
            id: 8,
            review_item_id: 7,
            reviewer_id: 9,
            reviewer_email: 'rev@example.com',
            guideline_version: 1,
            created_at: at(6),
            decision: 'accept_b',
            error_type: 'schema_linking',
            rule_ids: ['R3'],
            comment: 'The agent counted stadiums.',
            final_sql: '',
            question: '',
          },
        ],
      },
    ],
    events: [
      { id: 50, at: at(2), action: 'annotation.claim', actor_email: 'ann@example.com', object_type: 'annotation_item', object_id: '3', before: null, after: { status: 'claimed' } },
      { id: 51, at: at(3), action: 'annotation.submit', actor_email: 'ann@example.com', object_type: 'annotation_item', object_id: '3', before: null, after: null },
      { id: 52, at: at(3), action: 'nlq.status', actor_email: 'ann@example.com', object_type: 'nlq', object_id: String(nlq.id), before: { status: 'new' }, after: { status: 'needs_review' } },
      { id: 53, at: at(5), action: 'review.claim', actor_email: 'rev@example.com', object_type: 'review_item', object_id: '7', before: null, after: null },
      { id: 54, at: at(6), action: 'review.decide', actor_email: 'rev@example.com', object_type: 'review_item', object_id: '7', before: null, after: null },
      {
        id: 55,
        at: at(6),
        action: 'nlq.decide',
        actor_email: 'rev@example.com',
        object_type: 'nlq',
        object_id: String(nlq.id),
        before: { status: 'needs_review', gold_candidate_id: null },
        after: { status: 'accepted', gold_candidate_id: 102 },
      },
    ],
  };
}
