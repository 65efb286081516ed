import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Cycle, Progress } from './api';
import { mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { pipelineRun } from '../../test/agentFixtures';
import type { BatchRecall, RetrievalReport } from '../../shared/api.gen';

const P = '/api/v1/projects/42';

function cycle(v: number, o: Partial<Cycle> = {}): Cycle {
  return {
    guideline_version: v,
    started_at: v === 0 ? null : `2025-02-0${v}T10:00:00Z`,
    summary: v === 0 ? '' : `Change ${v}`,
    annotated: 0,
    skipped: 0,
    compared: 0,
    agreed: 0,
    disagreed: 0,
    agreement_rate: 0,
    disagreement_rate: 0,
    reviews: 0,
    by_decision: {},
    by_error_type: {},
    by_rule: {},
    ...o,
  };
}

const cycles: Cycle[] = [
  cycle(0, { annotated: 4, skipped: 1, compared: 4, agreed: 2, disagreed: 2, agreement_rate: 0.5, disagreement_rate: 0.5, reviews: 2, by_error_type: { join: 1, aggregation: 1 }, by_rule: {} }),
  cycle(1, { annotated: 5, compared: 5, agreed: 4, disagreed: 1, agreement_rate: 0.8, disagreement_rate: 0.2, reviews: 1, by_error_type: { join: 1 }, by_rule: { R1: 1 } }),
  cycle(2),
];

const progress: Progress = {
  stages: [{ stage: 'spider-dev', nlqs: 45, by_status: { new: 30, accepted: 14, needs_review: 1 } }],
  annotators: [
    { user_id: 7, email: 'ann@example.com', annotated: 9, skipped: 1, pending: 1, compared: 4, agreed_with_agent: 3, agreement_with_agent: 0.75, compared_with_people: 2, agreed_with_people: 1, agreement_with_people: 0.5, median_seconds: 65 },
    { user_id: 8, email: 'bob@example.com', annotated: 0, skipped: 2, pending: 0, compared: 0, agreed_with_agent: 0, agreement_with_agent: null, compared_with_people: 0, agreed_with_people: 0, agreement_with_people: null, median_seconds: null },
  ],
  queues: { annotation_pending: 12, annotation_claimed: 2, review_pending: 3, review_claimed: 1 },
};

function report(o: Partial<RetrievalReport>): RetrievalReport {
  return { k: 8, questions: 0, complete: 0, recall: 0, table_recall: 0, larger: 0, larger_complete: 0, larger_recall: 0, tables_mean: 0, tokens_median: 0, tokens_max: 0, ...o };
}

const recall: BatchRecall[] = [
  { run: pipelineRun({ id: 11, number: 3, status: 'succeeded' }), retrieval: report({ questions: 40, complete: 30, recall: 0.75, tables_mean: 8, tokens_median: 2600 }) },
  { run: pipelineRun({ id: 12, number: 4, status: 'succeeded' }), retrieval: report({ questions: 40, complete: 38, recall: 0.95, tables_mean: 11.5, tokens_median: 3100 }) },
];

function setup(role: 'lead' | 'reviewer' | 'annotator', data: Cycle[] = cycles, extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    ...projectRoutes(role),
    [`GET ${P}/cycles`]: { body: { cycles: data } },
    [`GET ${P}/progress`]: { body: progress },
    [`GET ${P}/snapshots`]: { body: { snapshots: [] } },
    [`GET ${P}/retrieval/batches`]: { body: { batches: recall } },
    ...extra,
  });
}

afterEach(() => vi.useRealTimers());

