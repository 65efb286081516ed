import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import type { Nlq } from '../../shared/api';
import { Lineage } from '../questions/Lineage';
import { pipelineRun } from '../../test/agentFixtures';
import { FakeEventSource, withFakeEventSource } from '../../test/fakeEventSource';
import { database } from '../../test/fixtures';
import { databaseRoutes, errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { DroppedBreakdown } from './DroppedBreakdown';
import { DEFAULT_FORM, generationParams, localErrors, outputStage } from './generation';

withFakeEventSource();
const ES = FakeEventSource;

const base = {
  ...projectRoutes('lead'),
  ...databaseRoutes([database({ id: 9, name: 'concert_singer' })]),
  'GET /api/v1/projects/42/nlqs/facets': {
    body: { statuses: { new: 12 }, stages: { 'human-seed': 10, 'human-seed+paraphrase': 2 }, origins: {}, error_types: {} },
  },
};

const paraphraseRun = (overrides: Parameters<typeof pipelineRun>[0] = {}) =>
  pipelineRun({
    id: 8,
    kind: 'paraphrase',
    params: { from_stage: 'human-seed', stage: 'human-seed+paraphrase', n: 3 },
    status: 'running',
    total: 3,
    done: 1,
    succeeded: 1,
    failed: 0,
    kept: 1,
    dropped: {},
    ...overrides,
  });

const preview = {
  pipeline: 'paraphrase',
  prompt_version: 'paraphrase@1a2b3c',
  model: 'gpt-test',
  item: 'nlq:12',
  items: 3,
  params: { from_stage: 'human-seed', n: 3 },
  messages: [{ role: 'user', content: 'Paraphrase the question below…\nOriginal question:\nHow many singers do we have?' }],
};

describe('generation params', () => {
  it('sends only what the pipeline takes and was set, and a method choice only when narrower than all', () => {
    expect(generationParams({ ...DEFAULT_FORM, from_stage: 'human-seed', methods: ['imperative', 'interrogative', 'lexical', 'morphological'] })).toEqual({
      from_stage: 'human-seed',
    });
    expect(generationParams({ ...DEFAULT_FORM, from_stage: 'human-seed', n: '3', methods: ['lexical'], concurrency: '4', annotate: false })).toEqual({
      from_stage: 'human-seed',
      n: 3,
      methods: ['lexical'],
      concurrency: 4,
      annotate: false,
    });
    // qagen has no from-stage and no n, but chunks; a database is required before asking the server.
    const qagen = { ...DEFAULT_FORM, kind: 'qagen' as const, from_stage: 'human-seed', n: '5', tables_per_chunk: '2', num: '4', validate: false };
    expect(generationParams({ ...qagen, database: '9' })).toEqual({ database_id: 9, tables_per_chunk: 2, num: 4, validate: false });
    expect(localErrors(qagen).database_id).toBe('Choose a database.');
    expect(localErrors({ ...qagen, database: '9', num: '51' }).num).toBe('From 1 to 50.');
    expect(outputStage('complexity', { from_stage: 'human-seed+paraphrase' })).toBe('human-seed+paraphrase+complexity');
    expect(outputStage('qagen', {})).toBe('qagen');
  });
});

describe('pipelines tab', () => {
  it('previews the prompt, shows the server’s field errors beside their fields, and starts the run', async () => {
    let previews = 0;
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/runs': { body: { runs: [paraphraseRun({ status: 'succeeded', done: 3, kept: 2, dropped: { duplicate: 1 } })] } },
      'POST /api/v1/projects/42/runs/preview': () =>
        ++previews === 1
          ? errorReply(400, 'invalid_input', 'stage: must differ from from_stage', { fields: { stage: 'must differ from from_stage' } })
          : { body: { preview } },
      'POST /api/v1/projects/42/runs': { status: 201, body: { run: paraphraseRun({ id: 9, status: 'queued', done: 0, kept: 0 }) } },
      'GET /api/v1/projects/42/runs/9': { body: { run: paraphraseRun({ id: 9, status: 'queued', done: 0, kept: 0 }) } },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/pipelines');

    // Every run kind is listed, with what it kept and dropped.
    const table = await screen.findByRole('table', { name: 'Runs' });
    const row = within(table).getByRole('row', { name: /Paraphrase run #8/ });
    expect(row).toHaveTextContent('Paraphrase');
    expect(row).toHaveTextContent('Succeeded');
    expect(within(row).getByTitle('duplicate: 1')).toHaveTextContent('1');

    const form = screen.getByRole('form', { name: 'New pipeline run' });
    // The from-stage offers the stages that exist, with their counts; human-seed first by default.
    const from = within(form).getByLabelText('From stage');
    expect(await within(from).findByRole('option', { name: 'human-seed+paraphrase (2)' })).toBeInTheDocument();
    expect(from).toHaveValue('human-seed');
    await user.type(within(form).getByLabelText('New stage'), 'human-seed');
    await user.click(within(form).getByRole('button', { name: 'Preview prompt' }));
    expect(await within(form).findByText('must differ from from_stage')).toBeInTheDocument();
    expect(within(form).getByLabelText('New stage')).toHaveAttribute('aria-invalid', 'true');

    await user.clear(within(form).getByLabelText('New stage'));
    await user.type(within(form).getByLabelText('Questions to rewrite'), '3');
    await user.click(within(form).getByLabelText('lexical'));
    await user.click(within(form).getByRole('button', { name: 'Preview prompt' }));
    const shown = await screen.findByTestId('prompt-preview');
    expect(within(shown).getByLabelText('Prompt: user message')).toHaveTextContent('Original question: How many singers do we have?');
    expect(shown).toHaveTextContent('paraphrase@1a2b3c');
    expect(shown).toHaveTextContent('of 3 items');
    const body = { kind: 'paraphrase', params: { from_stage: 'human-seed', n: 3, methods: ['imperative', 'interrogative', 'morphological'] } };
    expect(calls.filter((c) => c.path.endsWith('/runs/preview')).at(-1)?.body).toEqual(body);
    // Changing the form after a preview says the preview is out of date.
    await user.type(within(form).getByLabelText('Concurrency'), '4');
    expect(screen.getByText(/The form changed since this preview/)).toBeInTheDocument();

    await user.click(within(form).getByRole('button', { name: 'Start run' }));
    expect(await screen.findByText('Paraphrase run #9')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'POST' && c.path === '/api/v1/projects/42/runs')?.body).toEqual({
      kind: 'paraphrase',
      params: { ...body.params, concurrency: 4 },
    });
  });
});

describe('pipeline run page', () => {
  it('follows a run live, cancels it, and when it ends links its new stage and the agent batch it queued', async () => {
    let state = paraphraseRun();
    const { calls } = mockApi({
      ...base,
      'GET /api/v1/projects/42/runs/8': () => ({ body: { run: state } }),
      'POST /api/v1/projects/42/runs/8/cancel': () => {
        state = { ...state, status: 'cancelled', finished_at: '2025-01-05T10:02:00Z' };
        return { body: { run: state } };
      },
      'GET /api/v1/projects/42/runs?kind=agent': {
        body: { runs: [pipelineRun({ id: 12, params: { from_run: 8 }, status: 'running', total: 2, done: 1 }), pipelineRun({ id: 11 })] },
      },
    });
    const user = userEvent.setup();
    renderApp('/projects/42/pipelines/8');

    expect(await screen.findByText('Paraphrase run #8')).toBeInTheDocument();
    expect(screen.getByText(/from human-seed · into human-seed\+paraphrase/)).toBeInTheDocument();
    const stream = ES.last;
    expect(stream.url).toBe('/api/v1/projects/42/runs/8/events');
    act(() => {
      stream.open();
      stream.emit('log', { id: 1, at: '2025-01-05T10:00:00Z', level: 'info', message: 'started 3 items' });
      stream.emit('progress', paraphraseRun({ done: 2, succeeded: 2, kept: 1, dropped: { duplicate: 1 }, cost_usd: 0.5 }));
    });
    expect(screen.getByTestId('progress-figures')).toHaveTextContent('2 / 3 (67%)');
    expect(screen.getByRole('progressbar', { name: 'Progress of run 8' })).toHaveAttribute('aria-valuenow', '2');
    const chips = screen.getByRole('list', { name: 'Kept and dropped' });
    expect(chips).toHaveTextContent('kept 1');
    expect(chips).toHaveTextContent('duplicate 1');
    expect(screen.getByTestId('run-stats')).toHaveTextContent('$0.50');
    expect(within(screen.getByTestId('run-log')).getByText('started 3 items')).toBeInTheDocument();
    expect(screen.queryByTestId('run-outcome')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(await screen.findByText('Paraphrase run #8 cancelled')).toBeInTheDocument();
    expect(calls.some((c) => c.method === 'POST' && c.path.endsWith('/runs/8/cancel'))).toBe(true);
    expect(screen.getByRole('button', { name: 'Resume' })).toBeInTheDocument();

    // Finished: the new stage's questions and the batch queued over them (params.from_run).
    const outcome = await screen.findByTestId('run-outcome');
    expect(within(outcome).getByRole('link', { name: '1 new question in stage human-seed+paraphrase' })).toHaveAttribute(
      'href',
      '/projects/42/questions?stage=human-seed%2Bparaphrase',
    );
    expect(await within(outcome).findByRole('link', { name: 'Batch #12' })).toHaveAttribute('href', '/projects/42/batches/12');
  });
});

describe('dropped breakdown', () => {
  it('shows a chip per reason, the largest first, and nothing when nothing was made', () => {
    const { rerender } = render(<DroppedBreakdown kept={5} dropped={{ refusal: 1, invalid_json: 3, near_duplicate: 0 }} />);
    const chips = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(chips).toEqual(['kept 5', 'invalid JSON 3', 'refusal 1']);
    rerender(<DroppedBreakdown kept={0} dropped={null} />);
    expect(screen.getByText('Nothing kept or dropped yet.')).toBeInTheDocument();
  });
});

describe('lineage', () => {
  const generated: Nlq = {
    id: 77,
    project_id: 42,
    question: 'Could you list the singers by age?',
    origin_key: null,
    evidence: '',
    gold_candidate_id: null,
    stage: 'human-seed+paraphrase',
    status: 'new',
    origin: { kind: 'paraphrase', pipeline: 'paraphrase', prompt_version: 'paraphrase@1a2b3c', model: 'gpt-test', run_id: 8, item: 'nlq:12', method: 'lexical', parent_id: 12 },
    parent_id: 12,
    target_values: null,
    database_id: 9,
    database_name: 'concert_singer',
    created_at: '2025-01-05T10:00:00Z',
    candidate: null,
  };

  it('names the pipeline, method, prompt version, model, run and parent of a generated question', () => {
    render(
      <MemoryRouter>
        <Lineage projectId="42" nlq={generated} showRun />
      </MemoryRouter>,
    );
    const dl = screen.getByTestId('lineage');
    expect(dl).toHaveTextContent('Pipelineparaphrase');
    expect(dl).toHaveTextContent('Methodlexical');
    expect(dl).toHaveTextContent('Prompt versionparaphrase@1a2b3c');
    expect(dl).toHaveTextContent('Modelgpt-test');
    expect(within(dl).getByRole('link', { name: 'question #12' })).toHaveAttribute('href', '/projects/42/questions/12');
    expect(within(dl).getByRole('link', { name: 'run #8' })).toHaveAttribute('href', '/projects/42/pipelines/8');
  });

  it('does not link the run for those who cannot open runs, and says nothing for imported questions', () => {
    const { rerender } = render(
      <MemoryRouter>
        <Lineage projectId="42" nlq={generated} showRun={false} />
      </MemoryRouter>,
    );
    expect(screen.getByTestId('lineage')).toHaveTextContent('run #8');
    expect(screen.queryByRole('link', { name: 'run #8' })).not.toBeInTheDocument();
    rerender(
      <MemoryRouter>
        <Lineage projectId="42" nlq={{ ...generated, origin: { kind: 'spider', file: 'dev.json', index: 1 }, parent_id: null }} showRun />
      </MemoryRouter>,
    );
    expect(screen.queryByTestId('lineage')).not.toBeInTheDocument();
  });
});
