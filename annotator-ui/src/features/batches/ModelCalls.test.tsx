import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { pipelineRun } from '../../test/agentFixtures';
import { withFakeEventSource } from '../../test/fakeEventSource';
import { database } from '../../test/fixtures';
import { mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

withFakeEventSource();
// 250 calls, ids 1–250, served newest first 100 at a time before ?before=, as the server does.
function callsReply(search: URLSearchParams) {
  const before = Number(search.get('before') ?? 0) || 251;
  const ids = Array.from({ length: 250 }, (_, i) => 250 - i).filter((id) => id < before).slice(0, 100);
  return {
    body: {
      calls: ids.map((id) => ({ id, at: '2025-01-05T10:00:02Z', purpose: 'agent', model: `model-${id}`, run_kind: 'agent', run_id: 5, item_key: String(id), prompt_tokens: 10, completion_tokens: 1, latency_ms: 900, attempts: 1, cached: false, error: '', cost_usd: 0.001 })),
      usage: { calls: 250, cached_calls: 0, failed_calls: 0, prompt_tokens: 2500, completion_tokens: 250, cost_usd: 0.25 },
    },
  };
}

describe("a batch's model calls", () => {
  it('are paged newest first, 100 at a time', async () => {
    const { calls } = mockApi({
      ...projectRoutes('lead'),
      'GET /api/v1/projects/42/databases?all_versions=true': { body: { databases: [database({ id: 9 })] } },
      'GET /api/v1/projects/42/runs/5': { body: { run: pipelineRun({ status: 'succeeded', finished_at: '2025-01-05T11:00:00Z' }) } },
      'GET /api/v1/projects/42/runs/5/items': { body: { items: [], next_after: null, outcomes: {} } },
      'GET /api/v1/projects/42/llm-calls': (call) => callsReply(new URL(call.path, 'http://localhost').searchParams),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/batches/5');
    const table = await screen.findByRole('table', { name: 'Model calls' }, { timeout: 5000 });
    expect(within(table).getAllByRole('row')).toHaveLength(101);
    expect(within(table).getByText('model-250')).toBeInTheDocument();
    expect(screen.getByTestId('calls-range')).toHaveTextContent('1–100 of 250');

    await user.click(screen.getByRole('button', { name: 'Older →' }));
    expect(await screen.findByText('model-150')).toBeInTheDocument();
    expect(screen.queryByText('model-250')).not.toBeInTheDocument();
    expect(calls.at(-1)?.path).toBe('/api/v1/projects/42/llm-calls?run_kind=agent&run_id=5&before=151');
    await user.click(screen.getByRole('button', { name: 'Older →' }));
    expect(await screen.findByText('model-50')).toBeInTheDocument();
    expect(screen.getByTestId('calls-range')).toHaveTextContent('201–250 of 250');
    expect(screen.getByRole('button', { name: 'Older →' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: '← Newer' }));
    expect(await screen.findByText('model-150')).toBeInTheDocument();
  }, 20_000);
});
