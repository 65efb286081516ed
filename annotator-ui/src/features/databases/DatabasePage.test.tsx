import { act, fireEvent, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { EditorState } from '@codemirror/state';
import { EditorView, runScopeHandlers } from '@codemirror/view';
import { MemoryRouter, useLocation } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { AppRoutes, createQueryClient, Providers } from '../../App';
import type { CompareResult, HistoryEntry, QueryResult } from '../../shared/api';
import { runKeymap } from '../../components/SqlEditor';
import { database, portsTable, shipsTable } from '../../test/fixtures';
import { errorReply, mockApi, projectRoutes, type MockReply, type RecordedCall } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { quoteIdent, tableQuery } from './sql';

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
    ...projectRoutes('annotator'),
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

describe('table name and summary', () => {
  const rows = { columns: [{ name: 'id', type: 'bigint' }], rows: [[1]], row_count: 1, truncated: false, elapsed_ns: 1000 };

  /** Where the app is, for asserting on the URL. */
  function Location() {
    const l = useLocation();
    return <output data-testid="location">{l.pathname + l.search}</output>;
  }

  /** In the open table's detail, press Edit and type `text` as its new name; returns the name field. */
  async function typeTableName(user: ReturnType<typeof userEvent.setup>, detail: HTMLElement, text: string) {
    await user.click(await within(detail).findByRole('button', { name: 'Edit' }));
    const name = within(detail).getByLabelText('Table name');
    await user.clear(name);
    await user.type(name, text);
    return name;
  }

  /** The database page with ships open, for `role`; PATCH answered by `patch`, GET database by the current tables. */
  function setupTable(role: 'lead' | 'admin' | 'annotator' | 'reviewer', patch?: (c: RecordedCall) => MockReply) {
    let tables = [shipsTable, portsTable];
    const api = mockApi({
      ...projectRoutes(role),
      [`GET ${base}`]: () => ({ body: { database: database(), tables } }),
      [`GET ${base}/history`]: { body: { history: [] } },
      [`GET ${base}/tables/ships/rows`]: { body: rows },
      [`GET ${base}/tables/vessels/rows`]: { body: rows },
      [`PATCH ${base}/tables/ships`]: (c) => {
        const reply = patch?.(c) ?? { status: 500 };
        if ((reply.status ?? 200) === 200) {
          const saved = (reply.body as { table: typeof shipsTable }).table;
          tables = tables.map((t) => (t.id === saved.id ? saved : t));
        }
        return reply;
      },
    });
    const client = createQueryClient();
    client.setDefaultOptions({ queries: { ...client.getDefaultOptions().queries, retry: false } });
    render(
      <Providers client={client}>
        <MemoryRouter initialEntries={['/projects/42/databases/5?table=ships']}>
          <AppRoutes />
          <Location />
        </MemoryRouter>
      </Providers>,
    );
    return api;
  }

  it.each(['annotator', 'reviewer'] as const)('shows the summary read-only to a %s, with no Edit button', async (role) => {
    setupTable(role);
    const detail = await screen.findByTestId('table-detail');
    expect(within(detail).getByTestId('table-summary')).toHaveTextContent('Ships of the line');
    // The project (and with it the role) loads alongside the database.
    await screen.findByRole('link', { name: 'Retail analytics' });
    expect(within(detail).queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });

  it('offers leads an Edit button and says when there is no summary yet', async () => {
    mockApi({
      ...projectRoutes('lead'),
      [`GET ${base}`]: { body: { database: database(), tables: [shipsTable, portsTable] } },
      [`GET ${base}/history`]: { body: { history: [] } },
      [`GET ${base}/tables/ports/rows`]: { body: rows },
    });
    renderApp('/projects/42/databases/5?table=ports');
    const detail = await screen.findByTestId('table-detail');
    expect(await within(detail).findByRole('button', { name: 'Edit' })).toBeInTheDocument();
    expect(within(detail).getByTestId('table-summary')).toHaveTextContent('No summary yet');
    expect(within(detail).getByTestId('table-summary')).toHaveClass('muted');
  });

  it('saves only the summary when only the summary changed; Escape cancels without saving', async () => {
    const { calls } = setupTable('lead', () => ({ body: { table: { ...shipsTable, summary: 'Ships of the Royal Navy' } } }));
    const user = userEvent.setup();
    const detail = await screen.findByTestId('table-detail');

    // Escape leaves the form, sends nothing, and gives focus back to Edit.
    await user.click(await within(detail).findByRole('button', { name: 'Edit' }));
    expect(within(detail).getByLabelText('Table name')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(within(detail).queryByRole('form')).not.toBeInTheDocument();
    expect(within(detail).getByRole('button', { name: 'Edit' })).toHaveFocus();

    await user.click(within(detail).getByRole('button', { name: 'Edit' }));
    const summary = within(detail).getByLabelText('Summary');
    await user.clear(summary);
    await user.type(summary, 'Ships of the Royal Navy');
    await user.click(within(detail).getByRole('button', { name: 'Save' }));

    expect(await within(detail).findByTestId('table-summary')).toHaveTextContent('Ships of the Royal Navy');
    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(1);
    expect(patches[0].body).toEqual({ summary: 'Ships of the Royal Navy' });
    expect(patches[0].headers['Content-Type']).toBe('application/json');
  });

  it('renames on Enter, and the sidebar, the open table and its rows follow the new name', async () => {
    const { calls } = setupTable('admin', () => ({ body: { table: { ...shipsTable, name: 'vessels' } } }));
    const user = userEvent.setup();
    const detail = await screen.findByTestId('table-detail');
    await typeTableName(user, detail, 'vessels{Enter}');

    expect(await within(detail).findByRole('heading', { name: 'vessels' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'vessels' });
    const schema = screen.getByRole('complementary', { name: 'Schema' });
    expect(within(schema).getByRole('button', { name: 'vessels' })).toBeInTheDocument();
    expect(within(schema).queryByRole('button', { name: 'ships' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Table · vessels' })).toHaveAttribute('aria-pressed', 'true');
    await vi.waitFor(() => expect(screen.getByTestId('location')).toHaveTextContent('/projects/42/databases/5?table=vessels'));
    // Sample rows come from the new name, and the database is read again.
    await vi.waitFor(() => expect(calls.some((c) => c.path === `${base}/tables/vessels/rows?limit=20`)).toBe(true));
    await vi.waitFor(() => expect(calls.filter((c) => c.method === 'GET' && c.path === base).length).toBeGreaterThan(1));
    expect(screen.getByText('Table renamed to vessels')).toBeInTheDocument();
  });

  it('shows a 400 on the name field', async () => {
    const message = 'must be a lower-case identifier: letters, digits and _, not starting with a digit, at most 63 characters';
    setupTable('lead', () => errorReply(400, 'invalid_input', 'invalid input', { fields: { name: message } }));
    const user = userEvent.setup();
    const detail = await screen.findByTestId('table-detail');
    const name = await typeTableName(user, detail, 'Big Ships{Enter}');
    expect(await within(detail).findByText(message)).toHaveClass('field-error');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    // Still editing, with what was typed.
    expect(name).toHaveValue('Big Ships');
  });

  it('shows a 409 (name taken) on the name field', async () => {
    setupTable('lead', () => errorReply(409, 'conflict', 'database medals already has a table named ports'));
    const user = userEvent.setup();
    const detail = await screen.findByTestId('table-detail');
    const name = await typeTableName(user, detail, 'ports');
    await user.click(within(detail).getByRole('button', { name: 'Save' }));
    expect(await within(detail).findByText('This database already has a table named “ports”.')).toHaveClass('field-error');
    expect(name).toHaveAttribute('aria-invalid', 'true');
  });

  it('sends nothing when nothing changed, and asks for a name when it is empty', async () => {
    const { calls } = setupTable('lead');
    const user = userEvent.setup();
    const detail = await screen.findByTestId('table-detail');
    await user.click(await within(detail).findByRole('button', { name: 'Edit' }));
    await user.clear(within(detail).getByLabelText('Table name'));
    await user.keyboard('{Enter}');
    expect(within(detail).getByText('Enter a name.')).toBeInTheDocument();
    await user.type(within(detail).getByLabelText('Table name'), 'ships{Enter}');
    expect(within(detail).queryByRole('form')).not.toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
  });
});
