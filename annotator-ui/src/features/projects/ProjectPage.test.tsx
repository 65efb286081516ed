import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Member } from '../../shared/api';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

const lead: Member = { user_id: 7, email: 'ann@example.com', name: 'Ann Otator', role: 'lead', version: 2, created_at: '2025-01-05T10:00:00Z' };

describe('project members', () => {
  it.each([
    [404, 'not_found', /no user has this email/i],
    [409, 'conflict', /already a member/i],
  ])('shows a %i on the email field when adding a member', async (status, code, text) => {
    const { calls } = mockApi({
      ...projectRoutes('lead'),
      'GET /api/v1/projects/42/members': { body: { members: [lead] } },
      'POST /api/v1/projects/42/members': errorReply(status, code, 'nope'),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/members');
    const form = await screen.findByRole('form', { name: 'Add a member' });
    await user.type(within(form).getByLabelText('Email'), 'who@example.com');
    await user.selectOptions(within(form).getByLabelText('Role'), 'reviewer');
    await user.click(within(form).getByRole('button', { name: 'Add member' }));
    expect(await within(form).findByText(text)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ email: 'who@example.com', role: 'reviewer' });
  });

  it('changes a role with the member version, and explains the last-lead refusal on removal', async () => {
    const { calls } = mockApi({
      ...projectRoutes('lead'),
      'GET /api/v1/projects/42/members': { body: { members: [lead] } },
      'PATCH /api/v1/projects/42/members/7': { body: { member: { ...lead, role: 'annotator', version: 3 } } },
      'DELETE /api/v1/projects/42/members/7': errorReply(409, 'conflict', 'a project needs at least one lead; make someone else lead first'),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/members');
    await user.selectOptions(await screen.findByLabelText('Role of Ann Otator'), 'annotator');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ version: 2, role: 'annotator' });

    await user.click(screen.getByRole('button', { name: 'Remove Ann Otator' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove member?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove member' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/needs at least one lead/i);
  });
});

describe('project overview', () => {
  it('sends the version on edit and explains a stale version', async () => {
    const { calls } = mockApi({
      ...projectRoutes('lead'),
      'PATCH /api/v1/projects/42': errorReply(409, 'stale_version', 'the project changed', { current_version: 4 }),
    });
    const user = userEvent.setup();
    renderApp('/projects/42');
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const name = screen.getByLabelText('Name');
    await user.clear(name);
    await user.type(name, 'Retail v2{Enter}');
    expect(await screen.findByText(/this project changed/i)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Reload' })).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      version: 3,
      name: 'Retail v2',
      description: 'Questions over the retail warehouse',
    });
  });

  it('offers no Edit button to annotators', async () => {
    mockApi({
      ...projectRoutes('annotator'),
    });
    renderApp('/projects/42');
    await screen.findByRole('heading', { name: 'About this project' });
    expect(screen.queryByRole('button', { name: 'Edit' })).not.toBeInTheDocument();
  });
});
