// Small charts drawn by hand in SVG: vertical bars, stacked bars with a legend, a proportion bar, and
// the arrow that says whether a figure went the right way. Each chart is an image with a title and a
// text description of its data, and each bar has its own tooltip.
import { useId, type ReactNode } from 'react';
import '../charts.css';

/** The number of series colours in charts.css (.chart-s0 … .chart-s9); more series reuse them. */
const PALETTE = 10;
export const seriesClass = (i: number) => `chart-s${i % PALETTE}`;

const H = 200; // drawing height
const TOP = 18; // room for value labels
const BOTTOM = 30; // room for category labels
const LEFT = 44; // room for the y axis
const SLOT = 64; // width per category
const BAR = 30;

/** A step for about four gridlines that is 1, 2 or 5 times a power of ten (at least `min`). */
export function niceStep(max: number, min = 0): number {
  if (!(max > 0)) return Math.max(min, 1);
  const rough = max / 4;
  const exp = 10 ** Math.floor(Math.log10(rough));
  const f = rough / exp;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * exp;
  return Math.max(step, min);
}

function gridlines(max: number, integer: boolean): { top: number; ticks: number[] } {
  const step = niceStep(max, integer ? 1 : 0);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(t);
  return { top, ticks };
}

function Frame({
  title,
  summary,
  width,
  children,
  legend,
}: {
  title: string;
  summary: string;
  width: number;
  children: ReactNode;
  legend?: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="chart">
      <figcaption className="chart-title" id={`${id}-t`}>
        {title}
      </figcaption>
      <div className="chart-scroll">
        <svg
          role="img"
          aria-labelledby={`${id}-t ${id}-d`}
          viewBox={`0 0 ${width} ${H}`}
          width={width}
          height={H}
          className="chart-svg"
        >
          <desc id={`${id}-d`}>{summary}</desc>
          {children}
        </svg>
      </div>
      {legend}
    </figure>
  );
}

function Axis({ width, top, ticks, format }: { width: number; top: number; ticks: number[]; format: (v: number) => string }) {
  const y = (v: number) => TOP + (H - TOP - BOTTOM) * (1 - v / top);
  return (
    <g className="chart-axis" aria-hidden="true">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={LEFT} x2={width - 4} y1={y(t)} y2={y(t)} className={t === 0 ? 'chart-baseline' : 'chart-grid'} />
          <text x={LEFT - 6} y={y(t)} dy="0.32em" textAnchor="end">
            {format(t)}
          </text>
        </g>
      ))}
    </g>
  );
}

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
              {b.label}
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
}: {
  title: string;
  groups: StackGroup[];
  series: Series[];
  empty?: string;
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
    <Frame title={title} summary={summary} width={width} legend={<Legend series={series} />}>
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
                <rect key={s.key} x={cx - BAR / 2} y={y1} width={BAR} height={y0 - y1} className={`chart-stack ${seriesClass(si)}`}>
                  <title>{`${g.label} · ${s.label}: ${n}`}</title>
                </rect>
              );
            })}
            <text x={cx} y={y(totals[i]) - 5} textAnchor="middle" className="chart-value">
              {totals[i] || ''}
            </text>
            <text x={cx} y={H - BOTTOM + 16} textAnchor="middle" className="chart-label">
              {g.label}
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

function ChartEmpty({ title, text }: { title: string; text: string }) {
  return (
    <figure className="chart chart-empty">
      <figcaption className="chart-title">{title}</figcaption>
      <p className="muted">{text}</p>
    </figure>
  );
}

export interface Part {
  key: string;
  label: string;
  value: number;
  /** The colour class (e.g. "chart-status-accepted"). */
  className: string;
}

/** One horizontal bar split into parts by their share of the total (e.g. a stage's questions by status). */
export function ProportionBar({ label, parts }: { label: string; parts: Part[] }) {
  const total = parts.reduce((s, p) => s + p.value, 0);
  const text = parts
    .filter((p) => p.value > 0)
    .map((p) => `${p.label} ${p.value}`)
    .join(', ');
  return (
    <div className="proportion" role="img" aria-label={`${label}: ${text || 'none'}`}>
      {parts
        .filter((p) => p.value > 0)
        .map((p) => (
          <span
            key={p.key}
            className={`proportion-part ${p.className}`}
            style={{ width: `${(p.value / total) * 100}%` }}
            title={`${p.label}: ${p.value} (${Math.round((p.value / total) * 100)}%)`}
          />
        ))}
    </div>
  );
}

/**
 * A change from the previous value, as an arrow and a signed figure, coloured by whether it went the
 * way it should (`goodWhen`). `value` is the change itself (e.g. percentage points).
 */
export function Delta({
  value,
  unit,
  goodWhen,
  against,
}: {
  value: number | null;
  unit: string;
  goodWhen: 'up' | 'down';
  /** What it is compared with, for the accessible text: "v1". */
  against: string;
}) {
  if (value === null) return null;
  const rounded = Math.round(value * 10) / 10;
  if (rounded === 0) {
    return (
      <span className="delta delta-flat" title={`unchanged from ${against}`}>
        <span aria-hidden="true">→ 0 {unit}</span>
        <span className="visually-hidden">unchanged from {against}</span>
      </span>
    );
  }
  const up = rounded > 0;
  const good = up === (goodWhen === 'up');
  const figure = `${Math.abs(rounded).toFixed(Number.isInteger(rounded) ? 0 : 1)} ${unit}`;
  const words = `${up ? 'up' : 'down'} ${figure} from ${against} (${good ? 'better' : 'worse'})`;
  return (
    <span className={`delta ${good ? 'delta-good' : 'delta-bad'}`} title={words}>
      <span aria-hidden="true">
        {up ? '▲' : '▼'} {figure}
      </span>
      <span className="visually-hidden">{words}</span>
    </span>
  );
}
