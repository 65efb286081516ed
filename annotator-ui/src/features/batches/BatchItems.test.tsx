import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AgentRunStatus } from '../../shared/api';
import { agentRun, pipelineRun } from '../../test/agentFixtures';
import { withFakeEventSource } from '../../test/fakeEventSource';
import { database } from '../../test/fixtures';
import { mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

withFakeEventSource();
// A finished batch of 10,000 questions: trajectory ids 1001–11000, every fourth an error, served as the
// server does (keyset: the items after ?after=, ?limit= of them, ?outcome=).
const SIZE = 10_000;
const outcomeOf = (id: number): AgentRunStatus => (id % 4 === 0 ? 'error' : 'answered');

function itemsReply(search: URLSearchParams, size: number) {
  const trajectories = Array.from({ length: size }, (_, i) => 1001 + i);
  const after = Number(search.get('after') ?? 0);
  const limit = Number(search.get('limit'));
  const outcome = search.get('outcome');
  const matching = trajectories.filter((id) => id > after && (!outcome || outcomeOf(id) === outcome));
  const page = matching.slice(0, limit);
  return {
    body: {
      items: page.map((id) => agentRun({ id, pipeline_run_id: 5, question: `Question ${id}?`, status: outcomeOf(id) })),
      next_after: matching.length > limit ? page[page.length - 1] : null,
      outcomes: { answered: size * 0.75, error: size / 4 },
    },
  };
}

function mockBatch(size = SIZE) {
  return mockApi({
    ...projectRoutes('lead'),
    'GET /api/v1/projects/42/databases?all_versions=true': { body: { databases: [database({ id: 9, name: 'concert_singer' })] } },
    'GET /api/v1/projects/42/runs/5': {
      body: { run: pipelineRun({ status: 'succeeded', total: size, done: size, succeeded: size * 0.75, failed: size / 4, finished_at: '2025-01-05T11:00:00Z' }) },
    },
    'GET /api/v1/projects/42/runs/5/items': (call) => itemsReply(new URL(call.path, 'http://localhost').searchParams, size),
    'GET /api/v1/projects/42/llm-calls': {
      body: { calls: [], usage: { calls: 0, cached_calls: 0, failed_calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 } },
    },
  });
}

const itemCalls = (calls: { path: string }[]) => calls.filter((c) => c.path.startsWith('/api/v1/projects/42/runs/5/items')).map((c) => c.path);
const rows = () => within(screen.getByRole('table')).getAllByRole('row').slice(1); // without the header row

describe('a batch of 10,000 items', () => {
  it('renders one page of 50, walks the pages with Next and Previous, and filters by outcome', async () => {
    const { calls } = mockBatch();
    const user = userEvent.setup();
    renderApp('/projects/42/batches/5');

    // The first render loads the whole app: allow it more than the default second on a busy machine.
    expect(await screen.findByRole('link', { name: 'Question 1001?' }, { timeout: 5000 })).toHaveAttribute('href', '/projects/42/agent/1001');
    expect(rows()).toHaveLength(50);
    expect(screen.getByTestId('items-range')).toHaveTextContent('1–50 of 10,000');
    expect(itemCalls(calls)).toEqual(['/api/v1/projects/42/runs/5/items?limit=50']);
    const outcome = screen.getByRole('group', { name: 'Outcome' });
    expect(within(outcome).getByRole('button', { name: /All 10,000/ })).toHaveAttribute('aria-pressed', 'true');
    expect(within(outcome).getByRole('button', { name: /Error 2,500/ })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '← Previous' })).toBeDisabled();

    // Next: the page after the last id shown, still 50 rows.
    await user.click(screen.getByRole('button', { name: 'Next →' }));
    expect(await screen.findByRole('link', { name: 'Question 1051?' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Question 1001?' })).not.toBeInTheDocument();
    expect(rows()).toHaveLength(50);
    expect(screen.getByTestId('items-range')).toHaveTextContent('51–100 of 10,000');
    expect(itemCalls(calls).at(-1)).toBe('/api/v1/projects/42/runs/5/items?limit=50&after=1050');

    // Previous: back to the first page.
    await user.click(screen.getByRole('button', { name: '← Previous' }));
    expect(await screen.findByRole('link', { name: 'Question 1001?' })).toBeInTheDocument();
    expect(screen.getByTestId('items-range')).toHaveTextContent('1–50 of 10,000');

    // The errors only, from their first page.
    await user.click(within(outcome).getByRole('button', { name: /Error 2,500/ }));
    expect(await screen.findByRole('link', { name: 'Question 1004?' })).toBeInTheDocument();
    expect(itemCalls(calls).at(-1)).toBe('/api/v1/projects/42/runs/5/items?limit=50&outcome=error');
    expect(rows()).toHaveLength(50);
    expect(rows().every((r) => within(r).getByText('Error'))).toBe(true);
    expect(screen.getByTestId('items-range')).toHaveTextContent('1–50 of 2,500');
    await user.click(screen.getByRole('button', { name: 'Next →' }));
    expect(await screen.findByRole('link', { name: 'Question 1204?' })).toBeInTheDocument();
    expect(itemCalls(calls).at(-1)).toBe('/api/v1/projects/42/runs/5/items?limit=50&outcome=error&after=1200');
  }, 20_000);

  it('says the last page is the last', async () => {
    mockBatch(400); // 100 errors: two pages of them
    const user = userEvent.setup();
    renderApp('/projects/42/batches/5?outcome=error');
    expect(await screen.findByRole('link', { name: 'Question 1004?' }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('items-range')).toHaveTextContent('1–50 of 100');
    await user.click(screen.getByRole('button', { name: 'Next →' }));
    expect(await screen.findByRole('link', { name: 'Question 1400?' })).toBeInTheDocument();
    expect(screen.getByTestId('items-range')).toHaveTextContent('51–100 of 100');
    expect(screen.getByRole('button', { name: 'Next →' })).toBeDisabled();
    expect(screen.getByRole('button', { name: '← Previous' })).toBeEnabled();
  });
});
