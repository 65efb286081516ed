import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { database, portsTable } from '../../test/fixtures';
import { errorReply, mockApi, projectRoutes, type MockReply } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { sqlDiff, type ReviewItem } from '../../shared/loop';

const P = '/api/v1/projects/42';

function item(overrides: Partial<ReviewItem> = {}): ReviewItem {
  return {
    id: 12, project_id: 42, nlq_id: 31, reason: 'disagreement', status: 'claimed', candidate_a_id: 60, candidate_b_id: 70,
    authors: [3], claimed_by: 7, lease_until: null, version: 4, guideline_version: 2, created_at: '', resolved_at: null,
    question: 'How many ports are there?', database_id: 5, candidates: null, agent_run_id: null,
    candidate_a: { id: 60, source: 'agent', sql: 'SELECT count(DISTINCT name) FROM ports', result_fingerprint: 'x', row_count: 1, error: null, agent_run_id: null },
    candidate_b: { id: 70, source: 'human', sql: 'SELECT count(*) FROM ports', result_fingerprint: 'y', row_count: 1, error: null, agent_run_id: null },
    ...overrides,
  };
}

const res = (v: number) => ({ columns: [{ name: 'count', type: 'bigint' }], rows: [[v]], row_count: 1, truncated: false, elapsed_ns: 1e6 });

function setup(decision: MockReply | ((c: { body: unknown }) => MockReply), nexts: MockReply[] = [{ body: { item: item() } }, { status: 204 }]) {
  let n = 0;
  return mockApi({
    ...projectRoutes('reviewer'),
    [`POST ${P}/review/next`]: () => nexts[Math.min(n++, nexts.length - 1)],
    [`GET ${P}/databases/5`]: { body: { database: database(), tables: [portsTable] } },
    [`POST ${P}/databases/5/compare`]: {
      body: { match: false, reason: 'different values', order_matters: false, gold: res(2), pred: res(3), diff: { only_in_gold: [[2]], only_in_pred: [[3]], first_order_difference: -1, column_mapping: null } },
    },
    [`POST ${P}/databases/5/query`]: { body: res(2) },
    [`GET ${P}/databases/5/search`]: {
      body: { query: 'rotterdam', tables: 1, hits: [{ table: 'ports', score: 3, matches: [{ field: 'value', column: 'name', text: 'Rotterdam' }] }] },
    },
    [`GET ${P}/guidelines`]: {
      body: {
        current: { version: 2, summary: '', author_id: 1, author_email: null, author_name: null, rule_count: 2, created_at: '', project_id: 42, markdown: '',
          rules: [{ id: 'R1', title: 'Count rows, not names', text: 'x' }, { id: 'R2', title: 'Qualify columns', text: 'y' }] },
        versions: [],
      },
    },
    [`POST ${P}/review/items/12/decision`]: decision,
  });
}

const decisionButton = (name: RegExp) => within(screen.getByRole('group', { name: 'Decision' })).getByRole('button', { name });
const key = (k: string) => fireEvent.keyDown(document.body, { key: k });
const save = () => fireEvent.keyDown(document.body, { key: 's', ctrlKey: true });

async function start() {
  const user = userEvent.setup();
  renderApp('/projects/42/review');
  await user.click(await screen.findByRole('button', { name: 'Start reviewing' }));
  await screen.findByTestId('question');
  return user;
}

describe('sql diff', () => {
  it('marks changed words on each side and ignores case and spacing', () => {
    const d = sqlDiff('SELECT count(DISTINCT name) FROM ports', 'select  count(*) FROM ports');
    expect(d.a.filter((p) => p.op === 'delete').map((p) => p.text.trim())).toEqual(['DISTINCT name']);
    expect(d.b.filter((p) => p.op === 'insert').map((p) => p.text)).toEqual(['*']);
    expect(d.a.map((p) => p.text).join('')).toBe('SELECT count(DISTINCT name) FROM ports');
  });
});

