// Project → Questions: the NLQs of the project with their imported SQL, how the SQLite gold SQL fared
// in translation, the evidence (both results) where it did not match, and "Try SQL" to check new SQL.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Fragment, lazy, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { api, type Nlq, type TranslationReport } from '../api';
import { formatCount, plural, ResultView } from '../components/ResultGrid';
import { Badge, Button, Card, EmptyState, ErrorState, Loading } from '../components/ui';
import { formatDateTime, formatRelative } from '../format';
import { useProject } from './Project';

// Try SQL carries the SQL editor (CodeMirror): it loads when a question is first expanded.
const TrySql = lazy(() => import('../components/TrySql').then((m) => ({ default: m.TrySql })));

const PAGE_SIZE = 50;

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  needs_review: 'Needs review',
  accepted: 'Accepted',
  rejected: 'Rejected',
};
const STATUS_TONES: Record<string, string> = {
  new: 'info',
  needs_review: 'warning',
  accepted: 'success',
  rejected: 'danger',
};

/** Where a question came from, the way people cite it: "spider dev.json #12", "wtq nt-0". */
export function describeOrigin(origin: Nlq['origin']): string {
  if (!origin) return '—';
  const o = origin as Record<string, string | number | undefined>;
  switch (o.kind) {
    case 'spider':
      return `spider ${o.file ?? ''} #${o.index ?? '?'}`.replace(/\s+/g, ' ');
    case 'wtq':
      return `wtq ${o.id ?? ''}`.trim();
    case 'csv':
      return `${o.file ?? 'csv'}${o.line !== undefined ? ` line ${o.line}` : ''}`;
    default:
      return o.kind ? String(o.kind) : JSON.stringify(origin);
  }
}

