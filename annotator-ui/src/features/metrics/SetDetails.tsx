// One set of questions in detail: SQL patterns, clauses, lengths, unused tables and columns, near
// duplicates, and what to keep in mind reading them.
import { Link } from 'react-router';
import { formatRate } from '../dashboard/api';
import { type MetricReport } from './api';
import { clauseRows, patternCounts } from './stages';
import { BarChart, LongTailChart, ShareBars } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Card, EmptyState, Stats, Table } from '../../components/ui';
import { formatCosine, formatBits } from './format';

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
