// A heat map of counts, in a few levels of one colour, with its legend.
import { shortLabel, Frame, ChartEmpty } from './frame';

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
