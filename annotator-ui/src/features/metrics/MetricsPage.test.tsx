import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { MetricRun } from './api';
import { errorReply, mockApi, projectRoutes, type MockReply } from '../../test/mockApi';
import { grown, metricRun, report, results } from '../../test/metricsFixtures';
import { renderApp } from '../../test/render';

const P = '/api/v1/projects/42';
const notYet = errorReply(404, 'not_found', 'no metrics computed for this project yet');
const POLLED = { timeout: 4000 };

function setup(role: 'lead' | 'reviewer' | 'annotator', routes: Record<string, MockReply | ((c: never) => MockReply)> = {}) {
  return mockApi({
    ...projectRoutes(role),
    [`GET ${P}/metrics`]: { body: { run: metricRun({ results }) } },
    [`GET ${P}/metrics/runs`]: { body: { runs: [metricRun()] } },
    [`GET ${P}/cycles`]: { body: { cycles: [] } },
    [`GET ${P}/members`]: { body: { members: [] } },
    ...routes,
  });
}

/** Answers each poll of a run with the next state, then keeps the last. */
function sequence(...runs: MetricRun[]) {
  let i = 0;
  return () => ({ body: { run: runs[Math.min(i++, runs.length - 1)] } });
}

describe('metrics', () => {
  it('shows a lead the per-stage table with the change against the first stage, and what it was computed with', async () => {
    setup('lead');
    renderApp('/projects/42/metrics');

    const table = await screen.findByRole('table', { name: 'Metrics per stage' });
    const seed = within(table).getByTestId('stage-row-0');
    expect(seed).toHaveTextContent('human-seed');
    expect(within(seed).getByTestId('tables')).toHaveTextContent(/^1\/4 25%$/);
    expect(within(seed).getByTestId('mean-cosine')).toHaveTextContent(/^0\.400$/);
    const para = within(table).getByTestId('stage-row-1');
    expect(within(para).getByTestId('nlqs')).toHaveTextContent('5');
    expect(within(para).getByTestId('nlqs')).toHaveTextContent('up 66.7 % from human-seed (better)');
    expect(within(para).getByTestId('tables')).toHaveTextContent('2/4 50%');
    expect(within(within(para).getByTestId('tables')).getByTitle('up 100 % from human-seed (better)')).toHaveClass('delta-good');
    // A higher mean cosine means less varied questions.
    expect(within(within(para).getByTestId('mean-cosine')).getByTitle('up 5 % from human-seed (worse)')).toHaveClass('delta-bad');
    expect(within(para).getByTestId('entropy')).toHaveTextContent('1.52');
    expect(within(para).getByRole('img', { name: 'paraphrase hardness: Easy 2, Medium 2, Hard 1' })).toBeInTheDocument();
    expect(within(para).getByTitle('2 easy, 2 medium, 1 hard, 0 extra hard')).toHaveTextContent(/^2 · 2 · 1 · 0$/);

    const embedding = screen.getByTestId('embedding');
    expect(embedding).toHaveTextContent('lexical fallback (hashed character n-grams), not a semantic embedding model');
    expect(embedding).toHaveTextContent('lexical-char-ngram-v1');
    const facts = screen.getByLabelText('Computation');
    expect(facts).toHaveTextContent('#5');
    expect(within(facts).getByText('0123456789ab')).toHaveAttribute('title', expect.stringContaining('0123456789abcdef0123'));
    expect(facts).toHaveTextContent('On demand, by you');
    expect(screen.getByRole('button', { name: 'Recompute' })).toBeEnabled();

    // Charts across stages, the hardness mix and the heat map.
    expect(screen.getByRole('img', { name: /^Table coverage human-seed: 1 of 4 tables \(25%\); paraphrase: 2 of 4 tables \(50%\)$/ })).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^Hardness per stage human-seed: 3 \(Easy 1, Medium 2\); paraphrase: 5/ })).toBeInTheDocument();
    const heat = screen.getByRole('img', { name: /^Queries using each table, per stage/ });
    expect(heat).toHaveAccessibleName(/singer: human-seed 3, paraphrase 4; concert: human-seed 0, paraphrase 1/);

    // Details of the whole dataset by default.
    expect(screen.getByLabelText('Questions')).toHaveValue('1:c');
    expect(screen.getByRole('img', { name: /^Pattern frequency \(long tail\) 3 patterns, most frequent first, log scale: 2, 2, 1; 1 occur once$/ })).toBeInTheDocument();
    const top = screen.getByRole('table', { name: 'Top patterns' });
    expect(within(top).getAllByTestId('sql-code')[0]).toHaveTextContent('SELECT name, age FROM singer ORDER BY age DESC');
    expect(within(top).getAllByRole('row')[1]).toHaveTextContent('66.7%');
    expect(screen.getByRole('list', { name: 'Clause usage' })).toHaveTextContent('WHERE1 of 3 queries(33.3%)');
    expect(screen.getByRole('img', { name: /Questions by length in words 6–10 words: 1 question/ })).toBeInTheDocument();
    const dups = screen.getByRole('table', { name: 'Near-duplicate questions' });
    expect(within(dups).getByRole('link', { name: 'How many singers are there?' })).toHaveAttribute('href', '/projects/42/questions/11');
    expect(within(dups).getByRole('link', { name: 'How many singers are there in total?' })).toHaveAttribute('href', '/projects/42/questions/13');
    expect(screen.getByText('1 pair at cosine ≥ 0.95.')).toBeInTheDocument();
    expect(screen.getByText('Unused tables (2)')).toBeInTheDocument();

    const history = screen.getByRole('table', { name: 'Metric computations' });
    expect(within(history).getByTestId('metric-run-5')).toHaveTextContent('#5 · shown');
    expect(within(history).getByTestId('metric-run-5')).toHaveTextContent('lexical fallback');
    expect(screen.getByRole('link', { name: 'Cycles on the Dashboard' })).toHaveAttribute('href', '/projects/42/dashboard');
  });

  it("switches the table to each stage's own questions and the details to another set", async () => {
    const user = userEvent.setup();
    setup('lead');
    renderApp('/projects/42/metrics');
    const table = await screen.findByRole('table', { name: 'Metrics per stage' });
    await user.click(screen.getByRole('button', { name: 'Each stage alone' }));
    expect(screen.getByRole('button', { name: 'Each stage alone' })).toHaveAttribute('aria-pressed', 'true');
    const para = within(table).getByTestId('stage-row-1');
    expect(within(para).getByTestId('nlqs')).toHaveTextContent('2');
    expect(within(para).getByTestId('nlqs')).toHaveTextContent('down 33.3 % from human-seed (worse)');

    await user.selectOptions(screen.getByLabelText('Questions'), '0:s');
    expect(screen.getByText('Unused tables (3)')).toBeInTheDocument();
  });

  it('lets a reviewer read the figures but not recompute', async () => {
    const { calls } = setup('reviewer', { [`GET ${P}/metrics`]: { body: { run: metricRun({ started_by: 8, results }) } } });
    renderApp('/projects/42/metrics');
    expect(await screen.findByRole('table', { name: 'Metrics per stage' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Recompute' })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Computation')).toHaveTextContent('by user #8');
    expect(calls.some((c) => c.path.endsWith('/members'))).toBe(false);
  });

  it('tells a reviewer that a lead computes the metrics before the first computation', async () => {
    setup('reviewer', { [`GET ${P}/metrics`]: notYet, [`GET ${P}/metrics/runs`]: { body: { runs: [] } } });
    renderApp('/projects/42/metrics');
    expect(await screen.findByText('No metrics computed yet')).toBeInTheDocument();
    expect(screen.getByText(/A lead of this project computes them/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Compute metrics' })).not.toBeInTheDocument();
  });

  it('computes the first metrics for a lead, showing progress until the run succeeds', async () => {
    const user = userEvent.setup();
    let computed = false;
    const running = metricRun({ id: 6, status: 'running', embedding: '', nlqs: 0, inputs_hash: '', finished_at: null });
    const { calls } = setup('lead', {
      [`GET ${P}/metrics`]: () => (computed ? { body: { run: metricRun({ id: 6, results }) } } : notYet),
      [`GET ${P}/metrics/runs`]: { body: { runs: [] } },
      [`POST ${P}/metrics/runs`]: () => {
        computed = true;
        return { status: 202, body: { run: running } };
      },
      [`GET ${P}/metrics/runs/6`]: sequence(running, metricRun({ id: 6, results })),
    });
    renderApp('/projects/42/metrics');
    expect(await screen.findByText('No metrics computed yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Compute metrics' }));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({});
    expect(await screen.findByTestId('compute-progress')).toHaveTextContent(/Computing metrics \(Computation #6\)….*running/);
    expect(screen.getByRole('button', { name: 'Compute metrics' })).toBeDisabled();

    const table = await screen.findByRole('table', { name: 'Metrics per stage' }, POLLED);
    expect(within(table).getByTestId('stage-row-0')).toHaveTextContent('1/4');
    expect(screen.queryByTestId('compute-progress')).not.toBeInTheDocument();
    expect(screen.getByText('Metrics computed (Computation #6)')).toBeInTheDocument();
    expect(calls.filter((c) => c.path === `${P}/metrics/runs/6`).length).toBeGreaterThanOrEqual(2);
  });

  it('asks for the lexical fallback when the lead ticks it', async () => {
    const user = userEvent.setup();
    const { calls } = setup('lead', {
      [`POST ${P}/metrics/runs`]: { status: 202, body: { run: metricRun({ id: 6, status: 'running', finished_at: null }) } },
      [`GET ${P}/metrics/runs/6`]: { body: { run: metricRun({ id: 6, status: 'running', finished_at: null }) } },
    });
    renderApp('/projects/42/metrics');
    await screen.findByRole('table', { name: 'Metrics per stage' });
    await user.click(screen.getByLabelText('Use the lexical fallback'));
    await user.click(screen.getByRole('button', { name: 'Recompute' }));
    await waitFor(() => expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ embedding: 'lexical' }));
  });

  it('keeps the last good figures and says why a computation failed', async () => {
    const user = userEvent.setup();
    const reason = 'embeddings with text-embedding-3-small: 500 Internal Server Error (compute with the lexical fallback instead, or fix the endpoint)';
    setup('lead', {
      [`POST ${P}/metrics/runs`]: { status: 202, body: { run: metricRun({ id: 6, status: 'running', finished_at: null }) } },
      [`GET ${P}/metrics/runs/6`]: { body: { run: metricRun({ id: 6, status: 'failed', error: reason }) } },
    });
    renderApp('/projects/42/metrics');
    await screen.findByRole('table', { name: 'Metrics per stage' });
    await user.click(screen.getByRole('button', { name: 'Recompute' }));
    const failed = (await screen.findByText('Computation #6 failed', {}, POLLED)).closest('.alert')!;
    expect(failed).toHaveTextContent(reason);
    expect(failed).toHaveTextContent('The figures below are still those of Computation #5, the last one that succeeded.');
    expect(screen.getByRole('table', { name: 'Metrics per stage' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Recompute' })).toBeEnabled();
  });

  it('follows the computation already running when asked for another', async () => {
    const user = userEvent.setup();
    let conflict = false;
    const other = metricRun({ id: 9, status: 'running', trigger: 'pipeline', pipeline_run_id: 3, started_by: null, created_at: new Date().toISOString(), finished_at: null });
    const { calls } = setup('lead', {
      [`GET ${P}/metrics/runs`]: () => ({ body: { runs: conflict ? [other, metricRun()] : [metricRun()] } }),
      [`POST ${P}/metrics/runs`]: () => {
        conflict = true;
        return errorReply(409, 'conflict', 'the metrics of this project are being computed; wait for that run to finish');
      },
      [`GET ${P}/metrics/runs/9`]: { body: { run: other } },
    });
    renderApp('/projects/42/metrics');
    await screen.findByRole('table', { name: 'Metrics per stage' });
    await user.click(screen.getByRole('button', { name: 'Recompute' }));
    expect(await screen.findByText('A computation is already running (Computation #9); following it instead of starting another.')).toBeInTheDocument();
    expect(await screen.findByTestId('compute-progress')).toHaveTextContent('Computation #9');
    await waitFor(() => expect(calls.some((c) => c.path === `${P}/metrics/runs/9`)).toBe(true));
    expect(screen.getByRole('table', { name: 'Metric computations' })).toHaveTextContent('After a pipeline');
  });

  it('follows a computation found running when the page opens', async () => {
    const running = metricRun({ id: 8, status: 'running', created_at: new Date().toISOString(), finished_at: null });
    setup('lead', {
      [`GET ${P}/metrics/runs`]: { body: { runs: [running, metricRun()] } },
      [`GET ${P}/metrics/runs/8`]: { body: { run: running } },
    });
    renderApp('/projects/42/metrics');
    expect(await screen.findByTestId('compute-progress')).toHaveTextContent('Computation #8');
    expect(screen.getByRole('button', { name: 'Recompute' })).toBeDisabled();
  });

  it('does not wait for a computation left running by a stopped server', async () => {
    const { calls } = setup('lead', {
      [`GET ${P}/metrics/runs`]: { body: { runs: [metricRun({ id: 8, status: 'running', finished_at: null }), metricRun()] } },
    });
    renderApp('/projects/42/metrics');
    expect(await screen.findByRole('table', { name: 'Metric computations' })).toHaveTextContent('Running');
    expect(screen.queryByTestId('compute-progress')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Recompute' })).toBeEnabled();
    expect(calls.some((c) => c.path.endsWith('/metrics/runs/8'))).toBe(false);
  });

  it('reads an older run without per-table counts or every pattern count', async () => {
    const old = (r: typeof grown) => ({ ...r, pattern_counts: undefined, unique_patterns: 4, databases: r.databases.map(({ tables: _t, ...d }) => d) });
    setup('reviewer', {
      [`GET ${P}/metrics`]: { body: { run: metricRun({ results: results.map((x) => ({ ...x, report: old(x.report) })) }) } },
    });
    renderApp('/projects/42/metrics');
    const heat = await screen.findByRole('img', { name: /^Queries using each table, per stage/ });
    expect(heat).toHaveAccessibleName(/concert: human-seed unused, paraphrase used/);
    expect(screen.getByText('1 more table used at every stage (this run names only unused tables).')).toBeInTheDocument();
    expect(screen.getByText('This run recorded only the most frequent patterns; recompute to see the whole tail.')).toBeInTheDocument();
  });

  it('names a semantic embeddings model as such', async () => {
    setup('reviewer', {
      [`GET ${P}/metrics`]: { body: { run: metricRun({ embedding: 'text-embedding-3-small', results: [{ ...results[2], report: report({ embedding: 'text-embedding-3-small' }) }] }) } },
    });
    renderApp('/projects/42/metrics');
    expect(await screen.findByTestId('embedding')).toHaveTextContent(/^embeddings model text-embedding-3-small$/);
    expect(screen.queryByText('Similarity from the lexical fallback')).not.toBeInTheDocument();
  });
});
