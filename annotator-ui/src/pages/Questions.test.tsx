import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { CheckResult, Nlq } from '../api';
import { database, shipsTable } from '../test/fixtures';
import { errorReply, meReply, mockApi, plainUser, project } from '../test/mockApi';
import { renderApp } from '../test/render';
import { describeOrigin } from './Questions';

const preview = (rows: unknown[][]) => ({ columns: [{ name: 'count', type: 'int8' }], rows, row_count: rows.length, truncated: false });

const mismatched: Nlq = {
  id: 12,
  question: 'How many singers do we have?',
  stage: 'human-seed',
  status: 'needs_review',
  origin: { kind: 'spider', file: 'dev.json', index: 12, db_id: 'concert_singer' },
  target_values: null,
  database_id: 9,
  database_name: 'concert_singer',
  created_at: '2025-01-05T10:00:00Z',
  candidate: {
    id: 100,
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
  },
};

const wtq: Nlq = {
  id: 11,
  question: 'which nation won the most gold medals?',
  stage: 'human-seed',
  status: 'new',
  origin: { kind: 'wtq', file: 'questions.tsv', id: 'nt-0', context: 'csv/204-csv/590.csv', table: 't_204_csv_590' },
  target_values: ['Norway'],
  database_id: 10,
  database_name: 'wtq',
  created_at: '2025-01-05T10:00:00Z',
  candidate: null,
};

