import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EditorState } from '@codemirror/state';
import { EditorView, runScopeHandlers } from '@codemirror/view';
import { describe, expect, it, vi } from 'vitest';
import type { CompareResult, HistoryEntry, QueryResult } from '../api';
import { runKeymap } from '../components/SqlEditor';
import { database, portsTable, shipsTable } from '../test/fixtures';
import { meReply, mockApi, plainUser, project, type MockReply, type RecordedCall } from '../test/mockApi';
import { renderApp } from '../test/render';
import { quoteIdent, tableQuery } from './Database';

const base = '/api/v1/projects/42/databases/5';

const history: HistoryEntry[] = [
  { id: 3, database_id: 5, sql: 'SELECT name FROM ports', row_count: 3, error: null, elapsed_ms: 1.2, created_at: '2025-01-05T10:00:00Z' },
  { id: 2, database_id: 5, sql: 'DELETE FROM ports', row_count: null, error: 'refused: only SELECT queries may run', elapsed_ms: 0, created_at: '2025-01-05T09:00:00Z' },
];

const result: QueryResult = {
  columns: [
    { name: 'name', type: 'text' },
    { name: 'tonnage_grt', type: 'numeric' },
  ],
  rows: [
    ['Victory', 3500],
    ['Unknown', null],
  ],
  row_count: 1500,
  truncated: true,
  elapsed_ns: 4_200_000,
};

function setup(extra: Record<string, MockReply | ((c: RecordedCall) => MockReply)> = {}) {
  return mockApi({
    'GET /api/v1/auth/me': meReply(plainUser),
    'GET /api/v1/projects/42': { body: { project: project('annotator') } },
    [`GET ${base}`]: { body: { database: database(), tables: [shipsTable, portsTable] } },
    [`GET ${base}/history`]: { body: { history } },
    ...extra,
  });
}

/** The CodeMirror editor's text, as the user sees it. */
function editorText(label = 'SQL') {
  return screen.getByRole('textbox', { name: label }).textContent ?? '';
}

function pressModEnter(label = 'SQL') {
  const content = screen.getByRole('textbox', { name: label });
  fireEvent.keyDown(content, { key: 'Enter', code: 'Enter', keyCode: 13, ctrlKey: true });
}

describe('run keymap', () => {
  it('runs on Ctrl-Enter and Mod-Enter and swallows the key', () => {
    const run = vi.fn();
    const view = new EditorView({ state: EditorState.create({ doc: 'SELECT 1', extensions: [runKeymap(run)] }) });
    const ctrl = new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true });
    expect(runScopeHandlers(view, ctrl, 'editor')).toBe(true);
    const plain = new KeyboardEvent('keydown', { key: 'Enter' });
    expect(runScopeHandlers(view, plain, 'editor')).toBe(false);
    expect(run).toHaveBeenCalledTimes(1);
    expect(view.state.doc.toString()).toBe('SELECT 1');
    view.destroy();
  });

  it('quotes identifiers only when it must', () => {
    expect(quoteIdent('ships')).toBe('ships');
    expect(quoteIdent('order')).toBe('"order"');
    expect(quoteIdent('Total (all)')).toBe('"Total (all)"');
    expect(tableQuery('user')).toBe('SELECT * FROM "user" LIMIT 20');
  });
});