describe('dashboard', () => {
  it('shows a lead each cycle with the change in disagreement, the charts and the progress', async () => {
    setup('lead');
    renderApp('/projects/42/dashboard');

    const headline = await screen.findByTestId('headline');
    expect(headline).toHaveTextContent('Disagreement in v1');
    expect(headline).toHaveTextContent('20%');
    // 1 of 5 against 2 of 4: the 95% intervals overlap, so no change is claimed.
    expect(within(headline).getByTestId('change')).toHaveTextContent('no clear change (n=4 vs n=5)');
    expect(headline).toHaveTextContent('1 of 5 comparisons · 95% CI 3.6%–62.4%, n=5');
    expect(headline).toHaveTextContent('v2 is current and has no comparisons yet');

    const table = screen.getByRole('table', { name: 'Cycles' });
    const v0 = within(table).getByTestId('cycle-0');
    expect(v0).toHaveTextContent('Before the first guidelines');
    expect(v0).toHaveTextContent('+1 skipped');
    expect(within(v0).getByTestId('disagreement')).toHaveTextContent(/^50%95% CI 15%–85%, n=4$/);
    const v1 = within(table).getByTestId('cycle-1');
    expect(within(v1).getByTestId('disagreement')).toHaveTextContent('20%');
    expect(within(v1).getByTestId('disagreement')).toHaveTextContent('no clear change (n=4 vs n=5)');
    expect(within(v1).getByRole('link', { name: 'v1' })).toHaveAttribute('href', '/projects/42/guidelines?version=1');
    expect(within(v1).getByRole('link', { name: 'diff' })).toHaveAttribute('href', '/projects/42/guidelines/diff?from=0&to=1');
    expect(v1).toHaveTextContent('Join 1');
    expect(within(v1).getByText('R1')).toHaveClass('rule-chip');
    expect(within(within(table).getByTestId('cycle-2')).getByTestId('disagreement')).toHaveTextContent('—');

    const rate = screen.getByRole('img', { name: /Disagreement rate per cycle/ });
    expect(rate).toHaveAccessibleName(/v0: 50% \(2 of 4 comparisons\); v1: 20% \(1 of 5 comparisons\); v2: nothing compared/);
    expect(rate.querySelectorAll('rect.chart-bar')).toHaveLength(2);
    const errors = screen.getByRole('img', { name: /Decisions by error type/ });
    expect(errors).toHaveAccessibleName(/v0: 2 \(Join 1, Aggregation 1\); v1: 1 \(Join 1\); v2: 0/);
    expect(screen.getByRole('img', { name: /Cited rules/ })).toHaveAccessibleName(/v1: 1 \(R1 1\)/);

    expect(screen.getByRole('link', { name: 'Propose guideline edits' })).toHaveAttribute('href', '/projects/42/guidelines/propose');

    const queues = await screen.findByTestId('queues');
    expect(queues).toHaveTextContent('To annotate12');
    expect(queues).toHaveTextContent('Being reviewed1');
    expect(screen.getByRole('img', { name: 'spider-dev, 45 questions: New 30, Needs review 1, Accepted 14' })).toBeInTheDocument();
    const annotators = screen.getByRole('table', { name: 'Annotators' });
    const ann = within(annotators).getByRole('row', { name: /ann@example.com/ });
    expect(ann).toHaveTextContent('75% (3/4)95% CI 30.1%–95.4%, n=4');
    expect(ann).toHaveTextContent('50% (1/2)');
    expect(ann).toHaveTextContent('1 min 05 s');
    expect(within(annotators).getByRole('row', { name: /bob@example.com/ })).toHaveTextContent('—');
  });

  it('plots a lead the schema recall of the agent batches, the newest in words', async () => {
    setup('lead');
    renderApp('/projects/42/dashboard');
    const newest = await screen.findByTestId('dashboard-schema-recall');
    expect(newest).toHaveTextContent('Batch #4: the prompt held every needed table for 95% of 40 questions, with 11.5 tables and 3,100 first-prompt tokens (median) a question.');
    expect(within(newest).getByRole('link', { name: 'Batch #4' })).toHaveAttribute('href', '/projects/42/batches/12');
    expect(screen.getByRole('img', { name: /Schema recall/ })).toHaveAccessibleName(/Batch #3: 75% of 40 questions; Batch #4: 95% of 40 questions/);
    expect(screen.getByRole('img', { name: /Tables a question/ })).toHaveAccessibleName(/Batch #3: 8.0 tables a question; Batch #4: 11.5 tables a question/);
    expect(screen.getByRole('img', { name: /First-prompt tokens/ })).toHaveAccessibleName(/Batch #3: 2,600 tokens; Batch #4: 3,100 tokens/);
  });

  it('tells a lead what the schema card will show before any batch measured it', async () => {
    setup('lead', cycles, { [`GET ${P}/retrieval/batches`]: { body: { batches: [] } } });
    renderApp('/projects/42/dashboard');
    expect(await screen.findByText('No agent batch to measure yet')).toBeInTheDocument();
  });

  it('shows a reviewer the cycles but not the lead’s progress', async () => {
    const { calls } = setup('reviewer');
    renderApp('/projects/42/dashboard');
    expect(await screen.findByRole('table', { name: 'Cycles' })).toBeInTheDocument();
    expect(screen.queryByTestId('queues')).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Propose guideline edits' })).not.toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/progress'))).toBe(false);
    expect(calls.some((c) => c.path.endsWith('/retrieval/batches'))).toBe(false);
  });

  it('says what to expect before anything was compared', async () => {
    setup('lead', []);
    renderApp('/projects/42/dashboard');
    expect(await screen.findByText('No cycles yet')).toBeInTheDocument();
    // One message, not a headline about comparisons above it.
    expect(screen.queryByTestId('headline')).not.toBeInTheDocument();
    expect(screen.queryByRole('img', { name: /Disagreement rate/ })).not.toBeInTheDocument();
  });

  it('refreshes on demand and by itself every 10 seconds, unless turned off', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { calls } = setup('lead');
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
    renderApp('/projects/42/dashboard');
    await screen.findByTestId('queues');
    const count = (suffix: string) => calls.filter((c) => c.path.endsWith(suffix)).length;
    expect(count('/cycles')).toBe(1);

    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(count('/cycles')).toBe(2));
    expect(count('/progress')).toBe(2);

    await vi.advanceTimersByTimeAsync(10_000);
    await waitFor(() => expect(count('/cycles')).toBe(3));
    expect(count('/progress')).toBe(3);
    // Schema recall scores every batch's questions again: it refreshes once a minute, not every 10 s.
    expect(count('/retrieval/batches')).toBe(1);
    await vi.advanceTimersByTimeAsync(50_000);
    await waitFor(() => expect(count('/retrieval/batches')).toBe(2));

    const cycles = count('/cycles');
    await user.click(screen.getByRole('checkbox', { name: /Refresh every 10 s/ }));
    await vi.advanceTimersByTimeAsync(65_000);
    expect(count('/cycles')).toBe(cycles);
    expect(count('/retrieval/batches')).toBe(2);
  });
});

