import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { mainNav, projectTabs } from './nav';
import { adminUser, errorReply, meReply, mockApi, plainUser, project, projectRoutes } from '../test/mockApi';
import { renderApp } from '../test/render';

function mainNavLinks() {
  const nav = screen.getByRole('navigation', { name: 'Main' });
  return within(nav)
    .getAllByRole('link')
    .map((a) => a.textContent);
}

function projectTabNames() {
  const nav = screen.getByRole('navigation', { name: 'Project sections' });
  return within(nav)
    .getAllByRole('link')
    .map((a) => a.textContent);
}

describe('role-based navigation', () => {
  it('gives admins Users, Activity and Settings, and everyone else only Projects and Account', () => {
    expect(mainNav({ is_admin: true }).map((i) => i.label)).toEqual(['Projects', 'Users', 'Activity', 'Settings', 'Account']);
    expect(mainNav({ is_admin: false }).map((i) => i.label)).toEqual(['Projects', 'Account']);
  });

  it('shows Databases, Questions and Guidelines to every member, Dashboard, Metrics, Agent and Snapshots from reviewer up, Batches, Pipelines, Evaluations, Optimizations, Members and Activity to leads and admins', () => {
    const labels = (role: Parameters<typeof projectTabs>[1]) => projectTabs(42, role).map((t) => t.label);
    expect(labels('annotator')).toEqual(['Overview', 'Databases', 'Questions', 'Guidelines', 'Annotate']);
    expect(labels('reviewer')).toEqual(['Overview', 'Dashboard', 'Metrics', 'Databases', 'Questions', 'Guidelines', 'Annotate', 'Review', 'Agent', 'Snapshots']);
    expect(labels('lead')).toEqual(['Overview', 'Dashboard', 'Metrics', 'Databases', 'Questions', 'Guidelines', 'Annotate', 'Review', 'Agent', 'Batches', 'Pipelines', 'Snapshots', 'Evaluations', 'Optimizations', 'Members', 'Activity']);
    expect(labels('admin')).toEqual(['Overview', 'Dashboard', 'Metrics', 'Databases', 'Questions', 'Guidelines', 'Annotate', 'Review', 'Agent', 'Batches', 'Pipelines', 'Snapshots', 'Evaluations', 'Optimizations', 'Members', 'Activity']);
    expect(labels(undefined)).toEqual(['Overview']);
  });

  it.each([
    ['annotator', plainUser, 'annotator', ['Projects', 'Account'], ['Overview', 'Databases', 'Questions', 'Guidelines', 'Annotate']],
    ['lead', plainUser, 'lead', ['Projects', 'Account'], ['Overview', 'Dashboard', 'Metrics', 'Databases', 'Questions', 'Guidelines', 'Annotate', 'Review', 'Agent', 'Batches', 'Pipelines', 'Snapshots', 'Evaluations', 'Optimizations', 'Members', 'Activity']],
    [
      'admin',
      adminUser,
      'admin',
      ['Projects', 'Users', 'Activity', 'Settings', 'Account'],
      ['Overview', 'Dashboard', 'Metrics', 'Databases', 'Questions', 'Guidelines', 'Annotate', 'Review', 'Agent', 'Batches', 'Pipelines', 'Snapshots', 'Evaluations', 'Optimizations', 'Members', 'Activity'],
    ],
  ] as const)('renders the %s view of a project page', async (_name, user, role, nav, tabs) => {
    mockApi({
      'GET /api/v1/auth/me': meReply(user),
      'GET /api/v1/projects/42': { body: { project: project(role) } },
    });
    renderApp('/projects/42');
    expect(await screen.findByRole('heading', { name: 'Retail analytics', level: 1 })).toBeInTheDocument();
    expect(mainNavLinks()).toEqual(nav);
    expect(projectTabNames()).toEqual(tabs);
    expect(screen.getByTestId('signed-in-user')).toHaveTextContent(user.name);
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
  });

  it('tells an annotator who opens the members URL directly that the page is for leads', async () => {
    const { calls } = mockApi({
      ...projectRoutes('annotator'),
      'GET /api/v1/projects/42/members': errorReply(403, 'forbidden', 'forbidden'),
    });
    renderApp('/projects/42/members');
    expect(await screen.findByTestId('forbidden')).toHaveTextContent(/for leads only/i);
    expect(calls.some((c) => c.path === '/api/v1/projects/42/members')).toBe(false);
  });

  it('keeps non-admins out of admin pages', async () => {
    mockApi({ 'GET /api/v1/auth/me': meReply(plainUser) });
    renderApp('/users');
    expect(await screen.findByTestId('forbidden')).toHaveTextContent(/only administrators/i);
  });

  it('sends a signed-out visitor to the login screen', async () => {
    mockApi({ 'GET /api/v1/auth/me': errorReply(401, 'unauthenticated', 'no session') });
    renderApp('/projects');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('sends the user to the login screen when any call answers 401', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/projects': errorReply(401, 'unauthenticated', 'session expired'),
    });
    renderApp('/projects');
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('shows a 404 page for unknown routes', async () => {
    mockApi({ 'GET /api/v1/auth/me': meReply(plainUser) });
    renderApp('/no/such/page');
    expect(await screen.findByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
  });
});
