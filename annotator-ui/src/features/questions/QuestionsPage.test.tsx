import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { CheckResult, Nlq, NlqHistory } from '../../shared/api';
import { database, shipsTable } from '../../test/fixtures';
import { bareHistory, loopHistory } from '../../test/historyFixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { describeOrigin } from '../../shared/nlqs';

const preview = (rows: unknown[][]) => ({ columns: [{ name: 'count', type: 'int8' }], rows, row_count: rows.length, truncated: false });

const mismatched: Nlq = {
  id: 12,
  project_id: 42,
  question: 'How many singers do we have?',
  origin_key: 'dev.json#12',
  parent_id: null,
  evidence: '',
  gold_candidate_id: null,
  stage: 'human-seed',
  status: 'needs_review',
  origin: { kind: 'spider', file: 'dev.json', index: 12, db_id: 'concert_singer' },
  target_values: null,
  database_id: 9,
  database_name: 'concert_singer',
  created_at: '2025-01-05T10:00:00Z',
  candidate: {
    id: 100,
    nlq_id: 12,
    source: 'import',
    sql: 'SELECT count(*) FROM singer WHERE name ILIKE \'%a%\'',
    original_sql: 'SELECT count(*) FROM singer WHERE name LIKE "%a%"',
    original_dialect: 'sqlite',
    translation: { changes: ['double-quoted string "%a%" → single quotes', 'LIKE → ILIKE (SQLite LIKE ignores case)'] },
    verification: { match: false, reason: 'rows differ', sqlite: preview([[6]]), postgres: preview([[5]]) },
    result_fingerprint: null,
    row_count: 1,
    error: null,
    elapsed_ms: 1.5,
    agent_run_id: null,
    pipeline_run_id: null,
    warnings: null,
    created_at: '2025-01-05T10:00:00Z',
  },
};

const wtq: Nlq = {
  id: 11,
  project_id: 42,
  question: 'which nation won the most gold medals?',
  origin_key: 'questions.tsv#nt-0',
  parent_id: null,
  evidence: '',
  gold_candidate_id: null,
  stage: 'human-seed',
  status: 'new',
  origin: { kind: 'wtq', file: 'questions.tsv', id: 'nt-0', context: 'csv/204-csv/590.csv', table: 't_204_csv_590' },
  target_values: ['Norway'],
  database_id: 10,
  database_name: 'wtq',
  created_at: '2025-01-05T10:00:00Z',
  candidate: null,
};

const facets = {
  statuses: { new: 49, needs_review: 1 },
  stages: { 'human-seed': 50 },
  origins: { wtq: 49, spider: 1 },
  error_types: { join: 1 },
};
const dbs = { body: { databases: [database({ id: 9, name: 'concert_singer' }), database({ id: 10, name: 'wtq' })] } };

/** The routes every Questions test needs, plus its own. */
function routes(extra: Parameters<typeof mockApi>[0], role: 'annotator' | 'lead' = 'annotator') {
  return mockApi({
    ...projectRoutes(role),
    'GET /api/v1/projects/42/databases?all_versions=true': dbs,
    'GET /api/v1/projects/42/translation-report': { body: { reports: [] } },
    'GET /api/v1/projects/42/nlqs/facets': { body: facets },
    ...extra,
  });
}

/** The list with only `nlq`, and its history (bare unless given) open beside it. */
function openHistory(nlq: Nlq, history: NlqHistory = bareHistory(nlq)) {
  routes({
    [list('limit=50')]: { body: { nlqs: [nlq] } },
    [`GET /api/v1/projects/42/nlqs/${nlq.id}`]: { body: history },
  });
  return renderApp(`/projects/42/questions/${nlq.id}`);
}

const list = (path: string) => `GET /api/v1/projects/42/nlqs?${path}`;

