// Lines: a small line chart for small multiples, and a long tail of counts on a log scale.
import { H, TOP, BOTTOM, LEFT, gridlines, shortLabel, Frame, ChartEmpty, Axis } from './frame';

export interface Point {
  key: string;
  label: string;
  value: number;
  /** The tooltip and description text, e.g. "+semantic: 0.412". */
  detail: string;
}

const SMALL_H = 150;
const SMALL_SLOT = 64;

/**
 * A small line chart, one point per category with its value written above it, on a scale from zero:
 * one of a row of small multiples (a metric across stages).
 */
export function LineChart({
  title,
  points,
  format,
  integer = false,
  max,
}: {
  title: string;
  points: Point[];
  format: (v: number) => string;
  /** Whole-number gridlines (counts). */
  integer?: boolean;
  /** The top of the scale (1 for shares); the data's maximum otherwise. */
  max?: number;
}) {
  if (points.length === 0) return <ChartEmpty title={title} text="No data yet." />;
  const width = LEFT + points.length * SMALL_SLOT + 8;
  const bottom = SMALL_H - BOTTOM;
  const { top, ticks } = max !== undefined ? { top: max, ticks: [0, max / 2, max] } : gridlines(Math.max(...points.map((p) => p.value)), integer);
  const y = (v: number) => TOP + (bottom - TOP) * (1 - v / top);
  const x = (i: number) => LEFT + i * SMALL_SLOT + SMALL_SLOT / 2;
  const coords = points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ');
  return (
    <Frame title={title} summary={points.map((p) => p.detail).join('; ')} width={width} height={SMALL_H}>
      <Axis width={width} top={top} ticks={ticks} format={format} y={y} />
      {points.length > 1 && <polyline points={coords} className="chart-line" />}
      {points.map((p, i) => (
        <g key={p.key} className="chart-point">
          <title>{p.detail}</title>
          <circle cx={x(i)} cy={y(p.value)} r={4} />
          <text x={x(i)} y={y(p.value) - 8} textAnchor="middle" className="chart-value">
            {format(p.value)}
          </text>
          <text x={x(i)} y={bottom + 16} textAnchor="middle" className="chart-label">
            {shortLabel(p.label)}
          </text>
        </g>
      ))}
    </Frame>
  );
}

/** Where a count of zero would sit on the log scale of LongTailChart, so that a count of 1 shows. */
const LOG_FLOOR = 0.5;

/**
 * The counts of every category, most frequent first, as thin bars on a log scale (a pattern frequency
 * long tail): a few patterns used often and many used once read as a steep head and a flat tail.
 */
export function LongTailChart({ title, counts, unit, note }: { title: string; counts: number[]; unit: string; note?: string }) {
  const data = counts.filter((c) => c > 0);
  if (data.length === 0) return <ChartEmpty title={title} text="No data yet." />;
  const sorted = [...data].sort((a, b) => b - a);
  const n = sorted.length;
  const plot = Math.min(Math.max(n * 8, 160), 640);
  const barW = plot / n;
  const width = LEFT + plot + 12;
  const decades = Math.max(1, Math.ceil(Math.log10(sorted[0])));
  const top = 10 ** decades;
  const ticks = Array.from({ length: decades + 1 }, (_, i) => 10 ** i);
  const lo = Math.log10(LOG_FLOOR);
  const y = (v: number) => TOP + (H - TOP - BOTTOM) * (1 - (Math.log10(v) - lo) / (Math.log10(top) - lo));
  const once = sorted.filter((c) => c === 1).length;
  const shown = sorted.slice(0, 20).join(', ');
  const summary =
    `${n} ${unit}, most frequent first, log scale: ${shown}${n > 20 ? ', …' : ''}` +
    `${once ? `; ${once} occur once` : ''}${note ? `; ${note}` : ''}`;
  return (
    <Frame title={title} summary={summary} width={width}>
      <g className="chart-axis" aria-hidden="true">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={LEFT} x2={width - 4} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={LEFT - 6} y={y(t)} dy="0.32em" textAnchor="end">
              {t >= 1000 ? `${t / 1000}k` : t}
            </text>
          </g>
        ))}
        <line x1={LEFT} x2={width - 4} y1={y(LOG_FLOOR)} y2={y(LOG_FLOOR)} className="chart-baseline" />
      </g>
      {sorted.map((c, i) => (
        <rect
          key={i}
          x={LEFT + i * barW + (barW > 3 ? 0.5 : 0)}
          y={y(c)}
          width={Math.max(barW - (barW > 3 ? 1 : 0), 0.5)}
          height={y(LOG_FLOOR) - y(c)}
          className="chart-bar chart-bar-primary"
        >
          <title>{`#${i + 1}: ${c}`}</title>
        </rect>
      ))}
      <text x={LEFT + plot / 2} y={H - BOTTOM + 18} textAnchor="middle" className="chart-label">
        {`${n} ${unit}, most frequent first`}
      </text>
    </Frame>
  );
}
