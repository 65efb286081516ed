// How query results look everywhere: the SQL runner, sample rows, compare, verification previews.
import type { ReactNode } from 'react';
import type { QueryResult, ResultColumn, ResultPreview } from '../shared/api';

const NUMERIC_TYPES = /^(int[248]?|integer|bigint|smallint|numeric|decimal|float[48]?|real|double precision|double|money|oid)$/i;

export function isNumericType(type: string | undefined): boolean {
  return Boolean(type && NUMERIC_TYPES.test(type.trim()));
}

/** One cell: NULL stands apart from the text "NULL", numbers line up on the right. */
export function Cell({ value, type }: { value: unknown; type?: string }) {
  if (value === null || value === undefined) return <td className="cell-null">NULL</td>;
  if (typeof value === 'number' || typeof value === 'bigint') return <td className="cell-num">{String(value)}</td>;
  if (typeof value === 'boolean') return <td className="cell-bool">{value ? 'true' : 'false'}</td>;
  if (typeof value === 'string') {
    return <td className={isNumericType(type) ? 'cell-num' : value === '' ? 'cell-empty' : undefined}>{value}</td>;
  }
  return <td className="cell-json">{JSON.stringify(value)}</td>;
}

export function formatElapsed(ns: number | undefined): string | null {
  if (ns === undefined || ns === null || !Number.isFinite(ns)) return null;
  const ms = ns / 1e6;
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

const count = new Intl.NumberFormat();
export const formatCount = (n: number) => count.format(n);

export function plural(n: number, one: string, many = `${one}s`) {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** A refused or failed query, readable: what happened, in the server's words. */
export function QueryError({ message }: { message: string }) {
  const refused = /^refused\b/i.test(message);
  return (
    <div className="query-error" role="alert" data-testid="query-error">
      <strong>{refused ? 'Query refused' : 'Query failed'}</strong>
      <pre>{message}</pre>
    </div>
  );
}

/** Rows in a grid with a sticky header and horizontal scroll; `highlight` marks one row (0-based). */
export function RowsTable({
  columns,
  rows,
  highlight,
  label,
}: {
  columns: ResultColumn[];
  rows: unknown[][];
  highlight?: number;
  label?: string;
}) {
  return (
    <div className="grid-wrap" tabIndex={0} role="region" aria-label={label ?? 'Result rows'}>
      <table className="grid">
        <thead>
          <tr>
            <th scope="col" className="grid-rownum">
              <span className="visually-hidden">Row</span>
            </th>
            {columns.map((c, i) => (
              <th key={i} scope="col" className={isNumericType(c.type) ? 'cell-num' : undefined}>
                <span className="grid-colname">{c.name}</span>
                {c.type && <span className="grid-coltype">{c.type}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r} className={highlight === r ? 'grid-row-highlight' : undefined}>
              <td className="grid-rownum">{r + 1}</td>
              {columns.map((c, i) => (
                <Cell key={i} value={row[i]} type={c.type} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A whole result: meta line (rows, time, truncation), then the grid or the error. */
export function ResultView({
  result,
  highlight,
  label,
  actions,
}: {
  result: QueryResult | ResultPreview;
  highlight?: number;
  label?: string;
  actions?: ReactNode;
}) {
  const columns = result.columns ?? [];
  const rows = result.rows ?? [];
  const elapsed = 'elapsed_ns' in result ? formatElapsed(result.elapsed_ns) : null;
  return (
    <div className="result" data-testid="result">
      <div className="result-meta">
        {result.error ? (
          <span className="muted">No result</span>
        ) : (
          <span data-testid="row-count">
            <strong>{plural(result.row_count, 'row')}</strong>
            {columns.length > 0 && <span className="muted"> · {plural(columns.length, 'column')}</span>}
          </span>
        )}
        {elapsed && <span className="muted">{elapsed}</span>}
        {actions && <span className="result-actions">{actions}</span>}
      </div>
      {result.error ? (
        <QueryError message={result.error} />
      ) : (
        <>
          {result.truncated && (
            <p className="result-notice" role="status">
              Truncated at {plural(rows.length, 'row')}
              {result.row_count > rows.length ? ` of ${formatCount(result.row_count)}` : ''}. Add a LIMIT or narrow the
              query to see the rest.
            </p>
          )}
          {columns.length === 0 ? (
            <p className="muted result-empty">The query returned no columns.</p>
          ) : (
            <>
              <RowsTable columns={columns} rows={rows} highlight={highlight} label={label} />
              {rows.length === 0 && <p className="muted result-empty">No rows.</p>}
            </>
          )}
        </>
      )}
    </div>
  );
}

/**
 * A result in a panel under its title (an `h2`, or the heading `level` given): "Not run." when there
 * is none.
 */
export function ResultPanel({
  title,
  level: Heading = 'h2',
  result,
  label,
  highlight,
}: {
  title: string;
  level?: 'h2' | 'h4';
  result: QueryResult | ResultPreview | null | undefined;
  label: string;
  highlight?: number;
}) {
  return (
    <div className="panel">
      <div className="panel-header">
        <Heading className="panel-title">{title}</Heading>
      </div>
      {result ? <ResultView result={result} label={label} highlight={highlight} /> : <p className="muted">Not run.</p>}
    </div>
  );
}
