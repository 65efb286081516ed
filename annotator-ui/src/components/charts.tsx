// Small charts drawn by hand in SVG: vertical bars, stacked bars with a legend, a small line chart for
// small multiples, a long tail on a log scale, a heat map, a proportion bar, bars of shares, and the
// arrow that says whether a figure went the right way. Each chart is an image with a title and a text
// description of its data, and each bar, point or cell has its own tooltip.
import { useId, type ReactNode } from 'react';
import './charts.css';

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

/** A category label short enough for its slot; the full text goes in a tooltip. */
export function shortLabel(label: string, max = 7): string {
  return label.length <= max ? label : `${label.slice(0, max - 1)}…`;
}

function Frame({
  title,
  summary,
  width,
  height = H,
  children,
  legend,
}: {
  title: string;
  summary: string;
  width: number;
  height?: number;
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
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
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

// ---------- Heat map ----------

/** The number of colour steps of a non-zero cell (level 0 is "none"). */
export const HEAT_STEPS = 5;

/**
 * The colour step of a cell of `count` when the largest is `max`: 0 for none, else 1…steps on a log
 * scale, so that one category everything uses does not wash out all the others.
 */
export function heatLevel(count: number, max: number, steps = HEAT_STEPS): number {
  if (!(count > 0)) return 0;
  if (max <= 1 || count >= max) return steps;
  return 1 + Math.round(((steps - 1) * Math.log(count)) / Math.log(max));
}

/** The legend of the scale: the counts each step stands for ("1", "2–3", …), empty steps left out. */
export function heatLegend(max: number, steps = HEAT_STEPS): { level: number; label: string }[] {
  if (max < 1) return [];
  // The first count at a level: heatLevel grows with count, so a binary search finds it.
  const first = (level: number) => {
    let lo = 1;
    let hi = max + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (heatLevel(mid, max, steps) >= level) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const out: { level: number; label: string }[] = [];
  for (let level = 1; level <= steps; level++) {
    const from = first(level);
    const to = first(level + 1) - 1;
    if (from <= to) out.push({ level, label: from === to ? String(from) : `${from}–${to}` });
  }
  return out;
}

export interface HeatCell {
  /** null: only whether it is non-zero is known (`on`). */
  value: number | null;
  on: boolean;
  detail: string;
}

export interface HeatRowData {
  key: string;
  /** Rows of one group (a database) sit under its heading when there are several groups. */
  group: string;
  label: string;
  cells: HeatCell[];
}

const CELL_W = 72;
const CELL_H = 20;
const HEAD = 26;

/** A grid of cells coloured by count: rows (tables) by columns (stages), with a legend of the scale. */
export function HeatMap({
  title,
  columns,
  rows,
  max,
  summary,
  legendNote,
}: {
  title: string;
  columns: string[];
  rows: HeatRowData[];
  max: number;
  summary: string;
  /** What an `on` cell without a value means, for the legend. */
  legendNote?: string;
}) {
  if (rows.length === 0 || columns.length === 0) return <ChartEmpty title={title} text="No data yet." />;
  const groups = [...new Set(rows.map((r) => r.group))];
  const headed = groups.length > 1;
  const labelW = Math.min(220, 16 + 7 * Math.max(...rows.map((r) => r.label.length), ...(headed ? groups.map((g) => g.length) : [0])));
  const width = labelW + columns.length * CELL_W + 4;
  const lines: ({ kind: 'group'; group: string } | { kind: 'row'; row: HeatRowData })[] = [];
  for (const g of groups) {
    if (headed) lines.push({ kind: 'group', group: g });
    for (const r of rows) if (r.group === g) lines.push({ kind: 'row', row: r });
  }
  const height = HEAD + lines.length * CELL_H + 4;
  const legend = (
    <ul className="chart-legend" aria-label="Legend">
      <li>
        <span className="chart-swatch heat-0" aria-hidden="true" />
        none
      </li>
      {heatLegend(max).map((l) => (
        <li key={l.level}>
          <span className={`chart-swatch heat-${l.level}`} aria-hidden="true" />
          {l.label}
        </li>
      ))}
      {legendNote && (
        <li>
          <span className="chart-swatch heat-on" aria-hidden="true" />
          {legendNote}
        </li>
      )}
    </ul>
  );
  return (
    <Frame title={title} summary={summary} width={width} height={height} legend={legend}>
      {columns.map((c, j) => (
        <text key={c + j} x={labelW + j * CELL_W + CELL_W / 2} y={HEAD - 9} textAnchor="middle" className="chart-label">
          <title>{c}</title>
          {shortLabel(c, 8)}
        </text>
      ))}
      {lines.map((line, i) => {
        const top = HEAD + i * CELL_H;
        if (line.kind === 'group') {
          return (
            <text key={`g-${line.group}`} x={4} y={top + CELL_H / 2} dy="0.32em" className="chart-group">
              {line.group}
            </text>
          );
        }
        const r = line.row;
        return (
          <g key={r.key}>
            <text x={labelW - 8} y={top + CELL_H / 2} dy="0.32em" textAnchor="end" className="chart-label">
              <title>{r.label}</title>
              {shortLabel(r.label, Math.floor((labelW - 16) / 7))}
            </text>
            {r.cells.map((cell, j) => {
              const level = cell.value === null ? (cell.on ? 'on' : 0) : heatLevel(cell.value, max);
              return (
                <g key={j}>
                  <rect
                    x={labelW + j * CELL_W + 1}
                    y={top + 1}
                    width={CELL_W - 2}
                    height={CELL_H - 2}
                    rx={2}
                    className={`heat heat-${level}`}
                  >
                    <title>{cell.detail}</title>
                  </rect>
                  {cell.value !== null && (
                    <text
                      x={labelW + j * CELL_W + CELL_W / 2}
                      y={top + CELL_H / 2}
                      dy="0.32em"
                      textAnchor="middle"
                      className={`heat-value${typeof level === 'number' && level >= 3 ? ' heat-value-dark' : ''}`}
                      aria-hidden="true"
                    >
                      {cell.value}
                    </text>
                  )}
                </g>
              );
            })}
          </g>
        );
      })}
    </Frame>
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
          <span className="share-bar" aria-hidden="true">
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

export interface IntervalRow {
  key: string;
  label: string;
  /** The estimate; null when nothing was measured (only the interval, [0, 1], is drawn). */
  value: number | null;
  low: number;
  high: number;
  /** The tooltip and description text, e.g. "agreed: 2 wrong of 40 audited, 5% (1.4%–16.5%)". */
  detail: string;
}

const IV_LABEL = 110; // room for the row labels
const IV_ROW = 30;
const IV_PLOT = 320;

/**
 * Each row's estimate as a dot and its interval as a whisker on one shared scale from 0 (a rate
 * chart: the scale ends at the largest upper bound, rounded up, or 100%).
 */
export function IntervalChart({ title, rows, format, empty = 'Nothing measured yet.' }: { title: string; rows: IntervalRow[]; format: (v: number) => string; empty?: string }) {
  if (rows.length === 0) return <ChartEmpty title={title} text={empty} />;
  const dataMax = Math.max(...rows.map((r) => r.high));
  const step = niceStep(Math.min(1, Math.max(dataMax, 0.01)));
  const top = Math.min(1, Math.max(step, Math.ceil(dataMax / step) * step));
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(Math.min(t, 1));
  const width = IV_LABEL + IV_PLOT + 64;
  const height = TOP + rows.length * IV_ROW + 24;
  const x = (v: number) => IV_LABEL + (IV_PLOT * Math.min(v, top)) / top;
  return (
    <Frame title={title} summary={rows.map((r) => r.detail).join('; ')} width={width} height={height}>
      <g className="chart-axis" aria-hidden="true">
        {ticks.map((t) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={TOP - 6} y2={height - 20} className={t === 0 ? 'chart-baseline' : 'chart-grid'} />
            <text x={x(t)} y={height - 6} textAnchor="middle">
              {format(t)}
            </text>
          </g>
        ))}
      </g>
      {rows.map((r, i) => {
        const cy = TOP + i * IV_ROW + IV_ROW / 2;
        return (
          <g key={r.key} className="chart-interval">
            <title>{r.detail}</title>
            <text x={IV_LABEL - 8} y={cy} dy="0.32em" textAnchor="end" className="chart-label">
              {shortLabel(r.label, 16)}
            </text>
            <line x1={x(r.low)} x2={x(r.high)} y1={cy} y2={cy} className="chart-whisker" />
            <line x1={x(r.low)} x2={x(r.low)} y1={cy - 5} y2={cy + 5} className="chart-whisker" />
            <line x1={x(r.high)} x2={x(r.high)} y1={cy - 5} y2={cy + 5} className="chart-whisker" />
            {r.value === null ? (
              <text x={x(r.high) + 6} y={cy} dy="0.32em" className="chart-value chart-value-none">
                not audited
              </text>
            ) : (
              <>
                <circle cx={x(r.value)} cy={cy} r={4.5} className="chart-interval-point" />
                <text x={x(r.high) + 6} y={cy} dy="0.32em" className="chart-value">
                  {format(r.value)}
                </text>
              </>
            )}
          </g>
        );
      })}
    </Frame>
  );
}
