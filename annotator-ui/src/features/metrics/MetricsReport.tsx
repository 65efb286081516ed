// What one metrics computation found, as Turing's human-in-the-loop Text2SQL study shows it: the per-stage table with the %
// change against the first stage, the charts across stages, the coverage heat map, and the details of
// one set of questions (patterns with their long tail, clause usage, question lengths, unused tables and
// columns, near-duplicate questions).
import type { ReactNode } from 'react';
import { formatRate } from '../dashboard/api';
import { type HardnessCounts, type MetricReport } from './api';
import { Table, type Column } from '../../components/ui';
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

/** The study's table's header: the stage, each figure (those with a tooltip say what they measure), the hardness mix. */
const STAGE_COLUMNS: Column[] = [
  'Stage',
  { label: 'NLQs', num: true },
  { label: 'Mean cosine', num: true, title: 'Mean cosine similarity over all pairs of questions: lower is more varied' },
  { label: 'Tables', num: true },
  { label: 'Columns', num: true },
  { label: 'Unique patterns', num: true },
  { label: 'Entropy (bits)', num: true },
  { label: 'Evenness', num: true, title: 'Entropy over log₂ of the number of patterns: 1 when every pattern is equally frequent' },
  {
    label: (
      <>
        Hardness
        <div className="muted small hardness-key">easy · medium · hard · extra</div>
      </>
    ),
  },
];

/** The figures of a stage's row, in the header's order. */
const FIGURES: { k: StageMetric['key']; testId: string; show: (r: MetricReport) => ReactNode }[] = [
  { k: 'nlqs', testId: 'nlqs', show: (r) => formatCount(r.nlqs) },
  { k: 'mean_cosine', testId: 'mean-cosine', show: (r) => formatCosine(r.mean_cosine) },
  {
    k: 'tables',
    testId: 'tables',
    show: (r) => (
      <>
        {formatCount(r.tables_used)}/{formatCount(r.tables_total)} <span className="muted small">{formatRate(r.table_share)}</span>
      </>
    ),
  },
  {
    k: 'columns',
    testId: 'columns',
    show: (r) => (
      <>
        {formatCount(r.columns_used)}/{formatCount(r.columns_total)} <span className="muted small">{formatRate(r.column_share)}</span>
      </>
    ),
  },
  { k: 'unique_patterns', testId: 'patterns', show: (r) => formatCount(r.unique_patterns) },
  { k: 'entropy_bits', testId: 'entropy', show: (r) => formatBits(r.entropy_bits) },
  { k: 'evenness', testId: 'evenness', show: (r) => formatBits(r.evenness) },
];

/** The study's table: one row per stage, each figure with its % change against the first stage. */
export function StageTable({ rows }: { rows: StageRow[] }) {
  const first = rows[0] ? stageName(rows[0].stage) : '';
  return (
    <Table label="Metrics per stage" className="table metrics-table" columns={STAGE_COLUMNS}>
      {rows.map((row) => {
        const r = row.report;
        const name = stageName(row.stage);
        return (
          <tr key={row.key} data-testid={`stage-row-${row.position}`}>
            <th scope="row" className="nowrap">
              {name}
            </th>
            {FIGURES.map((f) => (
              <FigureCell key={f.k} row={row} k={f.k} first={first} testId={f.testId}>
                {f.show(r)}
              </FigureCell>
            ))}
            <td>
              <HardnessMix label={name} hardness={r.hardness} />
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
