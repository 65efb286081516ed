// Rates as the dashboard shows them: the figure, its n and its 95% Wilson interval, and a change
// between two cycles called better or worse only when their intervals do not overlap.
import { formatCount } from '../../components/ResultGrid';
import { formatPercent, type Interval } from '../../shared/interval';
import type { RateChange } from './api';

/** "15%–85%, n=4": the interval and the count a rate stands on. */
export const intervalText = (i: Interval) => `95% CI ${formatPercent(i.low)}–${formatPercent(i.high)}, n=${formatCount(i.n)}`;

export function IntervalNote({ interval }: { interval: Interval }) {
  return (
    <div className="muted small nowrap rate-interval" title="95% Wilson score interval; n is what the rate counts">
      {intervalText(interval)}
    </div>
  );
}

/** ▼ 30 pts (better), ▲ 12 pts (worse), or "no clear change (n=4 vs n=6)". */
export function ChangeBadge({ change, against }: { change: RateChange | null; against: string }) {
  if (!change) return null;
  const { verdict, before, after, points } = change;
  const overlap = `${formatPercent(after.rate)} (${formatPercent(after.low)}–${formatPercent(after.high)}) against ${formatPercent(before.rate)} (${formatPercent(before.low)}–${formatPercent(before.high)}) in ${against}`;
  if (verdict === 'unclear') {
    return (
      <span className="delta delta-flat" title={`${overlap}: the 95% intervals overlap, so the difference may be chance`} data-testid="change">
        no clear change (n={formatCount(before.n)} vs n={formatCount(after.n)})
      </span>
    );
  }
  const rounded = Math.round(Math.abs(points) * 10) / 10;
  const figure = `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} pts`;
  const words = `${points > 0 ? 'up' : 'down'} ${figure} from ${against} (${verdict})`;
  return (
    <span className={`delta ${verdict === 'better' ? 'delta-good' : 'delta-bad'}`} title={`${words}: ${overlap}, the 95% intervals do not overlap`} data-testid="change">
      <span aria-hidden="true">
        {points > 0 ? '▲' : '▼'} {figure} {verdict}
      </span>
      <span className="visually-hidden">{words}</span>
    </span>
  );
}
