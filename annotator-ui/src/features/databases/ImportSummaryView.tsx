// What an import did: its databases with their tables and warnings, and the questions it read.
import { Link } from 'react-router';
import { type ImportSummary } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { Badge, Table } from '../../components/ui';
import { DescriptionsSummary } from './DescriptionsSummary';

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

export function ImportSummaryView({ projectId, summary }: { projectId: string; summary: ImportSummary }) {
  const dbs = summary.databases ?? [];
  const q = summary.questions;
  const mismatches = q?.mismatches ?? [];
  return (
    <div className="import-summary" data-testid="import-summary">
      {q && (q.gold_translated ?? 0) > 0 && (
        <div className={`accuracy match-rate${(q.gold_match_rate ?? 0) >= 0.95 ? ' accuracy-good' : ''}`} data-testid="match-rate">
          <div className="accuracy-figure">{percent(q.gold_match_rate ?? 0)}</div>
          <div>
            <strong>
              {formatCount(q.gold_matched ?? 0)} of {formatCount(q.gold_translated ?? 0)} gold queries (
              {percent(q.gold_match_rate ?? 0)}) match after translation
            </strong>
            <div className="muted">
              Each gold query was translated from SQLite to PostgreSQL and both were run; the rest are marked needs review.
            </div>
          </div>
        </div>
      )}
      {q && (
        <p className="summary-line">
          {plural(q.total, 'question')} read: <strong>{formatCount(q.imported)}</strong> imported
          {q.existing > 0 && <>, {formatCount(q.existing)} already there (left as they were)</>}
          {(q.sql_failed ?? 0) > 0 && (
            <>
              , <span className="text-danger">{formatCount(q.sql_failed ?? 0)} with SQL that fails on PostgreSQL</span>
            </>
          )}
          .
        </p>
      )}
      <DescriptionsSummary summary={summary} />
      {dbs.length > 0 && (
        <Table columns={['Database', { label: 'Tables', num: true }, { label: 'Rows', num: true }, 'Tables and warnings']}>
          {dbs.map((d) => (
            <DatabaseSummaryRow key={d.database.id} projectId={projectId} entry={d} />
          ))}
        </Table>
      )}
      {mismatches.length > 0 && (
        <details className="mismatches">
          <summary>
            {plural(mismatches.length, 'gold query', 'gold queries')} {mismatches.length === 1 ? 'does' : 'do'} not match
            after translation
          </summary>
          <Table columns={['#', 'Database', 'Reason']}>
            {mismatches.map((m) => (
              <tr key={`${m.db_id}-${m.index}`}>
                <td className="nowrap mono">{m.index}</td>
                <td className="nowrap">{m.db_id}</td>
                <td>
                  <div>{m.reason}</div>
                  <code className="mismatch-sql">{m.query}</code>
                </td>
              </tr>
            ))}
          </Table>
        </details>
      )}
    </div>
  );
}

function DatabaseSummaryRow({
  projectId,
  entry,
}: {
  projectId: string;
  entry: NonNullable<ImportSummary['databases']>[number];
}) {
  const tables = entry.tables ?? entry.database.report?.tables ?? [];
  const warnings = tables.flatMap((t) => (t.warnings ?? []).map((w) => `${t.name}: ${w}`));
  return (
    <tr>
      <td>
        <Link className="strong-link" to={`/projects/${projectId}/databases/${entry.database.id}`}>
          {entry.database.name}
        </Link>{' '}
        <span className="muted">v{entry.database.version}</span>
        {entry.unchanged && (
          <span className="inline-badge">
            <Badge>unchanged, nothing new imported</Badge>
          </span>
        )}
      </td>
      <td className="cell-num">{formatCount(tables.length || entry.database.table_count)}</td>
      <td className="cell-num">{formatCount(entry.rows)}</td>
      <td>
        <details className="warnings">
          <summary>
            <span className="summary-tables-label">{plural(tables.length, 'table')}</span>{' '}
            {warnings.length === 0 ? (
              <span className="muted">· no warnings</span>
            ) : (
              <Badge tone="warning">{plural(warnings.length, 'warning')}</Badge>
            )}
          </summary>
          <ul className="summary-tables">
            {tables.map((t) => (
              <li key={t.name}>
                <span className="mono">{t.name}</span> <span className="muted">{plural(t.rows, 'row')}</span>
                {(t.warnings ?? []).length > 0 && (
                  <ul>
                    {(t.warnings ?? []).map((w, i) => (
                      <li key={i} className="warning-text">
                        {w}
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </details>
      </td>
    </tr>
  );
}
