import { describe, expect, it } from 'vitest';
import { formatInterval, formatPercent, rateChange, wilson } from './interval';

describe('wilson', () => {
  it.each([
    // Reference values (Newcombe 1998, table I; and the server's golden/audit.go).
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [2, 60, 0.0092, 0.1136],
    [4, 4, 0.5101, 1],
  ])('%i of %i is %f–%f', (x, n, low, high) => {
    const i = wilson(x, n);
    expect(i.rate).toBeCloseTo(x / n, 10);
    expect(i.low).toBeCloseTo(low, 4);
    expect(i.high).toBeCloseTo(high, 4);
    expect(i.n).toBe(n);
  });

  it('knows nothing from nothing', () => {
    expect(wilson(0, 0)).toEqual({ rate: 0, low: 0, high: 1, n: 0 });
  });

  it('stays within [0, 1] and around the rate', () => {
    for (const [x, n] of [[0, 1], [1, 1], [3, 7], [50, 100]]) {
      const i = wilson(x, n);
      expect(i.low).toBeGreaterThanOrEqual(0);
      expect(i.high).toBeLessThanOrEqual(1);
      expect(i.low).toBeLessThanOrEqual(i.rate);
      expect(i.high).toBeGreaterThanOrEqual(i.rate);
    }
  });
});

describe('rateChange', () => {
  it('calls a change only when the intervals do not overlap', () => {
    expect(rateChange(wilson(80, 100), wilson(20, 100))).toBe('down');
    expect(rateChange(wilson(20, 100), wilson(80, 100))).toBe('up');
  });

  it('finds no clear change at small n, even for a big difference', () => {
    // 3 of 4 against 1 of 6: 75% and 17%, but the intervals overlap.
    expect(rateChange(wilson(3, 4), wilson(1, 6))).toBe('unclear');
  });

  it('finds no change without counts on either side', () => {
    expect(rateChange(wilson(0, 0), wilson(5, 10))).toBe('unclear');
    expect(rateChange(wilson(5, 10), wilson(0, 0))).toBe('unclear');
  });
});

describe('formatting', () => {
  it('writes percentages and intervals', () => {
    expect(formatPercent(0.0334)).toBe('3.3%');
    expect(formatPercent(0.25)).toBe('25%');
    expect(formatInterval({ low: 0.009, high: 0.163 })).toBe('95% interval 0.9%–16.3%');
  });
});
