// What one metrics computation found, as Turing's human-in-the-loop Text2SQL study shows it: the per-stage table with the %
// change against the first stage, the charts across stages, the coverage heat map, and the details of
// one set of questions (patterns with their long tail, clause usage, question lengths, unused tables and
// columns, near-duplicate questions).
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatRate } from '../dashboard/api';
import { clauseRows, coverageHeat, HARDNESS_LEVELS, patternCounts, STAGE_METRICS, stageName, type HardnessCounts, type MetricReport, type StageMetric, type StageRow } from './api';
import { BarChart, Delta, HeatMap, LineChart, LongTailChart, ProportionBar, ShareBars, StackedBarChart, type Point } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Card, EmptyState, Stats, Table } from '../../components/ui';

export const formatCosine = (v: number) => v.toFixed(3);
export const formatBits = (v: number) => v.toFixed(2);

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

function PatternsCard({ report }: { report: MetricReport }) {
  const { counts, complete } = patternCounts(report);
  const top = report.top_patterns;
  return (
    <Card
      title="SQL patterns"
      description={`${plural(report.unique_patterns, 'unique pattern')} · entropy ${formatBits(report.entropy_bits)} bits · evenness ${formatBits(report.evenness)}`}
    >
      <div className="stack">
        <LongTailChart
          title="Pattern frequency (long tail)"
          counts={counts}
          unit="patterns"
          note={complete ? undefined : `only the ${counts.length} most frequent of ${report.unique_patterns} are known for this run`}
        />
        {!complete && <p className="muted small">This run recorded only the most frequent patterns; recompute to see the whole tail.</p>}
        {top.length > 0 && (
          <Table label="Top patterns" columns={['Pattern', { label: 'Count', num: true }, { label: 'Share', num: true }, 'Example']}>
            {top.map((p) => (
              <tr key={p.pattern}>
                <td className="pattern-text">{p.pattern}</td>
                <td className="cell-num">{formatCount(p.count)}</td>
                <td className="cell-num">{formatRate(p.share)}</td>
                <td className="pattern-example">
                  <SqlCode sql={p.example} />
                </td>
              </tr>
            ))}
          </Table>
        )}
      </div>
    </Card>
  );
}

function ClausesCard({ report }: { report: MetricReport }) {
  const c = report.clauses;
  return (
    <Card title="Clause usage" description={`Share of the ${plural(c.queries, 'query', 'queries')} that parsed.`}>
      {c.queries === 0 ? <p className="muted">No SQL parsed yet.</p> : <ShareBars label="Clause usage" items={clauseRows(c)} format={formatRate} of={plural(c.queries, 'query', 'queries')} />}
    </Card>
  );
}

function LengthsCard({ report }: { report: MetricReport }) {
  const w = report.lengths.words;
  return (
    <Card title="Question length" description="Words per question.">
      {w.count === 0 ? (
        <p className="muted">No questions.</p>
      ) : (
        <div className="stack">
          <Stats
            label="Question length"
            items={[
              { label: 'Mean', value: w.mean.toFixed(1) },
              { label: 'Median', value: w.median.toFixed(1) },
              { label: '90th pct', value: w.p90.toFixed(1) },
              { label: 'Range', value: `${w.min}–${w.max}` },
            ]}
          />
          <BarChart
            title="Questions by length in words"
            format={(v) => formatCount(v)}
            bars={w.histogram.map((b) => ({
              key: String(b.from),
              label: `${b.from}–${b.to}`,
              value: b.count,
              detail: `${b.from}–${b.to} words: ${plural(b.count, 'question')}`,
            }))}
          />
        </div>
      )}
    </Card>
  );
}

function NameList({ title, names }: { title: string; names: string[] }) {
  return (
    <details className="collapsible">
      <summary>
        {title} ({formatCount(names.length)})
      </summary>
      {names.length === 0 ? (
        <p className="muted small">None.</p>
      ) : (
        <ul>
          {names.map((n) => (
            <li key={n} className="mono small">
              {n}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

function UnusedCard({ report }: { report: MetricReport }) {
  return (
    <Card
      title="Never used"
      description={`${formatCount(report.tables_used)} of ${formatCount(report.tables_total)} tables and ${formatCount(report.columns_used)} of ${formatCount(report.columns_total)} columns are used by this set's SQL.`}
    >
      <NameList title="Unused tables" names={report.unused_tables} />
      <NameList title="Unused columns" names={report.unused_columns} />
    </Card>
  );
}

function QuestionLink({ projectId, id, text }: { projectId: string; id?: string; text: string }) {
  return id ? <Link to={`/projects/${projectId}/questions/${encodeURIComponent(id)}`}>{text}</Link> : <>{text}</>;
}

function NearDuplicatesCard({ projectId, report }: { projectId: string; report: MetricReport }) {
  const pairs = report.near_duplicates;
  const listed =
    pairs.length < report.near_duplicate_pairs ? ` — ${pairs.length === 1 ? 'the most similar' : `the ${pairs.length} most similar`} listed` : '';
  return (
    <Card
      title="Near-duplicate questions"
      description={`${plural(report.near_duplicate_pairs, 'pair')} at cosine ≥ ${report.near_duplicate_threshold}${listed}.`}
    >
      {pairs.length === 0 ? (
        <p className="muted">No two questions are that similar.</p>
      ) : (
        <Table label="Near-duplicate questions" columns={['Question', 'Similar question', { label: 'Cosine', num: true }]}>
          {pairs.map((p) => (
            <tr key={`${p.a}-${p.b}`}>
              <td className="pair-question">
                <QuestionLink projectId={projectId} id={p.id_a} text={p.question_a} />
              </td>
              <td className="pair-question">
                <QuestionLink projectId={projectId} id={p.id_b} text={p.question_b} />
              </td>
              <td className="cell-num">{formatCosine(p.cosine)}</td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

/** Why some questions are in fewer figures than others. */
function Caveats({ report }: { report: MetricReport }) {
  const notes = [
    report.without_sql > 0 && `${plural(report.without_sql, 'question')} without SQL yet (in the cosine and lengths only)`,
    report.hardness.unparsed > 0 && `${plural(report.hardness.unparsed, 'SQL query', 'SQL queries')} that did not parse`,
    report.without_schema > 0 && `${plural(report.without_schema, 'query', 'queries')} whose database has no schema here (not in coverage)`,
  ].filter(Boolean);
  if (notes.length === 0) return null;
  return <p className="muted small">Of {plural(report.nlqs, 'question')}: {notes.join('; ')}.</p>;
}

/** Everything about one set of questions (a stage, or the dataset up to one). */
export function SetDetails({ projectId, report }: { projectId: string; report: MetricReport }) {
  if (report.nlqs === 0) return <EmptyState title="No questions in this set" />;
  return (
    <>
      <Caveats report={report} />
      <PatternsCard report={report} />
      <div className="chart-grid">
        <ClausesCard report={report} />
        <LengthsCard report={report} />
      </div>
      <UnusedCard report={report} />
      <NearDuplicatesCard projectId={projectId} report={report} />
    </>
  );
}
