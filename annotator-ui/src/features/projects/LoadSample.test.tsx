import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminUser, errorReply, meReply, mockApi, plainUser, project } from '../../test/mockApi';
import { renderApp } from '../../test/render';

describe('the sample project on an empty project list', () => {
  it('loads the sample and opens its project', async () => {
    let projects = [] as ReturnType<typeof project>[];
    const sample = project('lead', { id: 9, name: 'Sample: Spider and WikiTableQuestions' });
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/projects': () => ({ body: { projects } }),
      'POST /api/v1/sample': () => {
        projects = [sample];
        return { body: { project: sample, databases: [], questions_imported: 182, plan: { selected: 182, sampled: 182, items: 182, share: 1 } } };
      },
      'GET /api/v1/projects/9': { body: { project: sample } },
    });
    const user = userEvent.setup();
    renderApp('/projects');
    expect(await screen.findByText('No projects yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Language model settings' })).toHaveAttribute('href', '/settings/llm');
    await user.click(screen.getByRole('button', { name: 'Load the sample project' }));
    expect(await screen.findByText('Sample loaded: 182 questions, 182 ready to annotate')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST' && c.path === '/api/v1/sample')).toHaveLength(1);
    expect(await screen.findByRole('heading', { name: sample.name })).toBeInTheDocument();
  });

  it('says why the sample could not be loaded and keeps the offer', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/projects': { body: { projects: [] } },
      'POST /api/v1/sample': errorReply(422, 'validation_failed', 'the sample database concert_singer: disk full'),
    });
    const user = userEvent.setup();
    renderApp('/projects');
    await user.click(await screen.findByRole('button', { name: 'Load the sample project' }));
    expect(await screen.findByText(/concert_singer: disk full/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Load the sample project' })).toBeEnabled();
  });

  it('is not offered to people who cannot create projects', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/projects': { body: { projects: [] } },
    });
    renderApp('/projects');
    expect(await screen.findByText('No projects yet')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load the sample project' })).not.toBeInTheDocument();
  });
});
