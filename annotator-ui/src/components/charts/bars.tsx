// Bars: one value per category, stacked series with their legend, and horizontal bars of shares.
import { seriesClass, H, TOP, BOTTOM, LEFT, SLOT, BAR, gridlines, shortLabel, Frame, Axis, ChartEmpty } from './frame';

export interface Bar {
  key: string;
  label: string;
  /** null: nothing to show for this category (drawn as a dash). */
  value: number | null;
  /** The tooltip and description text, e.g. "v2: 25% (4 of 16 compared)". */
  detail: string;
}

/** One bar per category, with its value written above it. */
export function BarChart({
  title,
  bars,
  max,
  format,
  tone = 'primary',
  empty = 'No data yet.',
}: {
  title: string;
  bars: Bar[];
  /** The top of the scale (1 for rates); the data's maximum otherwise. */
  max?: number;
  format: (v: number) => string;
  tone?: 'primary' | 'danger';
  empty?: string;
}) {
  if (bars.length === 0 || bars.every((b) => b.value === null)) return <ChartEmpty title={title} text={empty} />;
  const width = LEFT + bars.length * SLOT + 8;
  const dataMax = Math.max(...bars.map((b) => b.value ?? 0));
  const { top, ticks } = max !== undefined ? { top: max, ticks: [0, max / 4, max / 2, (3 * max) / 4, max] } : gridlines(dataMax, true);
  const y = (v: number) => TOP + (H - TOP - BOTTOM) * (1 - v / top);
  return (
    <Frame title={title} summary={bars.map((b) => b.detail).join('; ')} width={width}>
      <Axis width={width} top={top} ticks={ticks} format={format} />
      {bars.map((b, i) => {
        const cx = LEFT + i * SLOT + SLOT / 2;
        return (
          <g key={b.key} className="chart-bar-group">
            <title>{b.detail}</title>
            {b.value === null ? (
              <text x={cx} y={y(0) - 6} textAnchor="middle" className="chart-value chart-value-none">
                –
              </text>
            ) : (
              <>
                <rect
                  x={cx - BAR / 2}
                  y={y(b.value)}
                  width={BAR}
                  height={Math.max(y(0) - y(b.value), b.value > 0 ? 1 : 0)}
                  rx={3}
                  className={`chart-bar chart-bar-${tone}`}
                />
                <text x={cx} y={y(b.value) - 5} textAnchor="middle" className="chart-value">
                  {format(b.value)}
                </text>
              </>
            )}
            <text x={cx} y={H - BOTTOM + 16} textAnchor="middle" className="chart-label">
              {shortLabel(b.label)}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

export interface Series {
  key: string;
  label: string;
}

export interface StackGroup {
  key: string;
  label: string;
  values: Record<string, number>;
}

/** One stacked bar per category (a cycle), one colour per series (an error type, a rule), with a legend. */
export function StackedBarChart({
  title,
  groups,
  series,
  empty = 'No data yet.',
  classFor = (_s, i) => seriesClass(i),
}: {
  title: string;
  groups: StackGroup[];
  series: Series[];
  empty?: string;
  /** The colour class of a series (the palette by default). */
  classFor?: (s: Series, i: number) => string;
}) {
  const totals = groups.map((g) => series.reduce((s, k) => s + (g.values[k.key] ?? 0), 0));
  if (groups.length === 0 || series.length === 0 || totals.every((t) => t === 0)) return <ChartEmpty title={title} text={empty} />;
  const width = LEFT + groups.length * SLOT + 8;
  const { top, ticks } = gridlines(Math.max(...totals), true);
  const y = (v: number) => TOP + (H - TOP - BOTTOM) * (1 - v / top);
  const summary = groups
    .map((g, i) => {
      const parts = series.filter((s) => g.values[s.key]).map((s) => `${s.label} ${g.values[s.key]}`);
      return `${g.label}: ${totals[i]}${parts.length ? ` (${parts.join(', ')})` : ''}`;
    })
    .join('; ');
  return (
    <Frame title={title} summary={summary} width={width} legend={<Legend series={series} classFor={classFor} />}>
      <Axis width={width} top={top} ticks={ticks} format={(v) => String(v)} />
      {groups.map((g, i) => {
        const cx = LEFT + i * SLOT + SLOT / 2;
        let acc = 0;
        return (
          <g key={g.key}>
            {series.map((s, si) => {
              const n = g.values[s.key] ?? 0;
              if (!n) return null;
              const y0 = y(acc);
              acc += n;
              const y1 = y(acc);
              return (
                <rect key={s.key} x={cx - BAR / 2} y={y1} width={BAR} height={y0 - y1} className={`chart-stack ${classFor(s, si)}`}>
                  <title>{`${g.label} · ${s.label}: ${n}`}</title>
                </rect>
              );
            })}
            <text x={cx} y={y(totals[i]) - 5} textAnchor="middle" className="chart-value">
              {totals[i] || ''}
            </text>
            <text x={cx} y={H - BOTTOM + 16} textAnchor="middle" className="chart-label">
              <title>{g.label}</title>
              {shortLabel(g.label)}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

export function Legend({ series, classFor = (_s, i) => seriesClass(i) }: { series: Series[]; classFor?: (s: Series, i: number) => string }) {
  return (
    <ul className="chart-legend" aria-label="Legend">
      {series.map((s, i) => (
        <li key={s.key}>
          <span className={`chart-swatch ${classFor(s, i)}`} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}

/** Horizontal bars of shares (e.g. queries using each clause), each with its count and share written out. */
export function ShareBars({
  label,
  items,
  format,
  of,
}: {
  label: string;
  items: { key: string; label: string; count: number; share: number }[];
  format: (share: number) => string;
  /** What the shares are of, for the accessible text: "40 queries". */
  of: string;
}) {
  return (
    <ul className="share-bars" aria-label={label}>
      {items.map((it) => (
        <li key={it.key} className="share-row">
          <span className="share-name">{it.label}</span>
          <span className="meter share-bar" aria-hidden="true">
            <span style={{ width: `${Math.min(1, Math.max(0, it.share)) * 100}%` }} />
          </span>
          <span className="share-figures">
            {it.count} <span className="visually-hidden">of {of}</span>
            <span className="muted">({format(it.share)})</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
