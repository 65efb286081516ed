import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { database, portsTable, shipsTable } from '../test/fixtures';
import { errorReply, mockApi, projectRoutes } from '../test/mockApi';
import { renderApp } from '../test/render';
import { SchemaSearch, type SearchResponse } from './SchemaSearch';

const path = '/api/v1/projects/42/databases/5/search';

const found: SearchResponse = {
  query: 'usl a-league',
  tables: 83,
  hits: [
    {
      table: 't_200_csv_1',
      original: 'csv/200-csv/1.csv',
      score: 7.1,
      matches: [
        { field: 'column', column: 'league', text: 'League' },
        { field: 'value', column: 'league', text: "USL A-League's" },
      ],
    },
    { table: 't_201_csv_9', score: 2.3, matches: [{ field: 'name', text: 't_201_csv_9' }] },
  ],
};

function setup(reply: Parameters<typeof mockApi>[0][string]) {
  const api = mockApi({ [`GET ${path}`]: reply });
  const onShow = vi.fn();
  const onInsert = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <SchemaSearch projectId={42} databaseId={5} onShow={onShow} onInsert={onInsert} />
    </QueryClientProvider>,
  );
  return { api, onShow, onInsert, user: userEvent.setup() };
}

describe('SchemaSearch', () => {
  it('searches once typing pauses and shows each table with what matched', async () => {
    const { api, user } = setup({ body: found });
    await user.type(screen.getByRole('searchbox', { name: 'Find tables, columns and values' }), 'usl a-league');
    expect(await screen.findByRole('button', { name: 't_200_csv_1' })).toBeInTheDocument();
    expect(screen.getByText('csv/200-csv/1.csv')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /league = “USL A-League's”/ })).toBeInTheDocument();
    // One request for the words as finally typed, not one per key.
    const searches = api.calls.filter((c) => c.path.startsWith(path));
    expect(searches).toHaveLength(1);
    expect(new URL(searches[0].path, 'http://x').searchParams.get('q')).toBe('usl a-league');
  });

  it('opens a table and inserts a column or a condition with the value quoted', async () => {
    const { onShow, onInsert, user } = setup({ body: found });
    await user.type(screen.getByRole('searchbox'), 'usl');
    await user.click(await screen.findByRole('button', { name: 't_200_csv_1' }));
    expect(onShow).toHaveBeenCalledWith('t_200_csv_1');
    await user.click(screen.getByRole('button', { name: /league = “USL/ }));
    expect(onInsert).toHaveBeenCalledWith("league = 'USL A-League''s'");
    await user.click(screen.getByTitle('Insert this column'));
    expect(onInsert).toHaveBeenCalledWith('league');
  });

  it('says what a column holds when its kind of values matched, and inserts the column', async () => {
    const { onInsert, user } = setup({
      body: {
        query: 'which years',
        tables: 83,
        hits: [{ table: 't_201_csv_10', score: 3.2, matches: [{ field: 'kind', column: 'office', text: 'years' }] }],
      },
    });
    await user.type(screen.getByRole('searchbox'), 'which years');
    const column = await screen.findByRole('button', { name: 'office holds years' });
    await user.click(column);
    expect(onInsert).toHaveBeenCalledWith('office');
  });

  it('says when nothing matches, and when the search failed', async () => {
    const { user } = setup({ body: { query: 'zebra', tables: 83, hits: [] } });
    await user.type(screen.getByRole('searchbox'), 'zebra');
    expect(await screen.findByText(/Nothing in 83 tables holds “zebra”/)).toBeInTheDocument();
  });

  it('shows the error of a failed search', async () => {
    const { user } = setup(errorReply(400, 'invalid', 'q: must be at most 200 characters'));
    await user.type(screen.getByRole('searchbox'), 'x');
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('The search failed'));
  });

  it('sends nothing for blank input', async () => {
    const { api, user } = setup({ body: found });
    await user.type(screen.getByRole('searchbox'), '   ');
    await new Promise((r) => setTimeout(r, 400));
    expect(api.calls).toHaveLength(0);
  });
});

describe('SchemaSearch on the database page', () => {
  it('finds a table by a value and opens it', async () => {
    const base = '/api/v1/projects/42/databases/5';
    mockApi({
      ...projectRoutes('annotator'),
      [`GET ${base}`]: { body: { database: database(), tables: [shipsTable, portsTable] } },
      [`GET ${base}/history`]: { body: { history: [] } },
      [`GET ${base}/tables/ships/rows`]: { body: { columns: [], rows: [], row_count: 0, truncated: false, elapsed_ns: 1 } },
      [`GET ${base}/search`]: {
        body: { query: 'victory', tables: 2, hits: [{ table: 'ships', score: 3, matches: [{ field: 'value', column: 'name', text: 'Victory' }] }] },
      },
    });
    renderApp('/projects/42/databases/5');
    const user = userEvent.setup();
    await user.type(await screen.findByRole('searchbox', { name: 'Find tables, columns and values' }), 'victory');
    const results = await screen.findByRole('list', { name: 'Search results' });
    await user.click(within(results).getByRole('button', { name: 'ships' }));
    expect(await screen.findByTestId('table-detail')).toHaveTextContent('Query this table');
    expect(within(screen.getByTestId('table-detail')).getByRole('heading', { name: 'ships' })).toBeInTheDocument();
  });
});