describe('dashboard error rate', () => {
  const breakdown = (key: string, audited: number, wrong: number) => ({ key, audited, wrong, rate: wrong / audited, low: 0, high: 0.5 });
  it('says when there is no snapshot to measure', async () => {
    setup('reviewer');
    renderApp('/projects/42/dashboard');
    expect(await screen.findByText('No snapshot yet')).toBeInTheDocument();
  });
  it('shows the newest snapshot’s error rate by source, annotator and database', async () => {
    setup('reviewer', cycles, {
      [`GET ${P}/snapshots`]: { body: { snapshots: [{ id: 9, project_id: 42, name: 'gold v2', params: null, content_hash: 'h', pairs: 480, manifest: null, created_by: null, created_at: '2026-12-01T10:00:00Z' }] } },
      [`GET ${P}/snapshots/9/error-rate`]: {
        body: {
          error_rate: {
            pairs: 480, audited: 60, wrong: 2, rate: 0.033, low: 0.009, high: 0.163,
            strata: [{ accepted_by: 'agreed', pairs: 480, audited: 60, wrong: 2, rate: 0.033, low: 0.009, high: 0.163 }],
            by_source: [breakdown('agent', 40, 2), breakdown('people', 20, 0)],
            by_author: [breakdown('ann@example.com', 20, 0)],
            by_database: [breakdown('concert_singer', 60, 2)],
            by_error_type: { join: 2 },
          },
          audits: [],
          queue: { pending: 0, claimed: 0, resolved: 60 },
        },
      },
    });
    renderApp('/projects/42/dashboard');
    const headline = await screen.findByTestId('dashboard-error-rate');
    expect(headline).toHaveTextContent('Snapshot #9 “gold v2”');
    expect(headline).toHaveTextContent('3.3% wrong');
    expect(screen.getByRole('table', { name: 'By source of the gold SQL' })).toHaveTextContent('Agent');
    expect(screen.getByRole('table', { name: 'By annotator' })).toHaveTextContent('ann@example.com');
    expect(screen.getByRole('table', { name: 'By database' })).toHaveTextContent('concert_singer');
  });
});
