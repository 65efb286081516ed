// Estimates on their intervals, one row each.
import { TOP, niceStep, shortLabel, Frame, ChartEmpty } from './frame';

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
