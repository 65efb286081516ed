// Rates with their uncertainty: the 95% Wilson score interval of a proportion (Wilson 1927; Brown, Cai
// and DasGupta 2001 recommend it over the normal approximation for small n and rates near 0 or 1), the
// same the server uses for a snapshot's error rate, and the rule by which two rates count as different.

/** The standard normal quantile of a two-sided 95% interval. */
const Z95 = 1.959963984540054;

export interface Interval {
  /** x / n; 0 when n is 0. */
  rate: number;
  low: number;
  high: number;
  n: number;
}

/** The Wilson score interval of x successes in n trials; [0, 1] when nothing was counted. */
export function wilson(x: number, n: number, z = Z95): Interval {
  if (n <= 0) return { rate: 0, low: 0, high: 1, n: 0 };
  const p = x / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half), n };
}

export type Change = 'up' | 'down' | 'unclear';

/**
 * Whether a rate changed between two measurements: up or down only when their 95% intervals do not
 * overlap; otherwise the difference is within what chance gives at these sizes.
 */
export function rateChange(before: Interval, after: Interval): Change {
  if (before.n === 0 || after.n === 0) return 'unclear';
  if (after.low > before.high) return 'up';
  if (after.high < before.low) return 'down';
  return 'unclear';
}

/** 0.0334 → "3.3%"; whole percentages without a decimal. */
export function formatPercent(rate: number): string {
  const pct = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

/** "95% interval 0.9%–16.3%". */
export function formatInterval(i: Pick<Interval, 'low' | 'high'>): string {
  return `95% interval ${formatPercent(i.low)}–${formatPercent(i.high)}`;
}
