import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ErrorRate, SnapshotErrorRate } from '../../shared/golden';
import { database } from '../../test/fixtures';
import { snapshot } from '../../test/goldenFixtures';
import { errorReply, mockApi, projectRoutes } from '../../test/mockApi';
import { renderApp } from '../../test/render';
import { errorRateSentence, percentToFraction } from './ErrorRate';

const P = '/api/v1/projects/42';
const unmeasured: ErrorRate = {
  pairs: 480, audited: 0, wrong: 0, rate: null, low: 0, high: 1,
  strata: [{ accepted_by: 'agreed', pairs: 480, audited: 0, wrong: 0, rate: 0, low: 0, high: 1 }],
  by_source: [], by_author: [], by_database: [], by_error_type: {},
};

const measured: ErrorRate = {
  pairs: 480, audited: 60, wrong: 2, rate: 0.0333, low: 0.009, high: 0.163,
  strata: [
    { accepted_by: 'agreed', pairs: 300, audited: 38, wrong: 1, rate: 1 / 38, low: 0.0047, high: 0.1348 },
    { accepted_by: 'reviewed', pairs: 120, audited: 15, wrong: 1, rate: 1 / 15, low: 0.0119, high: 0.2983 },
    { accepted_by: 'imported', pairs: 60, audited: 7, wrong: 0, rate: 0, low: 0, high: 0.3543 },
  ],
  by_source: [{ key: 'people', audited: 40, wrong: 2, rate: 0.05, low: 0.0138, high: 0.1650 }],
  by_author: [{ key: 'bo@example.com', audited: 20, wrong: 2, rate: 0.1, low: 0.0279, high: 0.3010 }],
  by_database: [{ key: 'concert_singer', audited: 60, wrong: 2, rate: 0.0333, low: 0.0092, high: 0.1136 }],
  by_error_type: { join: 1, aggregation: 1 },
};

function setup(role: 'lead' | 'reviewer', reply: SnapshotErrorRate, audits: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({
    ...projectRoutes(role),
    [`GET ${P}/databases`]: { body: { databases: [database({ id: 9, name: 'concert_singer' })] } },
    [`GET ${P}/members`]: { body: { members: [] } },
    [`GET ${P}/exports`]: { body: { exports: [] } },
    [`GET ${P}/snapshots/3`]: { body: { snapshot: snapshot() } },
    [`GET ${P}/snapshots/3/pairs`]: { body: { pairs: [], next_after: null } },
    [`GET ${P}/snapshots/3/error-rate`]: { body: reply },
    ...audits,
  });
}

describe('error rate sentence', () => {
  it('gives the rate with its interval and sizes, or says it is not measured', () => {
    expect(errorRateSentence(measured)).toBe('3.3% wrong, 95% interval 0.9%–16.3%, from 60 audited of 480 pairs');
    expect(errorRateSentence(unmeasured)).toMatch(/^Not measured yet/);
  });
  it('reads percentages', () => {
    expect(percentToFraction('2')).toBe(0.02);
    expect(percentToFraction('2,5%')).toBe(0.025);
    expect(percentToFraction('')).toBeNull();
    expect(percentToFraction('abc')).toBeNull();
    expect(percentToFraction('100')).toBeNull();
  });
});

describe('snapshot error rate', () => {
  it('shows the estimate, each stratum’s interval, the breakdowns, the errors by type and the audit progress', async () => {
    setup('reviewer', {
      error_rate: measured,
      audits: [{ id: 1, snapshot_id: 3, target_upper: 0.02, assumed_error: 0, sample_size: 80, seed: 1, created_by: 8, created_at: '2025-01-05T10:00:00Z' }],
      queue: { pending: 15, claimed: 5, resolved: 60 },
    });
    renderApp('/projects/42/snapshots/3');
    expect(await screen.findByTestId('error-rate', {}, { timeout: 5000 })).toHaveTextContent('3.3% wrong, 95% interval 0.9%–16.3%, from 60 audited of 480 pairs');
    expect(screen.getByRole('img', { name: /Error rate per stratum/ })).toHaveAccessibleName(/Reviewed: 1 wrong of 15 audited, 6\.7% \(1\.2%–29\.8%\), 120 pairs/);
    expect(within(screen.getByRole('table', { name: 'By annotator' })).getByRole('row', { name: /bo@example\.com/ })).toHaveTextContent('2 of 2010%2.8%–30.1%');
    expect(screen.getByRole('table', { name: 'By database' })).toHaveTextContent('concert_singer');
    expect(screen.getByRole('table', { name: 'By source of the gold SQL' })).toHaveTextContent('People');
    expect(screen.getByTestId('errors-by-type')).toHaveTextContent('Join 1');
    const progress = screen.getByTestId('audit-progress');
    expect(progress).toHaveTextContent('60 of 80');
    expect(within(progress).getByRole('img', { name: 'Audit progress, 60 of 80 done: Done 60, Being reviewed 5, Waiting 15' })).toBeInTheDocument();
    expect(progress).toHaveTextContent('80 pairs queued (seed 1)');
    // Reviewers read; only leads ask for audits.
    expect(screen.queryByRole('form', { name: 'Audit this snapshot' })).not.toBeInTheDocument();
  });

  it('says it is not measured yet, and a lead starts an audit and sees the sample queued', async () => {
    let n = 0;
    const { calls } = setup(
      'lead',
      { error_rate: unmeasured, audits: [], queue: { pending: 0, claimed: 0, resolved: 0 } },
      {
        [`POST ${P}/snapshots/3/audits`]: () =>
          n++ === 0
            ? errorReply(400, 'invalid_input', 'assumed_error: must be at least 0 and below target_upper', { fields: { assumed_error: 'must be at least 0 and below target_upper' } })
            : { status: 201, body: { audit: { id: 2, snapshot_id: 3, target_upper: 0.05, assumed_error: 0, sample_size: 57, seed: 9, created_by: 7, created_at: '' } } },
      },
    );
    const user = userEvent.setup();
    renderApp('/projects/42/snapshots/3');
    expect(await screen.findByTestId('error-rate', {}, { timeout: 5000 })).toHaveTextContent('Not measured yet');
    const form = screen.getByRole('form', { name: 'Audit this snapshot' });
    expect(within(form).getByLabelText('Target upper bound (%)')).toHaveValue('2');
    await user.clear(within(form).getByLabelText('Target upper bound (%)'));
    await user.type(within(form).getByLabelText('Target upper bound (%)'), '5');
    await user.type(within(form).getByLabelText('Assumed error (%)'), '6');
    await user.clear(within(form).getByLabelText('Seed'));
    await user.type(within(form).getByLabelText('Seed'), '9');
    await user.click(within(form).getByRole('button', { name: 'Audit this snapshot' }));
    expect(await within(form).findByText('must be at least 0 and below target_upper')).toBeInTheDocument();
    await user.clear(within(form).getByLabelText('Assumed error (%)'));
    await user.click(within(form).getByRole('button', { name: 'Audit this snapshot' }));
    expect(await within(form).findByTestId('audit-queued')).toHaveTextContent('57 pairs queued for review.');
    const posts = calls.filter((c) => c.method === 'POST');
    expect(posts[0].body).toEqual({ target_upper: 0.05, assumed_error: 0.06, seed: 9 });
    expect(posts[1].body).toEqual({ target_upper: 0.05, seed: 9 });
  });
});