describe('review', () => {
  it('shows both candidates with a diff, results and row diff, and decides from the keyboard', async () => {
    const { calls } = setup({ body: { review: {} } });
    const user = await start();
    expect(screen.getByText('Disagreement')).toBeInTheDocument();
    // Sides are named by who wrote them (a server without `candidates` gives A and B).
    const side = screen.getByTestId('sql-side-by-side');
    expect(side).toHaveTextContent('Agent');
    expect(side).toHaveTextContent('An annotator');
    expect(side).not.toHaveTextContent(/gold|pred/i);
    expect(within(screen.getByTestId('sql-left')).getByText(/DISTINCT name/).tagName).toBe('DEL');
    expect(within(screen.getByTestId('sql-right')).getByText('*').tagName).toBe('INS');
    const results = await screen.findByTestId('review-results');
    expect(results).toHaveTextContent('DIFFERENT RESULTS');
    expect(within(results).getByRole('region', { name: 'Rows only in Agent' })).toHaveTextContent('2');
    expect(within(results).getByRole('region', { name: 'Result of An annotator' })).toHaveTextContent('3');
    expect(calls.find((c) => c.path.endsWith('/compare'))?.body).toEqual({ gold_sql: 'SELECT count(DISTINCT name) FROM ports', pred_sql: 'SELECT count(*) FROM ports' });

    key('b');
    expect(decisionButton(/Accept B/)).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByTestId('accept-choice')).toHaveTextContent('Accept An annotator’s SQL as the gold (B).');
    key('a');
    expect(decisionButton(/Accept A/)).toHaveAttribute('aria-pressed', 'true');
    key('r');
    expect(screen.getByRole('button', { name: /Reject/ })).toHaveAttribute('aria-pressed', 'true');
    key('b');
    // The error type is required.
    save();
    expect(await screen.findByText('Choose an error type: it is required.')).toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/decision'))).toBe(false);

    key('3');
    expect(screen.getByRole('combobox', { name: /Error type/ })).toHaveValue('aggregation');
    await user.click(await screen.findByRole('checkbox', { name: /R1/ }));
    await user.click(screen.getByRole('checkbox', { name: /R2/ }));
    await user.click(screen.getByRole('checkbox', { name: /R1/ }));
    await user.type(screen.getByRole('textbox', { name: 'Comment' }), 'counts names');
    save();
    expect(await screen.findByText('Nothing to review')).toBeInTheDocument();
    expect(calls.find((c) => c.path.endsWith('/decision'))?.body).toEqual({
      version: 4, decision: 'accept_b', error_type: 'aggregation', rule_ids: ['R2'], comment: 'counts names',
    });
  });

  it('finds a value beside the final SQL and inserts it as a condition', async () => {
    setup({ body: { review: {} } });
    const user = await start();
    expect(screen.queryByRole('searchbox', { name: 'Find tables, columns and values' })).toBeNull(); // only while editing
    key('e');
    await user.type(screen.getByRole('searchbox', { name: 'Find tables, columns and values' }), 'rotterdam');
    await user.click(await screen.findByRole('button', { name: /name = “Rotterdam”/ }));
    expect(screen.getByRole('textbox', { name: 'Final SQL' }).textContent).toContain("name = 'Rotterdam'");
  });

  it('edit & accept runs the final SQL (prefilled with A) before sending it', async () => {
    const { calls } = setup({ body: { review: {} } });
    await start();
    key('e');
    expect(screen.getByRole('textbox', { name: 'Final SQL' }).textContent).toBe('SELECT count(DISTINCT name) FROM ports');
    key('1');
    save();
    await screen.findByText('Nothing to review');
    const posts = calls.filter((c) => c.method === 'POST' && (c.path.endsWith('/query') || c.path.endsWith('/decision')));
    expect(posts.map((c) => c.path.split('/').pop())).toEqual(['query', 'decision']);
    expect(posts[1].body).toEqual({ version: 4, decision: 'edit', error_type: 'schema_linking', final_sql: 'SELECT count(DISTINCT name) FROM ports' });
  });

  it('does not send an edit whose SQL fails', async () => {
    const { calls, fetchMock } = setup({ body: { review: {} } });
    await start();
    fetchMock.mockImplementationOnce(async () => new Response(JSON.stringify({ ...res(0), error: 'column "x" does not exist' }), { status: 200 }));
    key('e');
    key('9');
    save();
    expect(await screen.findByText('column "x" does not exist')).toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/decision'))).toBe(false);
  });

  it('explains a stale item and gets the next one', async () => {
    const { calls } = setup(errorReply(409, 'stale_version', 'the review item changed', { current_version: 5 }));
    const user = await start();
    key('m');
    key('8');
    save();
    expect(await screen.findByText('This item changed since you opened it')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Get next' }));
    expect(await screen.findByText('Nothing to review')).toBeInTheDocument();
    expect(calls.filter((c) => c.path.endsWith('/review/next'))).toHaveLength(2);
  });

  it('releases the item', async () => {
    const { fetchMock } = setup({ body: {} });
    const user = await start();
    fetchMock.mockImplementationOnce(async () => new Response(null, { status: 204 }));
    await user.click(screen.getByRole('button', { name: 'Release' }));
    expect(await screen.findByRole('button', { name: 'Start reviewing' })).toBeInTheDocument();
    expect(fetchMock.mock.calls.some(([u]) => String(u).endsWith('/review/items/12/release'))).toBe(true);
  });
});

