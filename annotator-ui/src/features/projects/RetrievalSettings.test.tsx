import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { errorReply, mockApi, project, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

const P = '/api/v1/projects/42';
const defaults = { top_k: 8, scope: 'auto', version: 0 };

describe('schema retrieval settings', () => {
  it('saves the number of tables and the scope with the version read, then says when someone else saved first', async () => {
    let saves = 0;
    const { calls } = mockApi({
      ...projectRoutes('lead'),
      [`GET ${P}/policy`]: errorReply(404, 'not_found', 'not here'),
      [`GET ${P}/databases`]: { body: { databases: [] } },
      [`GET ${P}/retrieval`]: { body: { retrieval: defaults } },
      [`PUT ${P}/retrieval`]: () =>
        saves++ === 0
          ? { body: { retrieval: { top_k: 12, scope: 'database', version: 1 } } }
          : errorReply(409, 'stale_version', 'stale', { current_version: 2 }),
    });
    const user = userEvent.setup();
    renderApp('/projects/42');
    const form = await screen.findByRole('form', { name: 'Retrieval settings' });
    expect(within(form).getByText('Defaults (never saved)')).toBeInTheDocument();
    const k = within(form).getByLabelText('Tables in the prompt');
    await user.clear(k);
    await user.type(k, '12');
    await user.selectOptions(within(form).getByLabelText('Questions with their own tables'), 'database');
    await user.click(within(form).getByRole('button', { name: 'Save retrieval settings' }));
    const saved = await screen.findByRole('form', { name: 'Retrieval settings' });
    expect(await within(saved).findByText('Version 1')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({ version: 0, top_k: 12, scope: 'database' });

    await user.click(within(saved).getByRole('button', { name: 'Save retrieval settings' }));
    expect(await within(saved).findByText('Someone changed these settings')).toBeInTheDocument();
  });

  it('shows the field the server refused', async () => {
    mockApi({
      ...projectRoutes('lead'),
      [`GET ${P}/policy`]: errorReply(404, 'not_found', 'not here'),
      [`GET ${P}/databases`]: { body: { databases: [] } },
      [`GET ${P}/retrieval`]: { body: { retrieval: defaults } },
      [`PUT ${P}/retrieval`]: errorReply(400, 'validation_failed', 'invalid', { fields: { top_k: 'must be from 1 to 64' } }),
    });
    const user = userEvent.setup();
    renderApp('/projects/42');
    const form = await screen.findByRole('form', { name: 'Retrieval settings' });
    await user.click(within(form).getByRole('button', { name: 'Save retrieval settings' }));
    expect(await within(form).findByText('must be from 1 to 64')).toBeInTheDocument();
  });

  it('is not shown to annotators', async () => {
    const { calls } = mockApi({
      ...projectRoutes('annotator'),
    });
    renderApp('/projects/42');
    expect(await screen.findByRole('heading', { name: project('annotator').name })).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Retrieval settings' })).not.toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/retrieval'))).toBe(false);
  });
});
