import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../shared/api';
import { adminUser, meReply, mockApi, plainUser, project } from '../test/mockApi';
import { renderApp } from '../test/render';

const entry: AuditEntry = {
  id: 9,
  at: '2025-01-05T10:00:00Z',
  actor: { id: 1, email: 'admin@example.com' },
  action: 'project.update',
  object_type: 'project',
  object_id: '42',
  project_id: 42,
  before: { name: 'Old name' },
  after: { name: 'Retail analytics' },
  request_id: 'req-abc',
};

describe('activity', () => {
  it('lists who did what, with before/after expandable and project names', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/projects': { body: { projects: [project('admin')] } },
      'GET /api/v1/audit': { body: { entries: [entry, { ...entry, id: 8, actor: null, action: 'user.create', project_id: null }] } },
    });
    const user = userEvent.setup();
    renderApp('/activity');
    expect(await screen.findByText('Project update')).toBeInTheDocument();
    expect(screen.getAllByText('admin@example.com').length).toBeGreaterThan(0);
    expect(screen.getByText('system')).toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Retail analytics' })).toHaveAttribute('href', '/projects/42');

    const toggle = screen.getAllByRole('button', { name: 'Show changes' })[0];
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(screen.getByText(/"Old name"/)).toBeInTheDocument();
    expect(screen.getByText(/req-abc/)).toBeInTheDocument();
  });

  it('treats a null list from the server as empty', async () => {
    mockApi({
      'GET /api/v1/auth/me': { body: { user: plainUser, csrf_token: 'c', memberships: null } },
      'GET /api/v1/projects': { body: { projects: null } },
    });
    renderApp('/projects');
    expect(await screen.findByText('No projects yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /project/i })).not.toBeInTheDocument();
  });
});