const reference = { id: 50, source: 'import', sql: 'SELECT count(*) FROM ports p', result_fingerprint: 'y', row_count: 1, error: null, agent_run_id: null };
const agentSql = { id: 60, source: 'agent', sql: 'SELECT count(DISTINCT name) FROM ports', result_fingerprint: 'x', row_count: 1, error: null, agent_run_id: 77 };
const annSql = { id: 70, source: 'human', author_email: 'bo@example.com', sql: 'SELECT count(*) FROM ports', result_fingerprint: 'y', row_count: 1, error: null, agent_run_id: null };

describe('review: every candidate', () => {
  it('names candidates by who wrote them, compares any two and accepts a third one', async () => {
    const { calls } = setup({ body: { review: {} } }, [
      { body: { item: item({ candidate_a: agentSql, candidate_b: annSql, candidates: [reference, agentSql, annSql], agent_run_id: 77 }) } },
      { status: 204 },
    ]);
    const user = await start();
    const list = screen.getByRole('region', { name: 'Candidates' });
    expect(within(list).getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['Reference', 'Agent', 'bo@example.com']);
    await screen.findByTestId('review-results');

    // Compare the reference with the annotator's SQL: Reference on the left.
    await user.click(within(screen.getByTestId('candidate-50')).getByRole('button', { name: 'Left' }));
    await screen.findByRole('region', { name: 'Result of Reference' });
    expect(calls.filter((c) => c.path.endsWith('/compare')).pop()?.body).toEqual({ gold_sql: reference.sql, pred_sql: annSql.sql });
    expect(screen.getByTestId('sql-side-by-side')).toHaveTextContent(/Reference.*bo@example\.com/);

    // One candidate's result, lazily.
    expect(calls.some((c) => c.path.endsWith('/query'))).toBe(false);
    await user.click(within(screen.getByTestId('candidate-60')).getByRole('button', { name: 'Result' }));
    await within(screen.getByTestId('candidate-60')).findByRole('region', { name: 'Result of Agent' });

    await user.click(screen.getByRole('button', { name: 'Accept Reference' }));
    expect(screen.getByTestId('accept-choice')).toHaveTextContent('Accept Reference’s SQL as the gold.');
    expect(decisionButton(/Accept A/)).toHaveAttribute('aria-pressed', 'false');
    key('2');
    save();
    await screen.findByText('Nothing to review');
    expect(calls.find((c) => c.path.endsWith('/decision'))?.body).toEqual({ version: 4, decision: 'accept', candidate_id: 50, error_type: 'join' });
  });

  it('shows the trajectory inline when the agent failed', async () => {
    const { agentRun, steps } = await import('../../test/agentFixtures');
    const { fetchMock } = setup({ body: { review: {} } }, [
      { body: { item: item({ reason: 'agent_failed', candidate_a: null, candidate_b: null, candidate_a_id: null, candidate_b_id: null, candidates: [reference], agent_run_id: 77 }) } },
    ]);
    const base = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (input, init) => {
      const path = new URL(String(input), 'http://localhost').pathname;
      if (path === `${P}/agent/runs/77`) return new Response(JSON.stringify({ run: { ...agentRun({ status: 'loop', stop_detail: 'the same query three times' }), steps } }), { status: 200 });
      return base(input, init);
    });
    await start();
    expect(await screen.findByTestId('trajectory')).toBeInTheDocument();
    expect(screen.getByText('Why the agent failed: its trajectory')).toBeInTheDocument();
  });

  it('shows a neighbour database’s disagreement stored for the pair', async () => {
    const detail = {
      neighbour: 'half',
      reason: 'rows differ',
      a: res(1),
      b: res(2),
      diff: { only_in_gold: [[1]], only_in_pred: [[2]], first_order_difference: -1, column_mapping: null },
      checked: 2,
    };
    const history = {
      nlq: { id: 31 }, candidates: [], annotations: [], review_items: [], events: [],
      comparisons: [{ id: 5, nlq_id: 31, candidate_a_id: 60, candidate_b_id: 70, match: false, reason: 'differ on a neighbour', guideline_version: null, created_at: '', detail }],
    };
    const { fetchMock } = setup({ body: { review: {} } });
    const base = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementation(async (input, init) => {
      const url = new URL(String(input), 'http://localhost');
      if (url.pathname === `${P}/nlqs/31`) return new Response(JSON.stringify(history), { status: 200 });
      if (url.pathname.endsWith('/compare')) {
        return new Response(JSON.stringify({ match: true, reason: '', order_matters: false, gold: res(2), pred: res(2), diff: { only_in_gold: [], only_in_pred: [], first_order_difference: -1, column_mapping: null } }), { status: 200 });
      }
      return base(input, init);
    });
    await start();
    const box = await screen.findByTestId('neighbour-disagreement');
    expect(box).toHaveTextContent('Equal on the database, but not on its ‘half’ neighbour');
    expect(within(box).getByRole('region', { name: 'Only in Agent’s result there' })).toHaveTextContent('1');
  });
});

