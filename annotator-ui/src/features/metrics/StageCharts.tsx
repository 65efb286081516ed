// The per-stage figures as charts: small multiples and the coverage heat map.
import { formatRate } from '../dashboard/api';
import { type MetricReport } from './api';
import { coverageHeat, HARDNESS_LEVELS, stageName, type StageRow } from './stages';
import { HeatMap, LineChart, StackedBarChart, type Point } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { formatCosine, formatBits } from './format';

function points(rows: StageRow[], value: (r: MetricReport) => number, text: (r: MetricReport) => string): Point[] {
  return rows.map((row) => ({ key: row.key, label: stageName(row.stage), value: value(row.report), detail: `${stageName(row.stage)}: ${text(row.report)}` }));
}

/** The table's figures as small multiples across stages, and the hardness mix of each stage. */
export function StageCharts({ rows }: { rows: StageRow[] }) {
  return (
    <>
      <div className="small-multiples">
        <LineChart title="Mean cosine similarity" format={(v) => v.toFixed(2)} points={points(rows, (r) => r.mean_cosine, (r) => formatCosine(r.mean_cosine))} />
        <LineChart
          title="Table coverage"
          max={1}
          format={formatRate}
          points={points(rows, (r) => r.table_share, (r) => `${r.tables_used} of ${r.tables_total} tables (${formatRate(r.table_share)})`)}
        />
        <LineChart
          title="Column coverage"
          max={1}
          format={formatRate}
          points={points(rows, (r) => r.column_share, (r) => `${r.columns_used} of ${r.columns_total} columns (${formatRate(r.column_share)})`)}
        />
        <LineChart title="Unique patterns" integer format={(v) => formatCount(v)} points={points(rows, (r) => r.unique_patterns, (r) => `${r.unique_patterns} patterns`)} />
        <LineChart title="Pattern entropy (bits)" format={(v) => v.toFixed(1)} points={points(rows, (r) => r.entropy_bits, (r) => `${formatBits(r.entropy_bits)} bits, evenness ${formatBits(r.evenness)}`)} />
      </div>
      <StackedBarChart
        title="Hardness per stage"
        groups={rows.map((row) => ({ key: row.key, label: stageName(row.stage), values: { ...row.report.hardness } }))}
        series={[...HARDNESS_LEVELS, ...(rows.some((r) => r.report.hardness.unparsed > 0) ? [{ key: 'unparsed', label: 'Unparsed' }] : [])]}
        classFor={(s) => `chart-hardness-${s.key}`}
        empty="No SQL to classify yet."
      />
    </>
  );
}

/** Tables (rows) by stage (columns), coloured by the queries that use each table. */
export function CoverageHeatMap({ rows }: { rows: StageRow[] }) {
  const heat = coverageHeat(rows);
  const several = new Set(heat.rows.map((r) => r.database)).size > 1;
  const qualified = (db: string, t: string) => (several && db ? `${db}.${t}` : t);
  const summary = heat.rows
    .map((r) => `${qualified(r.database, r.table)}: ${r.cells.map((c, i) => `${heat.stages[i]} ${c.count ?? (c.used ? 'used' : 'unused')}`).join(', ')}`)
    .join('; ');
  return (
    <>
      <HeatMap
        title="Queries using each table, per stage"
        columns={heat.stages}
        max={heat.max}
        summary={summary || 'No tables.'}
        legendNote={heat.counts ? undefined : 'used (this run has no per-table counts)'}
        rows={heat.rows.map((r) => ({
          key: `${r.database}.${r.table}`,
          group: r.database,
          label: r.table,
          cells: r.cells.map((c, i) => ({
            value: c.count,
            on: c.used,
            detail: `${qualified(r.database, r.table)} · ${heat.stages[i]}: ${c.count === null ? (c.used ? 'used' : 'unused') : plural(c.count, 'query', 'queries')}`,
          })),
        }))}
      />
      {heat.unnamed.map((u) => (
        <p key={u.database} className="muted small">
          {several && u.database ? `${u.database}: ` : ''}
          {plural(u.tables, 'more table')} used at every stage (this run names only unused tables).
        </p>
      ))}
    </>
  );
}
