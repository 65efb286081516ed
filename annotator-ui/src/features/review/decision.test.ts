import { describe, expect, it } from 'vitest';
import type { NlqHistory } from '../../shared/api';
import { neighbourFor, validateDecision, type DecisionDraft } from './decision';

const draft = (o: Partial<DecisionDraft>): DecisionDraft => ({ reason: 'disagreement', decision: 'accept_a', errorType: 'join', finalSql: '', question: '', ...o });

describe('validateDecision', () => {
  it.each([
    [draft({ decision: null }), 'Choose a decision first.'],
    [draft({ reason: 'snapshot_audit', decision: null }), 'Say whether the pair is correct or wrong first.'],
    [draft({ errorType: '' }), 'Choose an error type: it is required.'],
    // "No error" only for an audit that found the SQL right.
    [draft({ errorType: 'none' }), '“No error” is only for an audit that found the SQL right: name the error that was made.'],
    [draft({ reason: 'snapshot_audit', decision: 'reject', errorType: 'none' }), '“No error” is only for an audit that found the SQL right: name the error that was made.'],
    [draft({ decision: 'edit', finalSql: ' ' }), 'Write the final SQL.'],
    [draft({ decision: 'rewrite_question' }), 'Write the new question.'],
  ])('%o → %s', (d, why) => expect(validateDecision(d)).toBe(why));

  it.each([
    draft({}),
    draft({ reason: 'snapshot_audit', errorType: 'none' }),
    draft({ reason: 'audit', decision: 'accept', errorType: 'none' }),
    draft({ decision: 'edit', finalSql: 'SELECT 1' }),
  ])('accepts %o', (d) => expect(validateDecision(d)).toBeNull());
});

describe('neighbourFor', () => {
  const detail = {
    neighbour: 'doubled',
    a: { columns: [], rows: [[1]], row_count: 1, truncated: false },
    b: { columns: [], rows: [[2]], row_count: 1, truncated: false },
    diff: { only_in_gold: [[1]], only_in_pred: [[2]], only_in_gold_count: 1, only_in_pred_count: 3, first_order_difference: -1, column_mapping: null },
    checked: 1,
  };
  const history = {
    comparisons: [
      { id: 1, nlq_id: 1, candidate_a_id: 5, candidate_b_id: 6, match: true, reason: '', guideline_version: null, created_at: '' },
      { id: 2, nlq_id: 1, candidate_a_id: 6, candidate_b_id: 7, match: false, reason: '', guideline_version: null, created_at: '', detail },
    ],
  } as unknown as NlqHistory;

  it('finds the pair in its order', () => {
    expect(neighbourFor(history, 6, 7)).toEqual(detail);
  });
  it('turns it round when the pair is shown the other way', () => {
    const d = neighbourFor(history, 7, 6)!;
    expect(d.a?.rows).toEqual([[2]]);
    expect(d.diff?.only_in_gold).toEqual([[2]]);
    expect(d.diff?.only_in_pred_count).toBe(1);
  });
  it('has nothing for a pair without a neighbour disagreement', () => {
    expect(neighbourFor(history, 5, 6)).toBeNull();
    expect(neighbourFor(undefined, 6, 7)).toBeNull();
  });
});