export function ProjectQuestions() {
  const project = useProject();
  const projectId = String(project.id);
  const [status, setStatus] = useState('');
  const [database, setDatabase] = useState('');
  const [open, setOpen] = useState<Set<number>>(new Set());

  const databases = useQuery({
    queryKey: ['databases', projectId, true],
    queryFn: () => api.listDatabases(projectId, true),
  });
  const nlqs = useInfiniteQuery({
    queryKey: ['nlqs', projectId, status, database],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) =>
      api.listNlqs(projectId, { status, database: database || undefined, before: pageParam, limit: PAGE_SIZE }),
    getNextPageParam: (last) => (last.nlqs.length < PAGE_SIZE ? undefined : last.nlqs[last.nlqs.length - 1]?.id),
  });

  const dbList = databases.data?.databases ?? [];
  const versions = new Map<string, number>();
  for (const d of dbList) versions.set(d.name, (versions.get(d.name) ?? 0) + 1);

  const toggle = (id: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const list = nlqs.data?.pages.flatMap((p) => p.nlqs) ?? [];
  const filtered = status !== '' || database !== '';

  return (
    <div className="stack">
      <TranslationReportCard projectId={projectId} />
      <Card
        title="Questions"
        description="Natural-language questions and their SQL. Expand a row for the SQL, its translation and how it was checked."
      >
        <div className="filters" role="group" aria-label="Filters">
          <label className="filter">
            <span>Status</span>
            <select className="input select select-compact" value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">All</option>
              {Object.entries(STATUS_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <label className="filter">
            <span>Database</span>
            <select className="input select select-compact" value={database} onChange={(e) => setDatabase(e.target.value)}>
              <option value="">All databases</option>
              {dbList.map((d) => (
                <option key={d.id} value={String(d.id)}>
                  {(versions.get(d.name) ?? 0) > 1 ? `${d.name} (v${d.version})` : d.name}
                </option>
              ))}
            </select>
          </label>
        </div>
        {nlqs.isPending ? (
          <Loading label="Loading questions…" />
        ) : nlqs.isError ? (
          <ErrorState error={nlqs.error} onRetry={() => nlqs.refetch()} />
        ) : list.length === 0 ? (
          filtered ? (
            <EmptyState title="No questions match">Try another status or database.</EmptyState>
          ) : (
            <EmptyState title="No questions yet">
              Questions arrive with a Spider or WikiTableQuestions import, or a questions CSV, from the Databases tab.
            </EmptyState>
          )
        ) : (
          <>
            <div className="table-wrap flush">
              <table className="table questions-table">
                <thead>
                  <tr>
                    <th scope="col">Question</th>
                    <th scope="col">Database</th>
                    <th scope="col">Status</th>
                    <th scope="col">Stage</th>
                    <th scope="col">Origin</th>
                    <th scope="col">
                      <span className="visually-hidden">Details</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((n) => {
                    const expanded = open.has(n.id);
                    return (
                      <Fragment key={n.id}>
                        <tr className={expanded ? 'row-expanded' : undefined}>
                          <td className="question-cell">{n.question}</td>
                          <td className="nowrap">
                            {n.database_id ? (
                              <Link to={`/projects/${projectId}/databases/${n.database_id}`}>{n.database_name ?? n.database_id}</Link>
                            ) : (
                              <span className="muted">—</span>
                            )}
                          </td>
                          <td>
                            <Badge tone={STATUS_TONES[n.status] ?? 'neutral'}>{STATUS_LABELS[n.status] ?? n.status}</Badge>
                          </td>
                          <td className="nowrap muted">{n.stage}</td>
                          <td className="nowrap mono small-mono">{describeOrigin(n.origin)}</td>
                          <td className="cell-actions">
                            <Button
                              size="sm"
                              variant="ghost"
                              aria-expanded={expanded}
                              aria-label={`${expanded ? 'Hide' : 'Show'} details of question ${n.id}`}
                              onClick={() => toggle(n.id)}
                            >
                              {expanded ? 'Hide' : 'Details'}
                            </Button>
                          </td>
                        </tr>
                        {expanded && (
                          <tr className="row-detail">
                            <td colSpan={6}>
                              <NlqDetail nlq={n} projectId={projectId} />
                            </td>
                          </tr>
                        )}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
            </div>
            {nlqs.hasNextPage && (
              <div className="load-more">
                <Button onClick={() => nlqs.fetchNextPage()} busy={nlqs.isFetchingNextPage}>
                  Load more
                </Button>
              </div>
            )}
          </>
        )}
      </Card>
    </div>
  );
}

function TranslationReportCard({ projectId }: { projectId: string }) {
  const report = useQuery({
    queryKey: ['translation-report', projectId],
    queryFn: () => api.translationReport(projectId),
  });
  if (report.isPending || report.isError || report.data.reports.length === 0) return null;
  const reports = report.data.reports;
  const total = reports.reduce((s, r) => s + r.total, 0);
  const matched = reports.reduce((s, r) => s + r.matched, 0);
  return (
    <Card
      title="Gold SQL translation"
      description={`${formatCount(matched)} of ${formatCount(total)} imported gold queries (${pct(total ? matched / total : 0)}) give the same result on PostgreSQL as the original on SQLite.`}
    >
      <ul className="report-list" data-testid="translation-report">
        {reports.map((r) => (
          <ReportRow key={r.database_id} r={r} />
        ))}
      </ul>
    </Card>
  );
}

function pct(rate: number) {
  return `${(rate * 100).toFixed(1)}%`;
}

function ReportRow({ r }: { r: TranslationReport }) {
  return (
    <li className="report-row">
      <span className="report-name">{r.database_name}</span>
      <span className="report-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(r.match_rate * 100)}%` }} />
      </span>
      <span className="report-figures">
        {formatCount(r.matched)}/{formatCount(r.total)} <span className="muted">({pct(r.match_rate)})</span>
      </span>
    </li>
  );
}

export function NlqDetail({ nlq, projectId }: { nlq: Nlq; projectId: string }) {
  const c = nlq.candidate;
  const v = c?.verification ?? null;
  const changes = c?.translation?.changes ?? [];
  const translated = Boolean(c?.original_sql && c.original_sql.trim() !== c.sql.trim());
  return (
    <div className="nlq-detail" data-testid={`nlq-detail-${nlq.id}`}>
      {(nlq.target_values ?? []).length > 0 && (
        <div className="answer">
          <span className="detail-label">Answer</span>
          {(nlq.target_values ?? []).map((t, i) => (
            <span key={i} className="answer-chip">
              {t}
            </span>
          ))}
        </div>
      )}
      {typeof nlq.origin?.table === 'string' && (
        <div className="answer">
          <span className="detail-label">Table</span>
          <code>{nlq.origin.table}</code>
          {typeof nlq.origin.context === 'string' && <span className="muted small-inline">{nlq.origin.context}</span>}
        </div>
      )}
      {!c ? (
        <p className="muted">No SQL yet.</p>
      ) : (
        <>
          <div className={translated ? 'compare-columns' : undefined}>
            <figure className="sql-block">
              <figcaption>SQL (PostgreSQL){c.source ? ` · ${c.source}` : ''}</figcaption>
              <pre>{c.sql}</pre>
            </figure>
            {c.original_sql && translated && (
              <figure className="sql-block">
                <figcaption>Original ({c.original_dialect === 'sqlite' ? 'SQLite' : (c.original_dialect ?? 'original')})</figcaption>
                <pre>{c.original_sql}</pre>
              </figure>
            )}
          </div>
          {changes.length > 0 && (
            <div>
              <span className="detail-label">Translation changes</span>
              <ul className="changes">
                {changes.map((ch, i) => (
                  <li key={i}>{ch}</li>
                ))}
              </ul>
            </div>
          )}
          {v && (
            <div className={`verdict verdict-sm ${v.match ? 'verdict-match' : 'verdict-nomatch'}`}>
              <span className="verdict-label">{v.match ? 'MATCH' : 'NO MATCH'}</span>
              <span className="verdict-reason">
                {v.reason || (v.match ? 'The translation gives the same result as the original.' : '')}
              </span>
            </div>
          )}
          {c.error && !v && (
            <div className="query-error">
              <strong>The SQL fails on PostgreSQL</strong>
              <pre>{c.error}</pre>
            </div>
          )}
          {v && !v.match && (v.sqlite || v.postgres) && (
            <div className="compare-columns">
              <div className="panel">
                <div className="panel-header">
                  <h3 className="panel-title">Original on SQLite</h3>
                </div>
                {v.sqlite ? <ResultView result={v.sqlite} label="SQLite result" /> : <p className="muted">Not run.</p>}
              </div>
              <div className="panel">
                <div className="panel-header">
                  <h3 className="panel-title">Translation on PostgreSQL</h3>
                </div>
                {v.postgres ? <ResultView result={v.postgres} label="PostgreSQL result" /> : <p className="muted">Not run.</p>}
              </div>
            </div>
          )}
          {v?.match && c.row_count !== null && (
            <p className="muted small">
              {plural(c.row_count, 'row')}
              {c.elapsed_ms !== null && ` · ${c.elapsed_ms.toFixed(1)} ms`}
            </p>
          )}
        </>
      )}
      <Suspense fallback={<Loading label="Loading the SQL editor…" />}>
        <TrySql projectId={projectId} nlq={nlq} />
      </Suspense>
      <p className="muted small" title={formatDateTime(nlq.created_at)}>
        Added {formatRelative(nlq.created_at)} · #{nlq.id}
      </p>
    </div>
  );
}
