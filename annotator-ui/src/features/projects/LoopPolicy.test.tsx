import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { database } from '../../test/fixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

const P = '/api/v1/projects/42';
const policy = { project_id: 42, dual_share: 0.2, annotators_per_item: 1, audit_rate: 0.1, blind: true, lease_seconds: 1800, version: 0, updated_at: null };

describe('loop policy', () => {
  it('saves the policy with its version and plans annotation', async () => {
    let saved = 0;
    const { calls } = mockApi({
      ...projectRoutes('lead'),
      [`GET ${P}/policy`]: { body: { policy } },
      [`GET ${P}/databases`]: { body: { databases: [database()] } },
      [`PUT ${P}/policy`]: () => (saved++ === 0 ? { body: { policy: { ...policy, dual_share: 1, blind: false, version: 1 } } } : errorReply(409, 'stale_version', 'stale', { current_version: 2 })),
      [`POST ${P}/annotation/plan`]: { body: { selected: 4, sampled: 4, items: 4, share: 1 } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42');
    const form = await screen.findByRole('form', { name: 'Loop policy' });
    const share = within(form).getByLabelText('Dual share (%)');
    expect(share).toHaveValue(20);
    await user.clear(share);
    await user.type(share, '100');
    await user.click(within(form).getByRole('checkbox'));
    await user.click(within(form).getByRole('button', { name: 'Save policy' }));
    expect(await screen.findByText('Version 1')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      version: 0, dual_share: 1, annotators_per_item: 1, audit_rate: 0.1, blind: false, lease_seconds: 1800,
    });

    const plan = screen.getByRole('form', { name: 'Plan annotation' });
    await user.selectOptions(within(plan).getByLabelText('Database'), 'medals');
    await user.click(within(plan).getByRole('button', { name: 'Plan annotation' }));
    expect(await within(plan).findByTestId('plan-result')).toHaveTextContent('4 new questions considered · 4 in the 100% share · 4 items created');
    expect(calls.find((c) => c.path.endsWith('/plan'))?.body).toEqual({ database_id: 5 });
  });

  it('is not shown to annotators', async () => {
    mockApi({
      ...projectRoutes('annotator'),
    });
    renderApp('/projects/42');
    await screen.findByText('About this project');
    expect(screen.queryByRole('form', { name: 'Loop policy' })).not.toBeInTheDocument();
  });
});