describe('questions tab', () => {
  it('describes origins the way people cite them', () => {
    expect(describeOrigin(mismatched.origin)).toBe('spider dev.json #12');
    expect(describeOrigin(wtq.origin)).toBe('wtq nt-0');
    expect(describeOrigin({ kind: 'csv', file: 'seed.csv', line: 3 })).toBe('seed.csv line 3');
  });

  it('lists questions with the translation report, filters, expands and pages', async () => {
    const page1 = Array.from({ length: 50 }, (_, i): Nlq => ({ ...wtq, id: 200 - i, question: `Question ${200 - i}` }));
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/projects/42': { body: { project: project('annotator') } },
      'GET /api/v1/projects/42/databases?all_versions=true': {
        body: { databases: [database({ id: 9, name: 'concert_singer' }), database({ id: 10, name: 'wtq' })] },
      },
      'GET /api/v1/projects/42/translation-report': {
        body: { reports: [{ database_id: 9, database_name: 'concert_singer', total: 45, matched: 44, mismatched: 1, match_rate: 44 / 45 }] },
      },
      'GET /api/v1/projects/42/nlqs?limit=50': { body: { nlqs: page1 } },
      'GET /api/v1/projects/42/nlqs?before=151&limit=50': { body: { nlqs: [mismatched, wtq] } },
      'GET /api/v1/projects/42/nlqs?status=needs_review&limit=50': { body: { nlqs: [mismatched] } },
      'GET /api/v1/projects/42/nlqs?status=needs_review&database=9&limit=50': { body: { nlqs: [mismatched] } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');

    const report = await screen.findByTestId('translation-report');
    expect(report).toHaveTextContent('concert_singer');
    expect(report).toHaveTextContent('44/45 (97.8%)');

    expect(await screen.findByText('Question 200')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('How many singers do we have?')).toBeInTheDocument();
    expect(screen.getByText('spider dev.json #12')).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText('Status'), 'needs_review');
    await user.selectOptions(screen.getByLabelText('Database'), '9');
    await screen.findByText('How many singers do we have?');
    expect(calls.some((c) => c.path === '/api/v1/projects/42/nlqs?status=needs_review&database=9&limit=50')).toBe(true);
    expect(screen.queryByText('Question 200')).not.toBeInTheDocument();
    expect(screen.getByText('Needs review', { selector: '.badge' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Show details of question 12' }));
    const detail = screen.getByTestId('nlq-detail-12');
    expect(within(detail).getByText(/name ILIKE/)).toBeInTheDocument();
    expect(within(detail).getByText('Original (SQLite)')).toBeInTheDocument();
    expect(within(detail).getByText(/LIKE → ILIKE/)).toBeInTheDocument();
    expect(within(detail).getByText('NO MATCH')).toBeInTheDocument();
    expect(within(detail).getByText('rows differ')).toBeInTheDocument();
    expect(within(within(detail).getByRole('region', { name: 'SQLite result' })).getByText('6')).toBeInTheDocument();
    expect(within(within(detail).getByRole('region', { name: 'PostgreSQL result' })).getByText('5')).toBeInTheDocument();
  });

  it('shows WikiTableQuestions answers', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/projects/42': { body: { project: project('annotator') } },
      'GET /api/v1/projects/42/databases?all_versions=true': { body: { databases: [] } },
      'GET /api/v1/projects/42/translation-report': { body: { reports: [] } },
      'GET /api/v1/projects/42/nlqs?limit=50': { body: { nlqs: [wtq] } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await user.click(await screen.findByRole('button', { name: 'Show details of question 11' }));
    const detail = screen.getByTestId('nlq-detail-11');
    expect(within(detail).getByText('Norway')).toHaveClass('answer-chip');
    expect(within(detail).getByText('No SQL yet.')).toBeInTheDocument();
    expect(within(detail).getByText('t_204_csv_590')).toBeInTheDocument();
    expect(screen.queryByTestId('translation-report')).not.toBeInTheDocument();
  });

  it('explains an empty project', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/projects/42': { body: { project: project('annotator') } },
      'GET /api/v1/projects/42/databases?all_versions=true': { body: { databases: [] } },
      'GET /api/v1/projects/42/translation-report': { body: { reports: null } },
      'GET /api/v1/projects/42/nlqs?limit=50': { body: { nlqs: null } },
    });
    renderApp('/projects/42/questions');
    expect(await screen.findByText('No questions yet')).toBeInTheDocument();
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
    return mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/projects/42': { body: { project: project('annotator') } },
      'GET /api/v1/projects/42/databases?all_versions=true': { body: { databases: [database({ id: 10, name: 'wtq' })] } },
      'GET /api/v1/projects/42/translation-report': { body: { reports: [] } },
      'GET /api/v1/projects/42/nlqs?limit=50': { body: { nlqs: [nlq] } },
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
    await user.click(await screen.findByRole('button', { name: 'Show details of question 11' }));
    const detail = screen.getByTestId('nlq-detail-11');
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
      result: { columns: null, rows: null, row_count: 0, truncated: false, error: 'column "gold_medals" does not exist' },
      execution_match: { match: false, reason: 'the predicted query failed', against_candidate: 300 },
      answer_match: { match: false, reason: 'the query failed', answers: ['Norway'] },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await user.click(await screen.findByRole('button', { name: 'Show details of question 11' }));
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
    await user.click(await screen.findByRole('button', { name: 'Show details of question 11' }));
    const area = await screen.findByRole('region', { name: 'Try SQL' });
    expect(within(area).queryByRole('button', { name: 'Start from the stored SQL' })).not.toBeInTheDocument();
    expect(within(area).getByRole('textbox', { name: 'Try SQL' })).toBeInTheDocument();
  });

  it('says when a question has no database to run SQL on', async () => {
    setup({ ...wtq, database_id: null, database_name: null }, { result: norway });
    renderApp('/projects/42/questions');
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Show details of question 11' }));
    const area = await screen.findByRole('region', { name: 'Try SQL' });
    expect(within(area).getByText('This question has no database to run SQL on.')).toBeInTheDocument();
    expect(within(area).queryByRole('textbox')).not.toBeInTheDocument();
  });

  it('shows an API error from the check', async () => {
    setup(wtqWithSql, errorReply(409, 'conflict', 'this question has no database to run SQL on'));
    const user = userEvent.setup();
    renderApp('/projects/42/questions');
    await user.click(await screen.findByRole('button', { name: 'Show details of question 11' }));
    const area = await screen.findByRole('region', { name: 'Try SQL' });
    await user.click(within(area).getByRole('button', { name: 'Start from the stored SQL' }));
    pressModEnter();
    expect(await within(area).findByText('this question has no database to run SQL on')).toBeInTheDocument();
  });
});
