import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MyProjectRole } from '../../shared/api';
import { mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

const P = '/api/v1/projects/42';

function setup(role: MyProjectRole) {
  return mockApi(projectRoutes(role));
}

describe('project pages reached by URL without the role', () => {
  const cases: { path: string; role: MyProjectRole; who: string }[] = [
    { path: 'batches', role: 'annotator', who: 'leads' },
    { path: 'batches/3', role: 'reviewer', who: 'leads' },
    { path: 'pipelines', role: 'reviewer', who: 'leads' },
    { path: 'pipelines/5', role: 'annotator', who: 'leads' },
    { path: 'members', role: 'reviewer', who: 'leads' },
    { path: 'activity', role: 'annotator', who: 'leads' },
    { path: 'review', role: 'annotator', who: 'reviewers and leads' },
  ];
  it.each(cases)('$role opening $path sees who it is for, and nothing is fetched for it', async ({ path, role, who }) => {
    const { calls } = setup(role);
    renderApp(`/projects/42/${path}`);
    expect(await screen.findByRole('heading', { name: `For ${who} only` })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the project overview' })).toHaveAttribute('href', '/projects/42');
    // Only the session and the project were read: the page's own calls never started.
    expect(calls.map((c) => `${c.method} ${c.path}`).filter((c) => c !== 'GET /api/v1/auth/me' && c !== `GET ${P}`)).toEqual([]);
  });

  const notices: { path: string; role: MyProjectRole; title: string; need: string }[] = [
    { path: 'dashboard', role: 'annotator', title: 'The dashboard is for reviewers and leads', need: 'to follow its figures' },
    { path: 'metrics', role: 'annotator', title: 'Metrics are for reviewers and leads', need: 'to follow its figures' },
    { path: 'snapshots', role: 'annotator', title: 'Snapshots are for reviewers and leads', need: 'to read its golden sets' },
    { path: 'snapshots/3', role: 'annotator', title: 'Snapshots are for reviewers and leads', need: 'to read its golden sets' },
    { path: 'evaluations', role: 'reviewer', title: 'Evaluations are for leads', need: 'them' },
    { path: 'evaluations/20', role: 'annotator', title: 'Evaluations are for leads', need: 'them' },
    { path: 'optimizations', role: 'reviewer', title: 'Optimizations are for leads', need: 'them' },
    { path: 'optimizations/30', role: 'reviewer', title: 'Optimizations are for leads', need: 'them' },
  ];
  it.each(notices)('$role opening $path reads "$title" inside the project, and nothing is fetched for it', async ({ path, role, title, need }) => {
    const { calls } = setup(role);
    renderApp(`/projects/42/${path}`);
    expect(await screen.findByText(title)).toBeInTheDocument();
    expect(screen.getByText(`Ask a lead of this project if you need ${need}.`)).toBeInTheDocument();
    expect(calls.map((c) => `${c.method} ${c.path}`).filter((c) => c !== 'GET /api/v1/auth/me' && c !== `GET ${P}`)).toEqual([]);
  });

  it('a reviewer opening review gets the queue, not the notice', async () => {
    setup('reviewer');
    renderApp('/projects/42/review');
    expect(await screen.findByRole('button', { name: 'Start reviewing' })).toBeInTheDocument();
    expect(screen.queryByTestId('forbidden')).not.toBeInTheDocument();
  });
});
