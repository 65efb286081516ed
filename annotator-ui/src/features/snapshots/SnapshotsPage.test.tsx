import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { EXPORT_FORMATS } from '../../shared/golden';
import { database } from '../../test/fixtures';
import { exportRecord, pair, snapshot } from '../../test/goldenFixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { snapshotParams } from './CutSnapshot';

const base = (role: 'lead' | 'reviewer' = 'lead') => ({
  ...projectRoutes(role),
  'GET /api/v1/projects/42/databases': { body: { databases: [database({ id: 9, name: 'concert_singer' })] } },
  'GET /api/v1/projects/42/members': { body: { members: [{ user_id: 8, email: 'lee@example.com', name: 'Lee', role: 'lead', version: 1, created_at: '2025-01-01T00:00:00Z' }] } },
  'GET /api/v1/projects/42/exports': { body: { exports: [exportRecord()] } },
});

describe('snapshots tab', () => {
  it('lists snapshots with their manifest summary and cuts one from the form', async () => {
    const { calls } = mockApi({
      ...base(),
      'GET /api/v1/projects/42/snapshots': { body: { snapshots: [snapshot({ created_by: 8 })] } },
      'POST /api/v1/projects/42/snapshots': { status: 201, body: { snapshot: snapshot({ id: 4, name: 'second' }) } },
      'GET /api/v1/projects/42/snapshots/4': { body: { snapshot: snapshot({ id: 4, name: 'second' }) } },
      'GET /api/v1/projects/42/snapshots/4/pairs?split=train&limit=50': { body: { pairs: [], next_after: null } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/snapshots');

    const row = await screen.findByTestId('snapshot-row-3', {}, { timeout: 5000 });
    expect(row).toHaveTextContent('#3 v1 golden');
    expect(row).toHaveTextContent('8 / 1 / 1');
    expect(row).toHaveTextContent('abcdef012345');
    expect(row).toHaveTextContent('1 near-duplicate · 2 same SQL');
    expect(await within(row).findByText(/by lee@example\.com/)).toBeInTheDocument();
    // The lead's export history.
    expect(await screen.findByRole('table', { name: 'Exports' })).toHaveTextContent('OpenAI chat (JSONL)');

    const form = screen.getByRole('form', { name: 'Cut a snapshot' });
    await user.type(within(form).getByLabelText('Name'), 'second');
    await user.type(within(form).getByLabelText('Stages'), 'human-seed, paraphrase');
    await user.click(within(form).getByLabelText('Easy'));
    await user.click(within(form).getByLabelText('Reviewed'));
    await user.click(within(form).getByLabelText('Agreed'));
    await user.click(within(form).getByLabelText('concert_singer'));
    await user.clear(within(form).getByLabelText('Seed'));
    await user.type(within(form).getByLabelText('Seed'), '5');
    await user.clear(within(form).getByLabelText('Train'));
    await user.type(within(form).getByLabelText('Train'), '0.6');
    // The shares no longer sum to 1: said before anything is sent.
    await user.click(within(form).getByRole('button', { name: 'Cut snapshot' }));
    expect(within(form).getByText('The shares sum to 0.8, not 1.')).toBeInTheDocument();
    await user.clear(within(form).getByLabelText('Validation'));
    await user.type(within(form).getByLabelText('Validation'), '0.3');
    await user.click(within(form).getByLabelText('Split by database (no database in two splits)'));
    await user.click(within(form).getByRole('button', { name: 'Cut snapshot' }));

    expect(await screen.findByText('Snapshot #4 second')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      name: 'second',
      seed: 5,
      ratios: { train: 0.6, val: 0.3, test: 0.1 },
      split_by_database: true,
      filters: { stages: ['human-seed', 'paraphrase'], hardness: ['easy'], review_status: ['reviewed', 'agreed'], database_ids: [9] },
    });
  });

  it('accepts a benchmark’s verified imported gold, of one database or all', async () => {
    const { calls } = mockApi({
      ...base(),
      'GET /api/v1/projects/42/snapshots': { body: { snapshots: [] } },
      'POST /api/v1/projects/42/nlqs/accept-imported': { body: { accepted: 44 } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/snapshots');
    const card = (await screen.findByRole('heading', { name: 'Imported benchmark gold' }, { timeout: 5000 })).closest('section')!;
    const select = await within(card as HTMLElement).findByLabelText('Database');
    await within(card as HTMLElement).findByRole('option', { name: 'concert_singer v1' });
    await user.selectOptions(select, '9');
    await user.click(within(card as HTMLElement).getByRole('button', { name: 'Accept verified imported gold' }));
    expect(await screen.findByText(/44 questions accepted: cut a snapshot with review status "imported"/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ database_id: 9 });
  });

  it('shows the server’s field errors beside their fields, and a 409 as nothing to snapshot', async () => {
    let reply = errorReply(400, 'invalid_input', 'ratios: must sum to 1', {
      fields: {
        name: 'is longer than 200 bytes',
        ratios: 'must sum to 1',
        'filters.created_to': 'must be after created_from',
        'filters.review_status': 'must be among "agreed", "reviewed", "imported"',
      },
    });
    mockApi({
      ...base(),
      'GET /api/v1/projects/42/snapshots': { body: { snapshots: [] } },
      'POST /api/v1/projects/42/snapshots': () => reply,
    });
    const user = userEvent.setup();
    renderApp('/projects/42/snapshots');
    expect(await screen.findByText('No snapshots yet')).toBeInTheDocument();
    const form = screen.getByRole('form', { name: 'Cut a snapshot' });
    await user.type(within(form).getByLabelText('Name'), 'x');
    await user.click(within(form).getByRole('button', { name: 'Cut snapshot' }));
    expect(await within(form).findByText('is longer than 200 bytes')).toBeInTheDocument();
    expect(within(form).getByText('must sum to 1')).toBeInTheDocument();
    expect(within(form).getByText('must be after created_from')).toBeInTheDocument();
    expect(within(form).getByText('must be among "agreed", "reviewed", "imported"')).toBeInTheDocument();
    expect(within(form).getByLabelText('Name')).toHaveAttribute('aria-invalid', 'true');

    reply = errorReply(409, 'conflict', 'nothing to snapshot: no accepted question with gold SQL matches the filters');
    await user.click(within(form).getByRole('button', { name: 'Cut snapshot' }));
    const alert = await within(form).findByText(/no accepted question with gold SQL matches the filters/);
    expect(alert.closest('.alert')).toHaveTextContent('Nothing to snapshot');
  });

  it('compares two snapshots', async () => {
    const a = snapshot({ id: 3 });
    const b = snapshot({ id: 4, name: 'second' });
    mockApi({
      ...base(),
      'GET /api/v1/projects/42/snapshots': { body: { snapshots: [b, a] } },
      'GET /api/v1/projects/42/snapshots/compare?a=3&b=4': {
        body: {
          diff: {
            a: 3,
            b: 4,
            same_hash: false,
            added: 1,
            removed: 0,
            changed: 1,
            moved: 2,
            same: 7,
            examples: {
              added: [{ nlq_id: 30, b: pair({ nlq_id: 30, question: 'A new question?', split: 'val' }) }],
              removed: [],
              changed: [{ nlq_id: 11, a: pair(), b: pair({ sql: 'SELECT count(id) FROM singer' }) }],
            },
          },
        },
      },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/snapshots');
    const form = await screen.findByRole('form', { name: 'Compare snapshots' });
    await user.selectOptions(within(form).getByLabelText('Snapshot A'), '3');
    await user.selectOptions(within(form).getByLabelText('Snapshot B'), '4');
    await user.click(within(form).getByRole('button', { name: 'Compare' }));
    const diff = await screen.findByTestId('snapshot-diff');
    expect(within(diff).getByLabelText('Differences')).toHaveTextContent(/Added1Removed0Changed1Moved2Same7/);
    expect(within(diff).getByRole('region', { name: 'Added pairs' })).toHaveTextContent('A new question?');
    expect(within(diff).getByRole('region', { name: 'Changed pairs' })).toHaveTextContent('count(id)');
  });

  it('keeps the form and downloads from reviewers', async () => {
    mockApi({ ...base('reviewer'), 'GET /api/v1/projects/42/snapshots': { body: { snapshots: [snapshot()] } } });
    renderApp('/projects/42/snapshots');
    expect(await screen.findByTestId('snapshot-row-3')).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Cut a snapshot' })).not.toBeInTheDocument();
    expect(screen.queryByRole('table', { name: 'Exports' })).not.toBeInTheDocument();
  });

  it('turns dates into RFC 3339 filters', () => {
    const body = snapshotParams({
      name: ' n ',
      stages: '',
      databases: [],
      hardness: [],
      review: [],
      from: '2025-01-01',
      to: '2025-02-01',
      seed: '',
      train: '0.8',
      val: '0.1',
      test: '0.1',
      byDatabase: false,
    });
    expect(body.name).toBe('n');
    expect(body.seed).toBe(0);
    expect(body.filters?.created_from).toBe(new Date('2025-01-01T00:00:00').toISOString());
    expect(body.filters?.created_to).toBe(new Date('2025-02-01T00:00:00').toISOString());
  });
});

describe('snapshot page', () => {
  it('shows the manifest, a download link for every format and split, the pairs page by page and the exports', async () => {
    mockApi({
      ...base(),
      'GET /api/v1/projects/42/snapshots/3': { body: { snapshot: snapshot() } },
      'GET /api/v1/projects/42/snapshots/3/pairs?split=train&limit=50': { body: { pairs: [pair()], next_after: 11 } },
      'GET /api/v1/projects/42/snapshots/3/pairs?split=train&after=11&limit=50': {
        body: { pairs: [pair({ nlq_id: 12, question: 'What is the total number of singers?' })], next_after: null },
      },
      'GET /api/v1/projects/42/snapshots/3/pairs?split=test&limit=50': { body: { pairs: [pair({ nlq_id: 13, split: 'test', question: 'A test question?' })], next_after: null } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/snapshots/3');

    expect(await screen.findByText('Snapshot #3 v1 golden', {}, { timeout: 5000 })).toBeInTheDocument();
    const stats = screen.getByTestId('snapshot-stats');
    expect(stats).toHaveTextContent('Pairs10');
    expect(stats).toHaveTextContent('Seed7');
    const byDb = screen.getByRole('table', { name: 'Pairs per database and split' });
    expect(within(byDb).getByTestId('db-row-concert_singer')).toHaveTextContent('concert_singer6118');
    expect(within(byDb).getByTestId('db-row-pets')).toHaveTextContent('pets2002');
    expect(screen.getByRole('img', { name: /Hardness per split/ })).toHaveAccessibleName(/Train: 8 \(Easy 5, Medium 3\)/);
    expect(screen.getByTestId('leakage')).toHaveTextContent('1 near-duplicate question pair');
    expect(screen.getByRole('table', { name: 'Leakage examples' })).toHaveTextContent('Same SQL');
    expect(screen.getByRole('region', { name: 'Versions' })).toHaveTextContent('Guidelines in force when cut: v2');

    // Plain links to the export URL: the session cookie goes with a GET.
    const downloads = screen.getByRole('table', { name: 'Downloads' });
    const links = within(downloads).getAllByRole('link');
    expect(links).toHaveLength(EXPORT_FORMATS.length * 4);
    expect(within(downloads).getByRole('link', { name: 'Download Spider (zip), all' })).toHaveAttribute(
      'href',
      '/api/v1/projects/42/snapshots/3/export?format=spider&split=all',
    );
    expect(within(downloads).getByRole('link', { name: 'Download OpenAI chat (JSONL), test' })).toHaveAttribute(
      'href',
      '/api/v1/projects/42/snapshots/3/export?format=openai&split=test',
    );
    expect(within(downloads).getByRole('link', { name: 'Download Evaluation CSV, validation' })).toHaveAttribute('download');

    // Pairs: a page, then the next with `after`; another split.
    const pairs = await screen.findByRole('table', { name: 'Train pairs' });
    expect(pairs).toHaveTextContent('How many singers do we have?');
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await within(pairs).findByText('What is the total number of singers?')).toBeInTheDocument();
    await user.click(within(pairs).getByRole('button', { name: 'Show the SQL of question 11' }));
    expect(within(pairs).getByText('Gold SQL')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Test (1)' }));
    expect(await screen.findByRole('table', { name: 'Test pairs' })).toHaveTextContent('A test question?');

    expect(await screen.findByRole('table', { name: 'Exports' })).toHaveTextContent('99aa88bb77cc');
  });

  it('says when the snapshot does not exist', async () => {
    mockApi({ ...base(), 'GET /api/v1/projects/42/snapshots/99': errorReply(404, 'not_found', 'no such snapshot') });
    renderApp('/projects/42/snapshots/99');
    expect(await screen.findByText('Not found')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '← All snapshots' })).toBeInTheDocument();
  });
});
