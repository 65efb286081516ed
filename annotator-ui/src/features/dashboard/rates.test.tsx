import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { wilson } from '../../shared/interval';
import { disagreementChange, judgeChange, type Cycle } from './api';
import { ChangeBadge } from './Rates';

const cycle = (v: number, disagreed: number, compared: number): Cycle => ({
  guideline_version: v, started_at: null, summary: '', annotated: compared, skipped: 0, compared, agreed: compared - disagreed, disagreed,
  agreement_rate: compared ? (compared - disagreed) / compared : 0, disagreement_rate: compared ? disagreed / compared : 0,
  reviews: 0, by_decision: {}, by_error_type: {}, by_rule: {},
});

describe('judgeChange', () => {
  it('calls a fall in disagreement better only when the intervals do not overlap', () => {
    expect(judgeChange(wilson(40, 100), wilson(10, 100), 'down').verdict).toBe('better');
    expect(judgeChange(wilson(10, 100), wilson(40, 100), 'down').verdict).toBe('worse');
    expect(judgeChange(wilson(10, 100), wilson(40, 100), 'up').verdict).toBe('better');
    expect(judgeChange(wilson(2, 4), wilson(1, 6), 'down').verdict).toBe('unclear');
  });

  it('needs comparisons in both cycles', () => {
    expect(disagreementChange([cycle(0, 2, 4), cycle(1, 0, 0)], 1)).toBeNull();
    expect(disagreementChange([cycle(0, 2, 4)], 0)).toBeNull();
    const c = disagreementChange([cycle(0, 40, 100), cycle(1, 10, 100)], 1)!;
    expect(c.verdict).toBe('better');
    expect(c.points).toBeCloseTo(-30);
  });
});

describe('ChangeBadge', () => {
  it('says better with an arrow when the intervals are apart', () => {
    render(<ChangeBadge change={judgeChange(wilson(40, 100), wilson(10, 100), 'down')} against="v0" />);
    const badge = screen.getByTestId('change');
    expect(badge).toHaveClass('delta-good');
    expect(badge).toHaveTextContent('▼ 30 pts better');
    expect(badge).toHaveTextContent('down 30 pts from v0 (better)');
  });

  it('says worse', () => {
    render(<ChangeBadge change={judgeChange(wilson(10, 100), wilson(40, 100), 'down')} against="v0" />);
    expect(screen.getByTestId('change')).toHaveClass('delta-bad');
    expect(screen.getByTestId('change')).toHaveTextContent('▲ 30 pts worse');
  });

  it('claims nothing when they overlap, giving both sizes', () => {
    render(<ChangeBadge change={judgeChange(wilson(3, 4), wilson(1, 6), 'down')} against="v0" />);
    expect(screen.getByTestId('change')).toHaveTextContent(/^no clear change \(n=4 vs n=6\)$/);
    expect(screen.getByTestId('change')).toHaveAttribute('title', expect.stringContaining('the 95% intervals overlap'));
  });
});
