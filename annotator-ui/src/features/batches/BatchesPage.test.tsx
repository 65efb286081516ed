import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { agentRun, pipelineRun } from '../../test/agentFixtures';
import { FakeEventSource, withFakeEventSource } from '../../test/fakeEventSource';
import { database } from '../../test/fixtures';
import { databaseRoutes, errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { batchParams } from './NewBatch';

withFakeEventSource();
const ES = FakeEventSource;

const base = {
  ...projectRoutes('lead'),
  ...databaseRoutes([database({ id: 9, name: 'concert_singer' })]),
};

const accuracy = { items: 489, answered: 489, evaluated: 489, matched: 489, accuracy: 1 };

describe('batches tab', () => {
  it('turns the form into the POST body, sending only what was set', async () => {
    expect(batchParams({ database: '', stage: '', status: '', limit: '', concurrency: '', samples: '' })).toEqual({ concurrency: 16, samples: 1 });
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/runs?kind=agent': { body: { runs: [pipelineRun({ id: 4, status: 'succeeded', done: 489, total: 489 })] } },
      'POST /api/v1/projects/42/runs': { status: 201, body: { run: pipelineRun({ id: 6, status: 'queued', done: 0, total: 20 }) } },
      'GET /api/v1/projects/42/runs/6': { body: { run: pipelineRun({ id: 6, status: 'queued', done: 0, total: 20 }) } },
      'GET /api/v1/projects/42/runs/6/items': { body: { items: [], next_after: null, outcomes: {} } },
      'GET /api/v1/projects/42/llm-calls?run_kind=agent&run_id=6': { body: { calls: [], usage: { calls: 0, cached_calls: 0, failed_calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 } } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/batches');

    // The list: progress bar and counters.
    const table = await screen.findByRole('table', { name: 'Batches' });
    const bar = within(table).getByRole('progressbar', { name: 'Progress of batch 4' });
    expect(bar).toHaveAttribute('aria-valuenow', '489');
    expect(within(table).getByText('Succeeded')).toBeInTheDocument();

    const form = screen.getByRole('form', { name: 'New agent batch' });
    await user.selectOptions(within(form).getByLabelText('Database'), '9');
    await user.type(within(form).getByLabelText('Stage'), 'human-seed');
    await user.selectOptions(within(form).getByLabelText('Status'), 'needs_review');
    await user.type(within(form).getByLabelText('Limit'), '20');
    await user.clear(within(form).getByLabelText('Concurrency'));
    await user.type(within(form).getByLabelText('Concurrency'), '8');
    await user.clear(within(form).getByLabelText('Samples'));
    await user.type(within(form).getByLabelText('Samples'), '3');
    await user.click(within(form).getByRole('button', { name: 'Start batch' }));

    expect(await screen.findByText('Agent batch #6')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      kind: 'agent',
      params: { database_id: 9, stage: 'human-seed', status: 'needs_review', limit: 20, concurrency: 8, samples: 3 },
    });
  });

  it('shows why a batch cannot start', async () => {
    mockApi({
      ...base,
      'GET /api/v1/projects/42/runs?kind=agent': { body: { runs: [] } },
      'POST /api/v1/projects/42/runs': errorReply(400, 'invalid_input', 'questions: no question matches these filters', {
        fields: { questions: 'no question matches these filters' },
      }),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/batches');
    await user.click(await screen.findByRole('button', { name: 'Start batch' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('no question matches');
  });
});

describe('batch page', () => {
  it('follows progress over SSE, cancels while running and shows the accuracy when done', async () => {
    let state = pipelineRun();
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/runs/5': () => ({ body: { run: state, accuracy: state.status === 'succeeded' ? accuracy : undefined } }),
      'POST /api/v1/projects/42/runs/5/cancel': () => {
        state = { ...state, status: 'cancelled', finished_at: '2025-01-05T10:02:00Z' };
        return { body: { run: state } };
      },
      'GET /api/v1/projects/42/runs/5/items': { body: { items: [agentRun({ id: 80, pipeline_run_id: 5, question: 'Batch question' })], next_after: null, outcomes: { answered: 1 } } },
      'GET /api/v1/projects/42/llm-calls?run_kind=agent&run_id=5': {
        body: {
          calls: [{ id: 900, at: '2025-01-05T10:00:02Z', purpose: 'agent', model: 'gpt-test', run_kind: 'agent', run_id: 5, item_key: 'nlq:1', prompt_tokens: 1000, completion_tokens: 50, latency_ms: 950, attempts: 2, cached: false, error: '', cost_usd: 0.001 }],
          usage: { calls: 12, cached_calls: 3, failed_calls: 1, prompt_tokens: 100000, completion_tokens: 20000, cost_usd: 1.25 },
        },
      },
      'GET /api/v1/projects/42/llm-calls?run_kind=agent&run_id=5&bodies=true': {
        body: {
          calls: [{ id: 900, at: '2025-01-05T10:00:02Z', purpose: 'agent', model: 'gpt-test', run_kind: 'agent', run_id: 5, item_key: 'nlq:1', request: { messages: ['hello-request'] }, response: { choices: ['hello-response'] }, prompt_tokens: 1000, completion_tokens: 50, latency_ms: 950, attempts: 2, cached: false, error: '', cost_usd: 0.001 }],
          usage: { calls: 12, cached_calls: 3, failed_calls: 1, prompt_tokens: 100000, completion_tokens: 20000, cost_usd: 1.25 },
        },
      },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/batches/5');

    expect(await screen.findByText('Agent batch #5')).toBeInTheDocument();
    expect(screen.getByTestId('progress-figures')).toHaveTextContent('100 / 489 (20%)');
    const stream = ES.last;
    expect(stream.url).toBe('/api/v1/projects/42/runs/5/events');

    act(() => {
      stream.open();
      stream.emit('log', { id: 1, at: '2025-01-05T10:00:00Z', level: 'info', message: 'started 489 questions' });
      stream.emit('progress', pipelineRun({ done: 300, succeeded: 297, failed: 3, cost_usd: 3 }));
      stream.emit('log', { id: 1, at: '2025-01-05T10:00:00Z', level: 'info', message: 'started 489 questions' });
    });
    expect(screen.getByTestId('progress-figures')).toHaveTextContent('300 / 489 (61%)');
    expect(screen.getByRole('progressbar', { name: 'Progress of batch 5' })).toHaveAttribute('aria-valuenow', '300');
    const stats = screen.getByTestId('run-stats');
    expect(stats).toHaveTextContent('Answered297');
    expect(stats).toHaveTextContent('Failed3');
    expect(stats).toHaveTextContent('$3.00');
    expect(within(screen.getByTestId('run-log')).getAllByRole('listitem')).toHaveLength(1);

    // Running: Cancel, not Resume.
    expect(screen.queryByRole('button', { name: 'Resume' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry failed' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText('Batch #5 cancelled')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/cancel'))).toBe(true);
    // Finished: Resume and (with failures) Retry failed.
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry failed' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument();

    // Done: the accuracy arrives with the refreshed run.
    state = { ...state, status: 'succeeded', done: 489, succeeded: 489, failed: 0 };
    act(() => {
      ES.last.emit('done', { status: 'succeeded' });
    });
    expect(await screen.findByTestId('accuracy')).toHaveTextContent('Execution accuracy against verified gold: 489 / 489 (100%)');
    expect(screen.queryByRole('button', { name: 'Retry failed' })).not.toBeInTheDocument();

    // Trajectories and model calls.
    expect(screen.getByRole('link', { name: 'Batch question' })).toHaveAttribute('href', '/projects/42/agent/80');
    const usage = screen.getByTestId('call-usage');
    expect(usage).toHaveTextContent('Calls12');
    expect(usage).toHaveTextContent('Cached3');
    expect(usage).toHaveTextContent('Failed1');
    expect(usage).toHaveTextContent('120K');
    const callsTable = screen.getByRole('table', { name: 'Model calls' });
    expect(callsTable).toHaveTextContent('950 ms');
    await user.click(within(callsTable).getByRole('button', { name: 'Show request and response of call 900' }));
    expect(await within(callsTable).findByText(/hello-request/)).toBeInTheDocument();
    expect(within(callsTable).getByText(/hello-response/)).toBeInTheDocument();
  });

  it('resumes a finished batch and follows it again', async () => {
    let state = pipelineRun({ status: 'failed', finished_at: '2025-01-05T10:02:00Z', error: 'the model endpoint went away' });
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/runs/5': () => ({ body: { run: state } }),
      'POST /api/v1/projects/42/runs/5/resume': (call) => {
        state = { ...state, status: 'queued', finished_at: null, error: '' };
        return { body: { run: state, retried: call.body } };
      },
      'GET /api/v1/projects/42/runs/5/items': { body: { items: [], next_after: null, outcomes: {} } },
      'GET /api/v1/projects/42/llm-calls?run_kind=agent&run_id=5': { body: { calls: [], usage: { calls: 0, cached_calls: 0, failed_calls: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0 } } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/batches/5');
    expect(await screen.findByText('the model endpoint went away')).toBeInTheDocument();
    const first = ES.last;
    act(() => first.emit('done', { status: 'failed' }));
    expect(first.closed).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Retry failed' }));
    expect(await screen.findByRole('button', { name: 'Cancel' })).toBeInTheDocument();
    expect(calls.find((c) => c.path.endsWith('/resume'))?.body).toEqual({ retry_failed: true });
    expect(ES.last).not.toBe(first);
    expect(ES.last.closed).toBe(false);
  });
});