describe('database page', () => {
  it('shows the schema with original headers, keys and warnings', async () => {
    setup();
    const user = userEvent.setup();
    renderApp('/projects/42/databases/5');
    const schema = await screen.findByRole('complementary', { name: 'Schema' });
    expect(within(schema).getByRole('button', { name: 'ships' })).toBeInTheDocument();
    expect(within(schema).getByText('1,234')).toBeInTheDocument();
    expect(within(schema).getByRole('img', { name: /1 warning: column Tonnage \(GRT\)/ })).toBeInTheDocument();

    await user.click(within(schema).getByRole('button', { name: 'Columns of ships' }));
    const columns = within(schema).getByRole('list', { name: 'Columns of ships' });
    expect(within(columns).getByText('“Tonnage (GRT)”')).toBeInTheDocument();
    // Only headers that differ from the column name are repeated.
    expect(within(columns).getAllByTestId('original-header')).toHaveLength(1);
    expect(within(columns).getByText('PK')).toHaveAttribute('title', 'Primary key');
    expect(within(columns).getByText('FK → ports.id')).toBeInTheDocument();

    await user.click(within(schema).getByRole('button', { name: 'Details of ships' }));
    const detail = await screen.findByTestId('table-detail');
    expect(within(detail).getByText('Ships of the line')).toBeInTheDocument();
  });

  it('runs the editor on Ctrl-Enter and renders NULL, numbers, truncation and timing', async () => {
    const { calls } = setup({ [`POST ${base}/query`]: { body: result } });
    const user = userEvent.setup();
    renderApp('/projects/42/databases/5');
    // History: a click loads the SQL into the editor.
    await user.click(await screen.findByRole('button', { name: /SELECT name FROM ports/ }));
    expect(editorText()).toBe('SELECT name FROM ports');
    const historyCalls = calls.filter((c) => c.path === `${base}/history`).length;

    pressModEnter();
    expect(await screen.findByTestId('row-count')).toHaveTextContent('1,500 rows');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ sql: 'SELECT name FROM ports' });
    const grid = screen.getByRole('region', { name: 'Query result' });
    const nullCell = within(grid).getByText('NULL');
    expect(nullCell).toHaveClass('cell-null');
    expect(within(grid).getByText('3500')).toHaveClass('cell-num');
    expect(within(grid).getByText('numeric')).toBeInTheDocument();
    expect(screen.getByText(/Truncated at 2 rows of 1,500/)).toBeInTheDocument();
    expect(screen.getByText('4.2 ms')).toBeInTheDocument();
    // The history is reloaded after a run.
    await vi.waitFor(() => expect(calls.filter((c) => c.path === `${base}/history`).length).toBeGreaterThan(historyCalls));
  });

  it('shows a refused query as a readable error', async () => {
    setup({
      [`POST ${base}/query`]: {
        body: { columns: null, rows: null, row_count: 0, truncated: false, elapsed_ns: 0, error: 'refused: only SELECT queries may run' },
      },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/databases/5');
    await user.click(await screen.findByRole('button', { name: /DELETE FROM ports/ }));
    await user.click(screen.getByRole('button', { name: /^Run/ }));
    const error = await screen.findByTestId('query-error');
    expect(error).toHaveTextContent('Query refused');
    expect(error).toHaveTextContent('refused: only SELECT queries may run');
  });

  it('fills and runs SELECT * for "Query" and inserts names at the cursor', async () => {
    const { calls } = setup({ [`POST ${base}/query`]: { body: result } });
    const user = userEvent.setup();
    renderApp('/projects/42/databases/5');
    const schema = await screen.findByRole('complementary', { name: 'Schema' });
    await user.click(within(schema).getByRole('button', { name: 'Columns of ports' }));
    await user.click(within(schema).getByRole('button', { name: 'Query ports' }));
    expect(editorText()).toBe('SELECT * FROM ports LIMIT 20');
    await vi.waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ sql: 'SELECT * FROM ports LIMIT 20' }));

    await user.click(within(schema).getByRole('button', { name: 'ships' }));
    expect(editorText()).toBe('SELECT * FROM ports LIMIT 20ships');
  });

  it.each([
    [
      'MATCH',
      { match: true, reason: 'equal', order_matters: false, diff: { only_in_gold: [], only_in_pred: [], first_order_difference: -1, column_mapping: [1, 0] } },
    ],
    [
      'NO MATCH',
      {
        match: false,
        reason: 'rows differ',
        order_matters: false,
        diff: { only_in_gold: [['Victory', 3500]], only_in_pred: [['Victory', 3600]], only_in_gold_count: 1, only_in_pred_count: 1, first_order_difference: -1, column_mapping: null },
      },
    ],
  ] as const)('compares gold and predicted: %s', async (verdict, partial) => {
    const answer: CompareResult = { ...partial, gold: result, pred: result } as unknown as CompareResult;
    const { calls } = setup({ [`POST ${base}/compare`]: { body: answer } });
    const user = userEvent.setup();
    renderApp('/projects/42/databases/5');
    await user.click(await screen.findByRole('button', { name: /SELECT name FROM ports/ }));
    await user.click(screen.getByRole('button', { name: 'Compare' }));
    // Gold starts from the runner's SQL; predicted is typed by the user.
    expect(editorText('Gold SQL')).toBe('SELECT name FROM ports');
    const schema = screen.getByRole('complementary', { name: 'Schema' });
    act(() => screen.getByRole('textbox', { name: 'Predicted SQL' }).focus());
    await user.click(within(schema).getByRole('button', { name: 'ports' }));
    expect(editorText('Predicted SQL')).toBe('ports');

    pressModEnter('Predicted SQL');
    const out = await screen.findByTestId('compare-result');
    expect(calls.find((c) => c.path === `${base}/compare`)?.body).toEqual({ gold_sql: 'SELECT name FROM ports', pred_sql: 'ports' });
    expect(within(out).getByTestId('verdict')).toHaveTextContent(verdict);
    expect(within(out).getByRole('region', { name: 'Gold result' })).toBeInTheDocument();
    expect(within(out).getByRole('region', { name: 'Predicted result' })).toBeInTheDocument();
    if (verdict === 'NO MATCH') {
      const diff = within(out).getByTestId('diff');
      expect(within(diff).getByText('Only in gold (1)')).toBeInTheDocument();
      expect(within(within(diff).getByRole('region', { name: 'Rows only in predicted' })).getByText('3600')).toBeInTheDocument();
      expect(within(out).getByTestId('verdict')).toHaveTextContent('rows differ');
    } else {
      expect(within(out).queryByTestId('diff')).not.toBeInTheDocument();
    }
  });
});
