// What every chart is drawn in: the series colours, the drawing's measures, the y axis's gridlines and
// ticks, the frame (an image with a title and a description of its data) and the empty chart.
import { useId, type ReactNode } from 'react';
import '../charts.css';

/** The number of series colours in charts.css (.chart-s0 … .chart-s9); more series reuse them. */
const PALETTE = 10;
export const seriesClass = (i: number) => `chart-s${i % PALETTE}`;

export const H = 200; // drawing height
export const TOP = 18; // room for value labels
export const BOTTOM = 30; // room for category labels
export const LEFT = 44; // room for the y axis
export const SLOT = 64; // width per category
export const BAR = 30;

/** A step for about four gridlines that is 1, 2 or 5 times a power of ten (at least `min`). */
export function niceStep(max: number, min = 0): number {
  if (!(max > 0)) return Math.max(min, 1);
  const rough = max / 4;
  const exp = 10 ** Math.floor(Math.log10(rough));
  const f = rough / exp;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * exp;
  return Math.max(step, min);
}

export function gridlines(max: number, integer: boolean): { top: number; ticks: number[] } {
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

export function Frame({
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

/** The y axis's gridlines and tick labels; `y` places a value (by default on the standard drawing's height). */
export function Axis({
  width,
  top,
  ticks,
  format,
  y = (v: number) => TOP + (H - TOP - BOTTOM) * (1 - v / top),
}: {
  width: number;
  top: number;
  ticks: number[];
  format: (v: number) => string;
  y?: (v: number) => number;
}) {
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

export function ChartEmpty({ title, text }: { title: string; text: string }) {
  return (
    <figure className="chart chart-empty">
      <figcaption className="chart-title">{title}</figcaption>
      <p className="muted">{text}</p>
    </figure>
  );
}
