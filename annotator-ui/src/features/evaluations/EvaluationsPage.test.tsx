import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { pipelineRun } from '../../test/agentFixtures';
import { FakeEventSource, withFakeEventSource } from '../../test/fakeEventSource';
import { DEFAULT_PROMPT, evalResult, evaluation, promptTemplate, snapshot } from '../../test/goldenFixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';

withFakeEventSource();
const ES = FakeEventSource;

const base = {
  ...projectRoutes('lead'),
  'GET /api/v1/projects/42/snapshots': { body: { snapshots: [snapshot({ id: 4, name: 'newest' }), snapshot()] } },
  'GET /api/v1/projects/42/prompts': { body: { current: promptTemplate(), versions: [] } },
};

describe('evaluations tab', () => {
  it('starts an evaluation with the current prompt, checking its placeholders first', async () => {
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/evaluations': { body: { evaluations: [evaluation()] } },
      'POST /api/v1/projects/42/evaluations': { status: 201, body: { run: pipelineRun({ id: 21, kind: 'evaluate', status: 'queued', done: 0, total: 1 }) } },
      'GET /api/v1/projects/42/runs/21': { body: { run: pipelineRun({ id: 21, kind: 'evaluate', status: 'queued', done: 0, total: 1 }) } },
      'GET /api/v1/projects/42/evaluations/21': { body: evaluation({ run: pipelineRun({ id: 21, kind: 'evaluate', status: 'queued' }) }) },
      'GET /api/v1/projects/42/evaluations/21/results': { body: { results: [], next_after: null } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/evaluations');

    // The list: accuracy and the judge's, apart.
    const table = await screen.findByRole('table', { name: 'Evaluations' }, { timeout: 5000 });
    expect(within(table).getByTestId('accuracy-20')).toHaveTextContent('70% (7/10)');
    expect(table).toHaveTextContent('90%');

    const form = screen.getByRole('form', { name: 'New evaluation' });
    const prompt = await within(form).findByLabelText('Prompt template');
    expect(prompt).toHaveValue(DEFAULT_PROMPT);
    expect(within(form).getByLabelText('Snapshot')).toHaveValue('4');
    // Without {schema} the template cannot be used.
    await user.clear(prompt);
    await user.type(prompt, 'Answer {{query_str} in {{dialect}.');
    expect(within(form).getByText('The template needs {schema} (the server fills it in).')).toBeInTheDocument();
    expect(within(form).getByRole('button', { name: 'Start evaluation' })).toBeDisabled();
    await user.type(prompt, ' Schema: {{schema}');

    await user.selectOptions(within(form).getByLabelText('Split'), 'val');
    await user.type(within(form).getByLabelText('Model'), 'gpt-small');
    await user.click(within(form).getByLabelText(/Also ask a judge model/));
    await user.type(within(form).getByLabelText('Judge model'), 'judge-x');
    await user.type(within(form).getByLabelText('Limit'), '5');
    await user.clear(within(form).getByLabelText('Concurrency'));
    await user.type(within(form).getByLabelText('Concurrency'), '2');
    await user.type(within(form).getByLabelText('Max model calls'), '100');
    await user.type(within(form).getByLabelText('Max cost (USD)'), '0.5');
    await user.click(within(form).getByRole('button', { name: 'Start evaluation' }));

    expect(await screen.findByText('Evaluation #21')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      snapshot_id: 4,
      split: 'val',
      model: 'gpt-small',
      prompt: 'Answer {query_str} in {dialect}. Schema: {schema}',
      judge: true,
      judge_model: 'judge-x',
      limit: 5,
      concurrency: 2,
      budget: { max_calls: 100, max_cost_usd: 0.5 },
    });
  });

  it('shows the server’s field errors beside their fields and a missing model', async () => {
    let reply = errorReply(400, 'invalid_input', 'bad', {
      fields: { prompt: 'is missing {schema}', base_url: 'must be an http(s) URL', 'budget.max_calls': 'must be at least 0' },
    });
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/evaluations': { body: { evaluations: [] } },
      'POST /api/v1/projects/42/evaluations': () => reply,
    });
    const user = userEvent.setup();
    renderApp('/projects/42/evaluations');
    expect(await screen.findByText('No evaluations yet', {}, { timeout: 5000 })).toBeInTheDocument();
    const form = screen.getByRole('form', { name: 'New evaluation' });
    await within(form).findByLabelText('Prompt template');
    await user.click(within(form).getByRole('button', { name: 'Start evaluation' }));
    expect(await within(form).findByText('is missing {schema}')).toBeInTheDocument();
    expect(within(form).getByText('must be an http(s) URL')).toBeInTheDocument();
    expect(within(form).getByText('must be at least 0')).toBeInTheDocument();
    // The current template, unchanged, is not sent: the server records its version.
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ snapshot_id: 4, split: 'test', concurrency: 8 });

    reply = errorReply(409, 'no_llm', 'no language model endpoint is configured');
    await user.click(within(form).getByRole('button', { name: 'Start evaluation' }));
    expect(await within(form).findByTestId('llm-not-configured')).toHaveTextContent('No language model endpoint is configured.');
  });
});

