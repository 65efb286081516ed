import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { significanceSentence } from '../../shared/golden';
import { pipelineRun } from '../../test/agentFixtures';
import { FakeEventSource, withFakeEventSource } from '../../test/fakeEventSource';
import { candidate, DEFAULT_PROMPT, optReport, promptTemplate, snapshot } from '../../test/goldenFixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { lineHunks } from './OptimizationPage';

withFakeEventSource();
const ES = FakeEventSource;

const v1 = promptTemplate({ id: 5, version: 1, source: 'optimization', run_id: 30, candidate_id: 2, note: 'Adopted from APO', created_at: '2025-01-06T13:00:00Z', created_by: 7 });

const base = {
  ...projectRoutes('lead'),
  'GET /api/v1/projects/42/snapshots': { body: { snapshots: [snapshot()] } },
  'GET /api/v1/projects/42/prompts': { body: { current: promptTemplate(), versions: [] } },
  'GET /api/v1/projects/42/optimizations': { body: { optimizations: [] } },
};

describe('optimizations tab', () => {
  it('shows only the chosen method’s parameters with their defaults, and starts OPRO or APO', async () => {
    const started = pipelineRun({ id: 31, kind: 'optimize', status: 'queued', done: 0, total: 3 });
    const { calls } = mockApi({
      ...base,
      'POST /api/v1/projects/42/optimizations': { status: 201, body: { run: started } },
      'GET /api/v1/projects/42/runs/31': { body: { run: started } },
      'GET /api/v1/projects/42/optimizations/31': { body: optReport({ run: started, candidates: [], steps: [], best: null, test: null, diff: [] }) },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/optimizations');

    const form = await screen.findByRole('form', { name: 'New optimization' }, { timeout: 5000 });
    expect(await within(form).findByLabelText('Baseline prompt')).toHaveValue(DEFAULT_PROMPT);
    const opro = within(form).getByTestId('opro-params');
    expect(within(opro).getByLabelText('Iterations')).toHaveValue(5);
    expect(within(opro).getByLabelText('Candidates per step')).toHaveValue(2);
    expect(within(opro).getByLabelText('Temperature')).toHaveValue(0.7);
    expect(within(form).queryByLabelText('Beam width')).not.toBeInTheDocument();

    await user.click(within(form).getByRole('button', { name: 'APO' }));
    const apo = within(form).getByTestId('apo-params');
    expect(within(form).queryByLabelText('Iterations')).not.toBeInTheDocument();
    expect(within(apo).getByLabelText('Beam width')).toHaveValue(4);
    expect(within(apo).getByLabelText('Branch factor')).toHaveValue(4);
    expect(within(apo).getByLabelText('Rounds')).toHaveValue(3);
    expect(within(apo).getByLabelText('Gradient batch')).toHaveValue(4);
    expect(within(apo).getByLabelText('Validation batch')).toHaveValue(16);
    await user.clear(within(apo).getByLabelText('Beam width'));
    await user.type(within(apo).getByLabelText('Beam width'), '1');
    await user.type(within(form).getByLabelText('Validation items'), '4');
    await user.type(within(form).getByLabelText('Max tokens'), '50000');
    await user.click(within(form).getByRole('button', { name: 'Start APO' }));

    expect(await screen.findByText(/optimization #31/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      // The baseline is the current template: not sent, so the run records its version.
      method: 'apo',
      snapshot_id: 3,
      concurrency: 8,
      val_limit: 4,
      apo: { beam_width: 1, branch_factor: 4, rounds: 3, gradient_batch: 4, validation_batch: 16 },
      budget: { max_tokens: 50000 },
    });
  });

  it('shows a parameter’s field error beside it and a snapshot without test pairs', async () => {
    let reply = errorReply(400, 'invalid_input', 'opro.iterations: must be from 1 to 50', { fields: { 'opro.iterations': 'must be from 1 to 50' } });
    mockApi({ ...base, 'POST /api/v1/projects/42/optimizations': () => reply });
    const user = userEvent.setup();
    renderApp('/projects/42/optimizations');
    const form = await screen.findByRole('form', { name: 'New optimization' }, { timeout: 5000 });
    await within(form).findByLabelText('Baseline prompt');
    await user.click(within(form).getByRole('button', { name: 'Start OPRO' }));
    expect(await within(form).findByText('must be from 1 to 50')).toBeInTheDocument();
    expect(within(form).getByLabelText('Iterations')).toHaveAttribute('aria-invalid', 'true');

    reply = errorReply(409, 'conflict', 'the snapshot has no test pairs');
    await user.click(within(form).getByRole('button', { name: 'Start OPRO' }));
    expect(await within(form).findByText('the snapshot has no test pairs')).toBeInTheDocument();
  });

  it('lists prompt versions with their source and saves a new one, showing the server’s refusal', async () => {
    let reply = errorReply(400, 'invalid_input', 'body: must contain {schema}', { fields: { body: 'must contain {schema}' } });
    let prompts = { current: v1, versions: [v1] };
    const opt = optReport();
    const { calls } = mockApi({
      ...base,
      // Optimization 30 is the project's second: it is named by its number.
      'GET /api/v1/projects/42/optimizations': { body: { optimizations: [{ run: { ...opt.run, id: 30, number: 2 }, params: opt.params, best: null }] } },
      'GET /api/v1/projects/42/prompts': () => ({ body: prompts }),
      'POST /api/v1/projects/42/prompts': () => reply,
    });
    const user = userEvent.setup();
    renderApp('/projects/42/optimizations');
    const row = await screen.findByTestId('prompt-version-1', {}, { timeout: 5000 });
    expect(row).toHaveTextContent('From an optimization');
    expect(within(row).getByRole('link', { name: 'optimization #2, candidate #2' })).toHaveAttribute('href', '/projects/42/optimizations/30');
    expect(screen.getByTestId('current-prompt')).toHaveTextContent('In force: version 1');

    await user.click(screen.getByRole('button', { name: 'New version' }));
    const form = screen.getByRole('form', { name: 'New prompt version' });
    await user.type(within(form).getByLabelText('Note'), 'Say how to count');
    await user.click(within(form).getByRole('button', { name: 'Save version 2' }));
    expect(await within(form).findByText('must contain {schema}')).toBeInTheDocument();

    const v2 = promptTemplate({ id: 6, version: 2, source: 'manual', body: 'Write {dialect} for {query_str} over {schema}.', created_at: '2025-01-07T10:00:00Z' });
    reply = { status: 201, body: { prompt: v2 } };
    prompts = { current: v2, versions: [v2, v1] };
    await user.click(within(form).getByRole('button', { name: 'Save version 2' }));
    expect(await screen.findByText('Saved prompt version 2')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'POST').at(-1)?.body).toEqual({ body: DEFAULT_PROMPT, note: 'Say how to count' });
    // The new version becomes the form's baseline, as the text was not edited there.
    expect(await screen.findByTestId('prompt-version-2')).toHaveTextContent('Written by hand');
    expect(screen.getByLabelText('Baseline prompt')).toHaveValue('Write {dialect} for {query_str} over {schema}.');
  });
});

describe('optimization page', () => {
  it('follows the run live, then shows the score chart, every candidate, the test report and the diff, and adopts the best', async () => {
    const running = pipelineRun({ id: 30, kind: 'optimize', status: 'running', total: 3, done: 1, succeeded: 1, failed: 0 });
    let run = running;
    let report = optReport({ run: running, candidates: [candidate()], steps: (optReport().steps ?? []).slice(0, 1), best: candidate(), test: null, diff: [] });
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/runs/30': () => ({ body: { run } }),
      'GET /api/v1/projects/42/optimizations/30': () => ({ body: report }),
      'POST /api/v1/projects/42/optimizations/30/adopt': (c) => ({
        status: 201,
        body: { prompt: promptTemplate({ id: 7, version: 3, source: 'optimization', run_id: 30, candidate_id: (c.body as { candidate_id?: number }).candidate_id ?? 2 }) },
      }),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/optimizations/30');

    expect(await screen.findByText('APO optimization #30', { exact: false }, { timeout: 5000 })).toBeInTheDocument();
    expect(screen.getByTestId('progress-figures')).toHaveTextContent('1 / 3 (33%)');
    const stream = ES.last;
    expect(stream.url).toBe('/api/v1/projects/42/runs/30/events');
    act(() => {
      stream.open();
      stream.emit('progress', { ...running, done: 2 });
    });
    expect(screen.getByTestId('progress-figures')).toHaveTextContent('2 / 3 (67%)');
    expect(screen.queryByTestId('test-report')).not.toBeInTheDocument();

    run = { ...running, status: 'succeeded', done: 3, succeeded: 3 };
    report = optReport();
    act(() => {
      stream.emit('progress', run);
      stream.emit('done', {});
    });

    const testReport = await screen.findByTestId('test-report');
    expect(testReport).toHaveTextContent('Baseline accuracy20% (2/10)');
    expect(testReport).toHaveTextContent('Best prompt accuracy80% (8/10)');
    expect(testReport).toHaveTextContent('Difference+60 pp 95% CI +30 pp to +90 pp');
    expect(within(testReport).getByTestId('only-best')).toHaveTextContent('6 (only best)');
    expect(within(testReport).getByTestId('both-wrong')).toHaveTextContent('2 (neither)');
    expect(within(testReport).getByTestId('significance')).toHaveTextContent(/is significant at the 0\.05 level: the best prompt does better/);

    expect(screen.getByRole('img', { name: /Best score per step.*baseline: 25%; step 1: 75%/ })).toBeInTheDocument();
    const diff = screen.getByRole('table', { name: 'Changes from baseline to best prompt' });
    expect(within(diff).getByText(/To answer how many, count the rows\./)).toBeInTheDocument();

    const cands = screen.getByRole('table', { name: 'Candidates' });
    const best = within(cands).getByTestId('candidate-2');
    expect(best).toHaveTextContent('#2 best');
    expect(best).toHaveTextContent('APO');
    expect(within(best).getByRole('link', { name: '#1' })).toHaveAttribute('href', '#candidate-1');
    expect(best).toHaveTextContent('75% (4)');
    expect(best).toHaveTextContent('80%');
    await user.click(within(best).getByRole('button', { name: 'Show the prompt of candidate 2' }));
    expect(within(cands).getByTestId('prompt-2')).toHaveTextContent('count the rows');
    expect(within(cands).getByText('The prompt never says to count rows.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Adopt as the project’s prompt (new version)' }));
    expect(await screen.findByTestId('adopted')).toHaveTextContent('The project’s prompt is now version 3 (candidate #2)');
    expect(calls.find((c) => c.path.endsWith('/adopt'))?.body).toEqual({});

    // Another candidate, from the table.
    await user.click(within(cands).getByRole('button', { name: 'Adopt candidate 1' }));
    expect(await screen.findByTestId('adopted-candidate')).toHaveTextContent('Candidate #1 is now the project’s prompt (version 3)');
    expect(calls.filter((c) => c.path.endsWith('/adopt')).at(-1)?.body).toEqual({ candidate_id: 1 });
  });

  it('shows a 409 from adopt', async () => {
    mockApi({
      ...base,
      'GET /api/v1/projects/42/runs/30': { body: { run: optReport().run } },
      'GET /api/v1/projects/42/optimizations/30': { body: optReport() },
      'POST /api/v1/projects/42/optimizations/30/adopt': errorReply(409, 'conflict', 'the candidate was not scored'),
    });
    const user = userEvent.setup();
    renderApp('/projects/42/optimizations/30');
    await user.click(await screen.findByRole('button', { name: 'Adopt as the project’s prompt (new version)' }, { timeout: 5000 }));
    expect(await screen.findByText('the candidate was not scored')).toBeInTheDocument();
  });
});