describe('review: a snapshot audit', () => {
  function audit(decision: MockReply) {
    const it = item({ reason: 'snapshot_audit', candidate_a: annSql, candidate_b: null, candidate_a_id: 70, candidate_b_id: null, candidates: [reference, agentSql, annSql] });
    const mocks = setup(decision, [{ body: { item: it } }, { status: 204 }]);
    const base = mocks.fetchMock.getMockImplementation()!;
    mocks.fetchMock.mockImplementation(async (input, init) => {
      const url = new URL(String(input), 'http://localhost');
      if (url.pathname === `${P}/snapshots`) return new Response(JSON.stringify({ snapshots: [{ id: 4, name: 'later' }, { id: 3, name: 'golden v1' }] }), { status: 200 });
      if (url.pathname === `${P}/snapshots/4/pairs`) return new Response(JSON.stringify({ pairs: [{ nlq_id: 32, candidate_id: 1 }], next_after: null }), { status: 200 });
      if (url.pathname === `${P}/snapshots/3/pairs`) {
        expect(url.searchParams.get('after')).toBe('30');
        return new Response(JSON.stringify({ pairs: [{ nlq_id: 31, candidate_id: 70 }], next_after: null }), { status: 200 });
      }
      return base(input, init);
    });
    return mocks;
  }

  it('says which snapshot is audited, and a correct verdict accepts A with no error', async () => {
    const { calls } = audit({ body: { review: {} } });
    await start();
    const banner = screen.getByTestId('audit-banner');
    expect(await within(banner).findByRole('link', { name: 'snapshot #3 “golden v1”' })).toHaveAttribute('href', '/projects/42/snapshots/3');
    expect(banner).toHaveTextContent('is this pair’s gold SQL (bo@example.com) right');
    // The gold is compared with the first other candidate; no error type is asked before a verdict.
    expect(screen.getByTestId('sql-side-by-side')).toHaveTextContent(/bo@example\.com.*Reference/);
    expect(screen.queryByRole('combobox', { name: /Error type/ })).not.toBeInTheDocument();
    expect(screen.getByText('Snapshot audit')).toBeInTheDocument();
    key('c');
    expect(screen.getByRole('button', { name: /Correct/ })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByRole('combobox', { name: /Error type/ })).not.toBeInTheDocument();
    save();
    await screen.findByText('Nothing to review');
    expect(calls.find((c) => c.path.endsWith('/decision'))?.body).toEqual({ version: 4, decision: 'accept_a', error_type: 'none' });
  });

  it('a wrong verdict needs how to fix it and a real error type', async () => {
    const { calls } = audit({ body: { review: {} } });
    const user = await start();
    await user.click(screen.getByRole('button', { name: /Wrong/ }));
    save();
    expect(await screen.findByText('Say whether the pair is correct or wrong first.')).toBeInTheDocument();
    key('r');
    const select = screen.getByRole('combobox', { name: /Error type/ });
    expect(within(select).queryByRole('option', { name: /No error/ })).not.toBeInTheDocument();
    key('4');
    save();
    await screen.findByText('Nothing to review');
    expect(calls.find((c) => c.path.endsWith('/decision'))?.body).toEqual({ version: 4, decision: 'reject', error_type: 'filter_value' });
  });
});
