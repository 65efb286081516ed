// What one metrics computation found, as Turing's human-in-the-loop Text2SQL study shows it: the per-stage table with the %
// change against the first stage, the charts across stages, the coverage heat map, and the details of
// one set of questions (patterns with their long tail, clause usage, question lengths, unused tables and
// columns, near-duplicate questions).
import type { ReactNode } from 'react';
import { formatRate } from '../dashboard/api';
import { type HardnessCounts } from './api';
import { HARDNESS_LEVELS, STAGE_METRICS, stageName, type StageMetric, type StageRow } from './stages';
import { Delta, ProportionBar } from '../../components/charts';
import { formatCount } from '../../components/ResultGrid';
import { formatCosine, formatBits } from './format';

const metric = (key: StageMetric['key']) => STAGE_METRICS.find((m) => m.key === key)!;

/** A figure with its % change against the first stage. */
function FigureCell({ row, k, first, children, testId }: { row: StageRow; k: StageMetric['key']; first: string; children: ReactNode; testId: string }) {
  return (
    <td className="cell-num nowrap" data-testid={testId}>
      {children}
      <Delta value={row.change[k]} unit="%" goodWhen={metric(k).goodWhen} against={first} />
    </td>
  );
}

export function HardnessMix({ label, hardness }: { label: string; hardness: HardnessCounts }) {
  return (
    <div className="hardness-cell">
      <ProportionBar
        label={`${label} hardness`}
        parts={HARDNESS_LEVELS.map((l) => ({ key: l.key, label: l.label, value: hardness[l.key], className: `chart-hardness-${l.key}` }))}
      />
      <span className="small nowrap" title={HARDNESS_LEVELS.map((l) => `${hardness[l.key]} ${l.label.toLowerCase()}`).join(', ')}>
        {HARDNESS_LEVELS.map((l) => hardness[l.key]).join(' · ')}
        {hardness.unparsed > 0 && <span className="muted"> +{hardness.unparsed} unparsed</span>}
      </span>
    </div>
  );
}

/** The study's table: one row per stage, each figure with its % change against the first stage. */
export function StageTable({ rows }: { rows: StageRow[] }) {
  const first = rows[0] ? stageName(rows[0].stage) : '';
  return (
    <div className="table-wrap flush">
      <table className="table metrics-table" aria-label="Metrics per stage">
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col" className="cell-num">
              NLQs
            </th>
            <th scope="col" className="cell-num" title="Mean cosine similarity over all pairs of questions: lower is more varied">
              Mean cosine
            </th>
            <th scope="col" className="cell-num">
              Tables
            </th>
            <th scope="col" className="cell-num">
              Columns
            </th>
            <th scope="col" className="cell-num">
              Unique patterns
            </th>
            <th scope="col" className="cell-num">
              Entropy (bits)
            </th>
            <th scope="col" className="cell-num" title="Entropy over log₂ of the number of patterns: 1 when every pattern is equally frequent">
              Evenness
            </th>
            <th scope="col">
              Hardness
              <div className="muted small hardness-key">easy · medium · hard · extra</div>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const r = row.report;
            const name = stageName(row.stage);
            return (
              <tr key={row.key} data-testid={`stage-row-${row.position}`}>
                <th scope="row" className="nowrap">
                  {name}
                </th>
                <FigureCell row={row} k="nlqs" first={first} testId="nlqs">
                  {formatCount(r.nlqs)}
                </FigureCell>
                <FigureCell row={row} k="mean_cosine" first={first} testId="mean-cosine">
                  {formatCosine(r.mean_cosine)}
                </FigureCell>
                <FigureCell row={row} k="tables" first={first} testId="tables">
                  {formatCount(r.tables_used)}/{formatCount(r.tables_total)} <span className="muted small">{formatRate(r.table_share)}</span>
                </FigureCell>
                <FigureCell row={row} k="columns" first={first} testId="columns">
                  {formatCount(r.columns_used)}/{formatCount(r.columns_total)} <span className="muted small">{formatRate(r.column_share)}</span>
                </FigureCell>
                <FigureCell row={row} k="unique_patterns" first={first} testId="patterns">
                  {formatCount(r.unique_patterns)}
                </FigureCell>
                <FigureCell row={row} k="entropy_bits" first={first} testId="entropy">
                  {formatBits(r.entropy_bits)}
                </FigureCell>
                <FigureCell row={row} k="evenness" first={first} testId="evenness">
                  {formatBits(r.evenness)}
                </FigureCell>
                <td>
                  <HardnessMix label={name} hardness={r.hardness} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
