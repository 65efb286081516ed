import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Guideline } from './api';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

const v2: Guideline = {
  version: 2,
  summary: 'Added R3 on ordering',
  author_id: 7,
  author_email: 'lead@example.com',
  author_name: 'Lea Lead',
  rule_count: 2,
  created_at: '2025-02-01T10:00:00Z',
  project_id: 42,
  markdown: '# Guidelines\n\n## R1: Qualify columns\nWrite **table.column**.\n\n## R3: Order names\nAlphabetically.',
  rules: [
    { id: 'R1', title: 'Qualify columns', text: 'Write **table.column**.' },
    { id: 'R3', title: 'Order names', text: 'Alphabetically.' },
  ],
};
const v1info = { ...v2, version: 1, summary: 'First version', rule_count: 2, created_at: '2025-01-20T10:00:00Z' };
const listReply = { body: { current: v2, versions: [v2, v1info] } };

describe('guidelines page', () => {
  it('shows every member the current version, its rules as anchors and the versions, without Edit for annotators', async () => {
    mockApi({
      ...projectRoutes('annotator'),
      'GET /api/v1/projects/42/guidelines': listReply,
    });
    renderApp('/projects/42/guidelines');
    expect(await screen.findByRole('heading', { name: /Qualify columns/ })).toHaveAttribute('id', 'R1');
    expect(screen.getByText(/by Lea Lead/)).toBeInTheDocument();
    const rules = screen.getByRole('list', { name: 'Rules' });
    expect(within(rules).getByRole('link', { name: 'R3' })).toHaveAttribute('href', '#R3');
    const versions = screen.getByRole('list', { name: 'Versions' });
    expect(within(versions).getAllByRole('link', { name: 'Compare with previous' })[0]).toHaveAttribute(
      'href',
      '/projects/42/guidelines/diff?from=1&to=2',
    );
    expect(screen.queryByRole('link', { name: 'Edit' })).toBeNull();
  });

  it('invites a lead to write the first version', async () => {
    mockApi({
      ...projectRoutes('lead'),
      'GET /api/v1/projects/42/guidelines': { body: { current: null, versions: [] } },
    });
    renderApp('/projects/42/guidelines');
    expect(await screen.findByRole('link', { name: 'Write guidelines' })).toHaveAttribute('href', '/projects/42/guidelines/edit');
  });

  it('opens the diff between two versions with the rule summary', async () => {
    mockApi({
      ...projectRoutes('annotator'),
      'GET /api/v1/projects/42/guidelines': listReply,
      'GET /api/v1/projects/42/guidelines/diff?from=1&to=2': {
        body: {
          diff: {
            from: 1,
            to: 2,
            hunks: [{ op: 'insert', lines: ['## R3: Order names'] }],
            rules: { added: [{ id: 'R3', title: 'Order names' }], removed: [], changed: [] },
          },
        },
      },
    });
    renderApp('/projects/42/guidelines/diff?from=1&to=2');
    expect(await screen.findByRole('region', { name: 'Rule changes' })).toHaveTextContent('AddedR3 Order names');
    expect(screen.getByLabelText('From')).toHaveValue('1');
    expect(screen.getByLabelText('To')).toHaveValue('2');
  });
});

describe('guideline editor', () => {
  const editorRoutes = (put: Parameters<typeof mockApi>[0][string]) => ({
    ...projectRoutes('lead'),
    'GET /api/v1/projects/42/guidelines': listReply,
    'PUT /api/v1/projects/42/guidelines': put,
  });

  it('previews live, requires a summary, and saves with Ctrl+S sending the base version', async () => {
    const { calls } = mockApi(
      editorRoutes({ status: 201, body: { guideline: { ...v2, version: 3, assigned: ['R4'] } } }),
    );
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/edit');
    const editor = await screen.findByLabelText('Guidelines (markdown)');
    expect(editor).toHaveValue(v2.markdown);
    await user.click(editor);
    await user.keyboard('{Control>}{End}{/Control}{Enter}{Enter}## R: Prefer distinct counts');
    const preview = screen.getByLabelText('Preview');
    expect(within(preview).getByRole('heading', { name: /Prefer distinct counts/ })).toHaveTextContent('new');

    fireEvent.keyDown(editor, { key: 's', ctrlKey: true });
    expect(await screen.findByText('Say what changed and why.')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'PUT')).toBe(false);

    await user.type(screen.getByLabelText('What changed'), 'Added a rule on counts');
    fireEvent.keyDown(editor, { key: 's', ctrlKey: true });
    expect(await screen.findByText(/Saved version 3 — new rules: R4/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      markdown: `${v2.markdown}\n\n## R: Prefer distinct counts`,
      summary: 'Added a rule on counts',
      version: 2,
    });
  });

  it('explains a stale version with a link to the diff, and reloads the newest keeping the draft', async () => {
    const { calls } = mockApi({
      ...editorRoutes(errorReply(409, 'stale_version', 'the guidelines were changed by someone else', { current_version: 3 })),
      'GET /api/v1/projects/42/guidelines/3': { body: { guideline: { ...v2, version: 3, markdown: '# Newer text' } } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/edit');
    const editor = await screen.findByLabelText('Guidelines (markdown)');
    await user.type(editor, '\nmine');
    await user.type(screen.getByLabelText('What changed'), 'My change');
    await user.click(screen.getByRole('button', { name: 'Save version 3' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(/someone saved a newer version; reload and merge/i);
    expect(within(alert).getByRole('link', { name: /See what changed/ })).toHaveAttribute(
      'href',
      '/projects/42/guidelines/diff?from=2&to=3',
    );
    await user.click(within(alert).getByRole('button', { name: 'Reload v3' }));
    expect(await screen.findByLabelText('Your unsaved text (to merge from)')).toHaveValue(`${v2.markdown}\nmine`);
    expect(screen.getByLabelText('Guidelines (markdown)')).toHaveValue('# Newer text');
    expect(screen.getByRole('button', { name: 'Save version 4' })).toBeEnabled();
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);
  });

  it('shows a duplicate-ID refusal on the markdown field', async () => {
    mockApi(
      editorRoutes(
        errorReply(400, 'invalid_input', 'markdown: line 6: R1 is used twice', {
          fields: { markdown: 'line 6: R1 is used twice (also on line 3); every rule needs its own ID' },
        }),
      ),
    );
    const user = userEvent.setup();
    renderApp('/projects/42/guidelines/edit');
    const editor = await screen.findByLabelText('Guidelines (markdown)');
    await user.clear(editor);
    await user.type(editor, '## R1: One{Enter}## R1: Two');
    expect(screen.getByText(/Duplicate IDs: R1/)).toBeInTheDocument();
    await user.type(screen.getByLabelText('What changed'), 'dup');
    await user.click(screen.getByRole('button', { name: 'Save version 3' }));
    expect(await screen.findByText(/R1 is used twice \(also on line 3\)/)).toBeInTheDocument();
    expect(editor).toHaveAttribute('aria-invalid', 'true');
  });
});