describe('optimization wording', () => {
  it('says plainly whether the difference is significant', () => {
    const t = optReport().test!;
    expect(significanceSentence({ ...t, mcnemar_p: 0.4, difference: 0.1, ci_low: -0.1, ci_high: 0.3 })).toBe(
      'The difference of +10 pp (95% CI −10 pp to +30 pp, McNemar p = 0.400) is not significant at the 0.05 level: on these 10 test items it could be chance.',
    );
    expect(significanceSentence({ ...t, difference: -0.6, mcnemar_p: 0.0001 })).toMatch(/significant at the 0\.05 level: the baseline does better/);
  });

  it('groups the server’s line diff into hunks, as lines or as hunks', () => {
    const hunks = [
      { op: 'equal', lines: ['a', 'b'] },
      { op: 'delete', lines: ['c'] },
      { op: 'insert', lines: ['d'] },
    ];
    expect(lineHunks([{ op: 'same', text: 'a' }, { op: 'same', text: 'b' }, { op: 'del', text: 'c' }, { op: 'add', text: 'd' }])).toEqual(hunks);
    expect(lineHunks([{ op: 'equal', lines: ['a'] }, { op: 'equal', lines: ['b'] }, { op: 'delete', lines: ['c'] }, { op: 'insert', lines: ['d'] }])).toEqual(hunks);
  });
});
