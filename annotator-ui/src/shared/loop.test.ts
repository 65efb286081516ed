import { describe, expect, it } from 'vitest';
import { agreementSentence, splitComparisons, type Comparison, type SubmitResult } from './loop';

const cmp = (id: number, match: boolean): Comparison => ({
  id,
  nlq_id: 1,
  candidate_a_id: id * 10,
  candidate_b_id: 99,
  match,
  reason: match ? '' : 'different rows',
  guideline_version: 1,
  created_at: '',
});

function result(o: Partial<SubmitResult>): SubmitResult {
  return {
    annotation: { id: 1, item_id: 1, nlq_id: 31, user_id: 7, candidate_id: 99, skipped_reason: null, comment: '', guideline_version: null, elapsed_ms: 1, created_at: '' },
    candidate: { id: 99, nlq_id: 31, source: 'human', sql: 'SELECT 1', original_sql: null, original_dialect: null, translation: null, verification: null, result_fingerprint: null, row_count: 1, error: null, elapsed_ms: 1, agent_run_id: null, pipeline_run_id: null, warnings: null, created_at: '' },
    result: 'agreed',
    comparisons: null,
    audited: false,
    awaiting: 0,
    ...o,
  };
}

describe('submission outcome', () => {
  it.each([
    [{ agent_sql: 'x', comparisons: [cmp(1, true), cmp(2, true)], awaiting: 1 }, 'You agreed with the agent and 1 other annotator; waiting for 1 more annotator.'],
    [{ agent_sql: 'x', comparisons: [cmp(1, false)], awaiting: 0 }, 'You disagreed with the agent.'],
    [{ agent_sql: 'x', comparisons: [cmp(1, true), cmp(2, false), cmp(3, true)] }, 'You agreed with the agent and 1 other annotator and disagreed with 1 other annotator.'],
    [{ comparisons: [cmp(2, true), cmp(3, true)], awaiting: 2 }, 'You agreed with 2 other annotators; waiting for 2 more annotators.'],
    [{ comparisons: [], awaiting: 0 }, 'There was nothing to compare your SQL with yet.'],
    // A server from before `comparisons`: the one comparison is the agent's.
    [{ agent_sql: 'x', comparison: cmp(1, false) }, 'You disagreed with the agent.'],
  ] as const)('says whom the SQL agreed with: %j', (o, sentence) => {
    expect(agreementSentence(result(o as Partial<SubmitResult>))).toBe(sentence);
  });

  it('tells the agent’s comparison from the other annotators’', () => {
    expect(splitComparisons(result({ agent_sql: 'x', comparisons: [cmp(1, true), cmp(2, false)] }))).toEqual({ agent: cmp(1, true), others: [cmp(2, false)] });
    expect(splitComparisons(result({ comparisons: [cmp(2, false)] }))).toEqual({ agent: null, others: [cmp(2, false)] });
    const labelled = [{ ...cmp(2, false), against: 'person' as const }, { ...cmp(1, true), against: 'agent' as const }];
    expect(splitComparisons(result({ agent_sql: 'x', comparisons: labelled }))).toEqual({ agent: labelled[1], others: [labelled[0]] });
  });
});
