import { describe, expect, it } from 'vitest';
import type { Nlq } from '../../shared/api';
import { eventChanges, eventTitle, timelineEntries } from './history';
import { candidate, loopHistory } from '../../test/historyFixtures';

const nlq: Nlq = {
  id: 12,
  project_id: 42,
  question: 'How many singers do we have?',
  stage: 'spider-dev',
  origin_key: 'dev.json#12',
  parent_id: null,
  evidence: '',
  gold_candidate_id: null,
  status: 'new',
  origin: { kind: 'spider' },
  target_values: null,
  database_id: 9,
  database_name: 'concert_singer',
  created_at: '2025-03-01T09:00:00Z',
  candidate: candidate({ id: 100, source: 'import', sql: 'SELECT 1', elapsed_ms: 1, created_at: '2025-03-01T09:00:00Z' }),
};

describe('question timeline', () => {
  it('puts rows of one transaction in the order they happen, claims before work and status changes after', () => {
    const h = loopHistory(nlq);
    const same = '2025-03-01T10:03:00Z';
    // Everything of the submission shares its transaction's timestamp, given in scrambled order.
    h.events.push({ id: 60, at: same, action: 'annotation.claim', actor_email: 'x@example.com', object_type: 'annotation_item', object_id: '9', before: null, after: null });
    const kinds = timelineEntries(h)
      .filter((e) => e.at === same)
      .map((e) => (e.kind === 'event' ? e.event.action : e.kind));
    expect(kinds).toEqual(['annotation.claim', 'annotation', 'comparison', 'review_item', 'nlq.status']);
  });

  it('shows annotators’ SQL and covered audit actions once', () => {
    const keys = timelineEntries(loopHistory(nlq)).map((e) => e.key);
    expect(keys).not.toContain('c102'); // told by annotation a1
    expect(keys).toContain('a1');
    expect(keys).not.toContain('e51'); // annotation.submit
    expect(keys).not.toContain('e54'); // review.decide
    expect(keys[keys.length - 1]).toBe('e55');
  });

  it('names actions and what they changed', () => {
    expect(eventTitle('annotation.claim')).toBe('Claimed for annotation');
    expect(eventTitle('nlq.something_new')).toBe('Nlq something new');
    const [decide] = loopHistory(nlq).events.filter((e) => e.action === 'nlq.decide');
    expect(eventChanges(decide)).toEqual([
      { field: 'status', from: 'Needs review', to: 'Accepted' },
      { field: 'gold SQL', from: '—', to: '#102' },
    ]);
    expect(eventChanges({ ...decide, before: null })).toEqual([]);
    expect(
      eventChanges({ ...decide, before: { question: 'old text' }, after: { question: 'new text' } }),
    ).toEqual([{ field: 'question', from: 'old text', to: 'new text' }]);
  });
});