describe('questions tab', () => {
  it('describes origins the way people cite them', () => {
    expect(describeOrigin(mismatched.origin)).toBe('spider dev.json #12');
    expect(describeOrigin(wtq.origin)).toBe('wtq nt-0');
    expect(describeOrigin({ kind: 'csv', file: 'seed.csv', line: 3 })).toBe('seed.csv line 3');
  });

  it('lists questions with the translation report and pages with before', async () => {
    const page1 = Array.from({ length: 50 }, (_, i): Nlq => ({ ...wtq, id: 200 - i, question: `Question ${200 - i}` }));
    routes({
      'GET /api/v1/projects/42/translation-report': {
        body: { reports: [{ database_id: 9, database_name: 'concert_singer', total: 45, matched: 44, mismatched: 1, match_rate: 44 / 45 }] },
      },
      [list('limit=50')]: { body: { nlqs: page1 } },
      [list('before=151&limit=50')]: { body: { nlqs: [mismatched, wtq] } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');

    const report = await screen.findByTestId('translation-report');
    expect(report).toHaveTextContent('concert_singer');
    expect(report).toHaveTextContent('44/45 (97.8%)');

    expect(await screen.findByText('Question 200')).toBeInTheDocument();
    expect(screen.getByText('50 questions shown')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('How many singers do we have?')).toBeInTheDocument();
    expect(screen.getByText('spider dev.json #12')).toBeInTheDocument();
    expect(screen.getByText('52 questions')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('offers the facets with counts and sends every filter to the list', async () => {
    const { calls } = routes({
      [list('limit=50')]: { body: { nlqs: [wtq, mismatched] } },
      [list('status=needs_review&limit=50')]: { body: { nlqs: [mismatched] } },
      [list('status=needs_review&database=9&limit=50')]: { body: { nlqs: [mismatched] } },
      [list('status=needs_review&database=9&error_type=join&limit=50')]: { body: { nlqs: [mismatched] } },
      [list('q=singers&limit=50')]: { body: { nlqs: [mismatched] } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await screen.findByText('How many singers do we have?');

    const status = screen.getByLabelText('Status');
    expect(within(status).getByRole('option', { name: 'All (50)' })).toBeInTheDocument();
    expect(within(status).getByRole('option', { name: 'Needs review (1)' })).toBeInTheDocument();
    expect(within(screen.getByLabelText('Stage')).getByRole('option', { name: 'human-seed (50)' })).toBeInTheDocument();
    expect(within(screen.getByLabelText('Origin')).getByRole('option', { name: 'spider (1)' })).toBeInTheDocument();
    expect(within(screen.getByLabelText('Error type')).getByRole('option', { name: 'Join (1)' })).toBeInTheDocument();

    await user.selectOptions(status, 'needs_review');
    await user.selectOptions(screen.getByLabelText('Database'), '9');
    await user.selectOptions(screen.getByLabelText('Error type'), 'join');
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/projects/42/nlqs?status=needs_review&database=9&error_type=join&limit=50')).toBe(true));
    expect(await screen.findByText('Needs review', { selector: '.badge' })).toBeInTheDocument();
    expect(screen.queryByText('which nation won the most gold medals?')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByText('which nation won the most gold medals?')).toBeInTheDocument();
    expect(screen.getByLabelText('Status')).toHaveValue('');

    // Text search reaches the list after a pause.
    await user.type(screen.getByLabelText('Search'), 'singers');
    await waitFor(() => expect(calls.some((c) => c.path === '/api/v1/projects/42/nlqs?q=singers&limit=50')).toBe(true));
    await waitFor(() => expect(screen.queryByText('which nation won the most gold medals?')).not.toBeInTheDocument());
  });

  it('reads the filters from the URL and keeps them while a history is open and closed', async () => {
    const { calls } = routes({
      [list('status=needs_review&origin=spider&q=singers&limit=50')]: { body: { nlqs: [mismatched] } },
      'GET /api/v1/projects/42/nlqs/12': { body: bareHistory(mismatched) },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions?status=needs_review&origin=spider&q=singers');
    await user.click(await screen.findByRole('link', { name: 'How many singers do we have?' }));
    expect(await screen.findByRole('dialog', { name: 'Question #12' })).toBeInTheDocument();
    expect(screen.getByLabelText('Status')).toHaveValue('needs_review');
    expect(screen.getByLabelText('Origin')).toHaveValue('spider');
    expect(screen.getByLabelText('Search')).toHaveValue('singers');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(screen.getByLabelText('Status')).toHaveValue('needs_review');
    // The list was never asked for without the filters.
    expect(calls.filter((c) => c.path.startsWith('/api/v1/projects/42/nlqs?')).every((c) => c.path.includes('status=needs_review'))).toBe(true);
  });

  it('moves with J and K, opens with Enter, walks the histories and closes with Escape', async () => {
    const three = [201, 202, 203].map((id): Nlq => ({ ...wtq, id, question: `Question ${id}` }));
    const { calls } = routes({
      [list('limit=50')]: { body: { nlqs: three } },
      ...Object.fromEntries(three.map((n) => [`GET /api/v1/projects/42/nlqs/${n.id}`, { body: bareHistory(n) }])),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await screen.findByText('Question 201');
    const row = (id: number) => screen.getByTestId(`question-row-${id}`);
    expect(row(201)).toHaveClass('row-cursor');
    await user.keyboard('jj');
    expect(row(203)).toHaveClass('row-cursor');
    await user.keyboard('k');
    expect(row(202)).toHaveClass('row-cursor');
    await user.keyboard('{Enter}');
    const drawer = await screen.findByRole('dialog', { name: 'Question #202' });
    expect(await within(drawer).findByTestId('history-question')).toHaveTextContent('Question 202');
    await user.keyboard('j');
    expect(await screen.findByRole('dialog', { name: 'Question #203' })).toBeInTheDocument();
    expect(await within(screen.getByRole('dialog')).findByText('Question 203', { selector: '[data-testid="history-question"]' })).toBeInTheDocument();
    expect(row(203)).toHaveAttribute('aria-current', 'true');
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(calls.some((c) => c.path === '/api/v1/projects/42/nlqs/203')).toBe(true);
  });

  it('shows a question’s whole history: gold SQL, candidates with authors, translation evidence and one timeline', async () => {
    routes(
      {
        [list('limit=50')]: { body: { nlqs: [mismatched] } },
        'GET /api/v1/projects/42/nlqs/12': { body: loopHistory(mismatched) },
      },
      'lead',
    );
    renderApp('/projects/42/questions/12');
    const drawer = await screen.findByRole('dialog', { name: 'Question #12' });
    const history = await within(drawer).findByTestId('history-12');
    expect(within(history).getByText('Accepted', { selector: '.badge' })).toBeInTheDocument();

    const gold = within(history).getByRole('region', { name: 'Gold SQL' });
    expect(gold).toHaveTextContent('SELECT count(*) FROM singer');
    expect(gold).toHaveTextContent('#102 · human (ann@example.com)');

    const imported = within(history).getByTestId('candidate-100');
    expect(imported).toHaveTextContent('lead@example.com');
    expect(within(imported).getByText('Original (SQLite)')).toBeInTheDocument();
    expect(within(imported).getByText(/LIKE → ILIKE/)).toBeInTheDocument();
    expect(within(imported).getByText('NO MATCH')).toBeInTheDocument();
    expect(within(within(imported).getByRole('region', { name: 'SQLite result' })).getByText('6')).toBeInTheDocument();
    expect(within(history).getByTestId('candidate-101')).toHaveTextContent('agent');
    expect(within(within(history).getByTestId('candidate-101')).getByRole('link', { name: 'trajectory' })).toHaveAttribute('href', '/projects/42/agent/5');
    expect(within(within(history).getByTestId('candidate-102')).getByText('gold')).toBeInTheDocument();

    const items = within(within(history).getByTestId('timeline')).getAllByRole('listitem').filter((li) => li.classList.contains('timeline-entry'));
    const titles = items.map((li) => li.querySelector('.timeline-title > span')?.textContent);
    expect(titles).toEqual([
      'SQL imported: #100 · imported',
      'The agent answered: #101 · agent',
      'Claimed for annotation',
      'Annotated: SQL #102',
      'Compared #101 · agent with #102 · human (ann@example.com): no match',
      'Queued for review: Disagreement',
      'Status changed',
      'Claimed for review',
      'Reviewed: Accept B (#102 · human (ann@example.com))',
      'Review decision applied',
    ]);
    expect(items[3]).toHaveTextContent('took 1 min 05 s');
    expect(items[4]).toHaveTextContent('different values in row 1');
    expect(items[6]).toHaveTextContent('status: New → Needs review');
    const review = items[8];
    expect(within(review).getByText('Schema linking')).toBeInTheDocument();
    expect(within(review).getByText('R3')).toHaveClass('rule-chip');
    expect(review).toHaveTextContent('The agent counted stadiums.');
    expect(review).toHaveTextContent('rev@example.com');
    expect(within(review).getByRole('link', { name: 'guidelines v1' })).toHaveAttribute('href', '/projects/42/guidelines?version=1');
    expect(items[9]).toHaveTextContent('gold SQL: — → #102');
  });

  it('hides agent trajectories from annotators and explains a missing question', async () => {
    routes({
      [list('limit=50')]: { body: { nlqs: [mismatched] } },
      'GET /api/v1/projects/42/nlqs/12': { body: loopHistory(mismatched) },
      'GET /api/v1/projects/42/nlqs/99': errorReply(404, 'not_found', 'no question 99 in this project'),
    });
    const { unmount } = renderApp('/projects/42/questions/12');
    const candidate = await screen.findByTestId('candidate-101');
    expect(within(candidate).queryByRole('link', { name: 'trajectory' })).not.toBeInTheDocument();
    unmount();
    renderApp('/projects/42/questions/99');
    expect(await screen.findByText('There is no question #99 in this project.')).toBeInTheDocument();
  });

  it('shows WikiTableQuestions answers in the history', async () => {
    openHistory(wtq);
    const history = await screen.findByTestId('history-11');
    expect(within(history).getByText('Norway')).toHaveClass('answer-chip');
    expect(within(history).getByText('No SQL yet.')).toBeInTheDocument();
    expect(screen.queryByTestId('translation-report')).not.toBeInTheDocument();
  });

  it('tells a blind annotator that others’ SQL is hidden until they annotate, in the list and the history', async () => {
    const blind: Nlq = { ...mismatched, candidate: null, answers_hidden: true };
    openHistory(blind);
    const row = await screen.findByTestId('question-row-12');
    expect(within(row).getByTitle('SQL hidden until you annotate this question (blind annotation).')).toHaveTextContent('SQL hidden');
    const history = await screen.findByTestId('history-12');
    expect(within(history).getByTestId('answers-hidden')).toHaveTextContent('SQL hidden until you annotate this question (blind annotation).');
    expect(within(history).queryByText('No SQL yet.')).not.toBeInTheDocument();
    expect(within(history).queryByText(/No gold SQL yet/)).not.toBeInTheDocument();
    expect(within(history).getByRole('region', { name: 'SQL candidates' })).toHaveTextContent('SQL hidden until you annotate');
  });

  it('shows a neighbour database’s disagreement and a third candidate accepted in the timeline', async () => {
    const h = loopHistory(mismatched);
    const [c1, c2] = h.candidates.slice(-2);
    h.comparisons = [
      {
        id: 90, nlq_id: 12, candidate_a_id: c1.id, candidate_b_id: c2.id, match: false, reason: 'results differ on a neighbour', guideline_version: null, created_at: h.candidates[h.candidates.length - 1].created_at,
        detail: {
          same: false,
          neighbour: 'shifted',
          reason: 'rows differ',
          a: { ...preview([[4]]), elapsed_ns: 1000 },
          b: { ...preview([[5]]), elapsed_ns: 1000 },
          diff: { only_in_gold: [[4]], only_in_pred: [[5]], only_in_gold_count: 1, only_in_pred_count: 1, first_order_difference: -1, column_mapping: null },
          checked: 5,
        },
      },
    ];
    const item = h.review_items[0];
    // The history may leave out the candidate an "accept" chose: the newest review's is the gold.
    if (item) item.reviews = item.reviews.map((r) => ({ ...r, decision: 'accept' }));
    h.nlq = { ...h.nlq, gold_candidate_id: 100 };
    routes({
      [list('limit=50')]: { body: { nlqs: [mismatched] } },
      'GET /api/v1/projects/42/nlqs/12': { body: h },
    });
    renderApp('/projects/42/questions/12');
    const timeline = await screen.findByTestId('timeline');
    const box = within(timeline).getByTestId('neighbour-disagreement');
    expect(box).toHaveTextContent('Equal on the database, but not on its ‘shifted’ neighbour');
    expect(box).toHaveTextContent('5 neighbours were checked');
    if (item) expect(timeline.querySelector('.timeline-review')).toHaveTextContent(/Reviewed: Accept \(#100 · imported/);
  });

  it('explains an empty project, and filters that match nothing', async () => {
    routes({
      'GET /api/v1/projects/42/translation-report': { body: { reports: null } },
      'GET /api/v1/projects/42/nlqs/facets': { body: { statuses: null, stages: null, origins: null, error_types: null } },
      [list('limit=50')]: { body: { nlqs: null } },
      [list('status=rejected&limit=50')]: { body: { nlqs: [] } },
    });
    const { unmount } = renderApp('/projects/42/questions');
    expect(await screen.findByText('No questions yet')).toBeInTheDocument();
    unmount();
    renderApp('/projects/42/questions?status=rejected');
    expect(await screen.findByText('No questions match')).toBeInTheDocument();
    expect(screen.getByLabelText('Status')).toHaveValue('rejected');
  });
});

describe('try SQL', () => {
  const stored = 'SELECT nation FROM t_204_csv_590 ORDER BY gold DESC LIMIT 1';
  const wtqWithSql: Nlq = {
    ...wtq,
    candidate: { ...mismatched.candidate!, id: 300, sql: stored, original_sql: null, original_dialect: null, translation: null, verification: null },
  };
  const norway = { columns: [{ name: 'nation', type: 'text' }], rows: [['Norway']], row_count: 1, truncated: false, elapsed_ns: 2_000_000 };
  const checkPath = '/api/v1/projects/42/nlqs/11/check';

  function setup(nlq: Nlq, check: CheckResult | ReturnType<typeof errorReply>) {
    return routes({
      'GET /api/v1/projects/42/nlqs?limit=50': { body: { nlqs: [nlq] } },
      'GET /api/v1/projects/42/nlqs/11': { body: bareHistory(nlq) },
      'GET /api/v1/projects/42/databases/10': { body: { database: database({ id: 10, name: 'wtq' }), tables: [{ ...shipsTable, name: 't_204_csv_590' }] } },
      [`POST ${checkPath}`]: 'status' in check ? check : { body: check },
    });
  }

  function pressModEnter() {
    fireEvent.keyDown(screen.getByRole('textbox', { name: 'Try SQL' }), { key: 'Enter', code: 'Enter', keyCode: 13, ctrlKey: true });
  }

  it('checks the SQL on Ctrl-Enter and shows both verdicts and the result', async () => {
    const { calls } = setup(wtqWithSql, {
      result: norway,
      execution_match: { match: true, reason: 'same rows', against_candidate: 300 },
      answer_match: { match: true, reason: '', answers: ['Norway'] },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await user.click(await screen.findByRole('link', { name: wtq.question }));
    const detail = await screen.findByTestId('history-11');
    const area = await within(detail).findByRole('region', { name: 'Try SQL' });
    // The editor starts empty: nothing to check yet.
    expect(within(area).getByRole('textbox', { name: 'Try SQL' }).textContent).not.toContain('FROM');
    expect(within(area).getByRole('button', { name: /^Check/ })).toBeDisabled();
    pressModEnter();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    // Completion comes from the question's database.
    await vi.waitFor(() => expect(calls.some((c) => c.path === '/api/v1/projects/42/databases/10')).toBe(true));

    await user.click(within(area).getByRole('button', { name: 'Start from the stored SQL' }));
    expect(within(area).getByRole('textbox', { name: 'Try SQL' }).textContent).toBe(stored);
    pressModEnter();

    const out = await within(area).findByTestId('check-result');
    expect(calls.find((c) => c.method === 'POST')).toMatchObject({ path: checkPath, body: { sql: stored } });
    expect(within(out).getByTestId('execution-verdict')).toHaveTextContent('Same result as the stored SQL');
    expect(within(out).getByTestId('execution-verdict')).toHaveClass('check-verdict-ok');
    expect(within(out).getByTestId('answer-verdict')).toHaveTextContent('Matches the answer (Norway)');
    const grid = within(out).getByRole('region', { name: 'Try SQL result' });
    expect(within(grid).getByText('Norway')).toBeInTheDocument();
    expect(within(out).getByTestId('row-count')).toHaveTextContent('1 row');
  });

  it('says how the SQL differs, and shows a failed query', async () => {
    setup(wtqWithSql, {
      result: { columns: null, rows: null, row_count: 0, truncated: false, elapsed_ns: 800_000, error: 'column "gold_medals" does not exist' },
      execution_match: { match: false, reason: 'the predicted query failed', against_candidate: 300 },
      answer_match: { match: false, reason: 'the query failed', answers: ['Norway'] },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await user.click(await screen.findByRole('link', { name: wtq.question }));
    const area = await screen.findByRole('region', { name: 'Try SQL' });
    await user.click(within(area).getByRole('button', { name: 'Start from the stored SQL' }));
    await user.click(within(area).getByRole('button', { name: /^Check/ }));
    const out = await within(area).findByTestId('check-result');
    expect(within(out).getByTestId('execution-verdict')).toHaveTextContent('Differs from the stored SQL: the predicted query failed');
    expect(within(out).getByTestId('execution-verdict')).toHaveClass('check-verdict-bad');
    expect(within(out).getByTestId('answer-verdict')).toHaveTextContent('Does not match the answer: the query failed');
    expect(within(out).getByTestId('query-error')).toHaveTextContent('column "gold_medals" does not exist');
  });

  it('offers no stored SQL to start from when there is none, and no editor without a database', async () => {
    const csvQuestion: Nlq = { ...wtqWithSql, target_values: null, candidate: null, origin: { kind: 'csv', file: 'q.csv', line: 2 } };
    setup(csvQuestion, { result: norway });
    renderApp('/projects/42/questions');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('link', { name: wtq.question }));
    const area = await screen.findByRole('region', { name: 'Try SQL' });
    expect(within(area).queryByRole('button', { name: 'Start from the stored SQL' })).not.toBeInTheDocument();
    expect(within(area).getByRole('textbox', { name: 'Try SQL' })).toBeInTheDocument();
  });

  it('says when a question has no database to run SQL on', async () => {
    setup({ ...wtq, database_id: null, database_name: null }, { result: norway });
    renderApp('/projects/42/questions');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('link', { name: wtq.question }));
    const area = await screen.findByRole('region', { name: 'Try SQL' });
    expect(within(area).getByText('This question has no database to run SQL on.')).toBeInTheDocument();
    expect(within(area).queryByRole('textbox')).not.toBeInTheDocument();
  });

  it('shows an API error from the check', async () => {
    setup(wtqWithSql, errorReply(409, 'conflict', 'this question has no database to run SQL on'));
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await user.click(await screen.findByRole('link', { name: wtq.question }));
    const area = await screen.findByRole('region', { name: 'Try SQL' });
    await user.click(within(area).getByRole('button', { name: 'Start from the stored SQL' }));
    pressModEnter();
    expect(await within(area).findByText('this question has no database to run SQL on')).toBeInTheDocument();
  });
});