describe('evaluation page', () => {
  it('follows the run live, then shows accuracy, the judge apart, the charts and every item with J/K', async () => {
    let state = evaluation({
      run: pipelineRun({ id: 20, kind: 'evaluate', status: 'running', total: 10, done: 2, succeeded: 2, failed: 0 }),
      summary: { ...evaluation().summary, scored: 2, correct: 1, accuracy: 0.5 },
    });
    let run = state.run;
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/runs/20': () => ({ body: { run } }),
      'GET /api/v1/projects/42/evaluations/20': () => ({ body: state }),
      'GET /api/v1/projects/42/evaluations/20/results': {
        body: {
          results: [
            evalResult(),
            evalResult({ nlq_id: 12, question: 'What is the total number of singers?', sql: 'SELECT count(*) FROM singer', correct: true, reason: '', diff: null, judge: true }),
            evalResult({ nlq_id: 13, question: 'Name the stadiums.', sql: 'SELECT nme FROM stadium', error: 'column "nme" does not exist', reason: '', diff: null, judge: null }),
          ],
          next_after: null,
        },
      },
      'GET /api/v1/projects/42/evaluations/20/results?outcome=error&limit=50': {
        body: { results: [evalResult({ nlq_id: 13, question: 'Name the stadiums.', error: 'column "nme" does not exist' })], next_after: null },
      },
      'POST /api/v1/projects/42/runs/20/cancel': () => {
        run = { ...run, status: 'cancelled' };
        return { body: { run } };
      },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/evaluations/20');

    expect(await screen.findByText('Evaluation #20', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('progress-figures')).toHaveTextContent('2 / 10 (20%)');
    const stream = ES.last;
    expect(stream.url).toBe('/api/v1/projects/42/runs/20/events');
    act(() => {
      stream.open();
      stream.emit('progress', pipelineRun({ id: 20, kind: 'evaluate', status: 'running', total: 10, done: 7, succeeded: 7 }));
    });
    expect(screen.getByTestId('progress-figures')).toHaveTextContent('7 / 10 (70%)');
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeInTheDocument();

    // The run ends: the stream says done, the evaluation is read again.
    run = { ...run, status: 'succeeded', done: 10, succeeded: 10 };
    state = evaluation();
    act(() => {
      stream.emit('progress', run);
      stream.emit('done', {});
    });
    expect(await screen.findByText('7 / 10')).toBeInTheDocument();
    expect(screen.getByTestId('accuracy')).toHaveTextContent('70%Execution accuracy: 7 / 10');
    const judge = screen.getByTestId('judge-accuracy');
    expect(judge).toHaveTextContent('90%Judge accuracy: 9 / 10');
    expect(judge.closest('.card')).toHaveTextContent('Judge accuracy (separate from execution accuracy)');
    expect(screen.getByRole('img', { name: /By hardness.*easy: 83\.3% \(5 of 6\); medium: 50% \(2 of 4\)/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /By database.*concert_singer: 70% \(7 of 10\)/ })).toBeInTheDocument();

    // J/K through the items; Enter opens one, and J then walks the details.
    const results = await screen.findByRole('table', { name: 'Results' });
    expect(within(results).getByTestId('result-row-11')).toHaveAttribute('aria-current', 'true');
    await user.keyboard('j');
    expect(within(results).getByTestId('result-row-12')).toHaveAttribute('aria-current', 'true');
    await user.keyboard('k');
    await user.keyboard('{Enter}');
    let detail = within(results).getByTestId('result-detail');
    expect(within(detail).getAllByTestId('sql-code').map((c) => c.textContent)).toEqual(['SELECT count(*) FROM singer', 'SELECT 1']);
    expect(detail).toHaveTextContent('Why not a match: rows differ');
    expect(detail).toHaveTextContent('Only in gold (of 1 rows)6');
    expect(detail).toHaveTextContent('Only in predicted (of 1 rows)1');
    expect(within(detail).getByTestId('judge-verdict')).toHaveTextContent('Judge: does not answer the question — counts nothing');
    await user.keyboard('j');
    await user.keyboard('j');
    detail = within(results).getByTestId('result-detail');
    expect(detail).toHaveTextContent('column "nme" does not exist');
    expect(within(results).getByTestId('result-row-13')).toHaveTextContent('Error');

    // Filter by outcome.
    await user.click(screen.getByRole('button', { name: 'Error' }));
    await waitFor(() => expect(screen.queryByTestId('result-row-11')).not.toBeInTheDocument());
    expect(screen.getByTestId('result-row-13')).toBeInTheDocument();
    expect(calls.some((c) => c.path === '/api/v1/projects/42/evaluations/20/results?outcome=error&limit=50')).toBe(true);
  });

  it('cancels a running evaluation', async () => {
    let run = pipelineRun({ id: 20, kind: 'evaluate', status: 'running', total: 10, done: 2 });
    mockApi({
      ...base,
      'GET /api/v1/projects/42/runs/20': () => ({ body: { run } }),
      'GET /api/v1/projects/42/evaluations/20': () => ({ body: evaluation({ run }) }),
      'GET /api/v1/projects/42/evaluations/20/results': { body: { results: [], next_after: null } },
      'POST /api/v1/projects/42/runs/20/cancel': () => {
        run = { ...run, status: 'cancelled' };
        return { body: { run } };
      },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/evaluations/20');
    await user.click(await screen.findByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText('Evaluation #20 cancelled')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();
  });
});
