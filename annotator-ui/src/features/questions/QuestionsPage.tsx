// Project → Questions: the project's NLQs, filtered by status, stage, origin, database, reviewers' error
// type and text (the filters live in the URL, with counts from the facets), paged with "Load more".
// A question opens its full history in a drawer (/projects/:id/questions/:nlq). Keyboard: J/K move,
// Enter opens, Esc closes.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, type Nlq, type NlqFacets, type TranslationReport } from '../../shared/api';
import { QuestionHistory } from './QuestionHistory';
import { formatCount } from '../../components/ResultGrid';
import { Badge, Button, Card, EmptyState, ErrorState, FilterSelect, Loading, Table } from '../../components/ui';
import { useHotkeys } from '../../shared/hotkeys';
import { ERROR_TYPES, errorTypeLabel } from '../../shared/loop';
import { describeOrigin, HIDDEN_SQL, filtersFromParams, STATUS_LABELS, STATUS_TONES, statusLabel, toNlqFilter, type FilterKey, type NlqFilters } from '../../shared/nlqs';
import { useProject } from '../projects/ProjectPage';
import './history.css';
import { databaseKeys } from '../databases/keys';
import { questionKeys } from './keys';

export const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;

export function ProjectQuestions() {
  const project = useProject();
  const projectId = String(project.id);
  const { nlqId } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = filtersFromParams(params);
  const search = params.toString() ? `?${params.toString()}` : '';
  const base = `/projects/${projectId}/questions`;

  const facets = useQuery({ queryKey: questionKeys.facets(projectId), queryFn: () => api.nlqFacets(projectId) });
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, true), queryFn: () => api.listDatabases(projectId, true) });
  const nlqs = useInfiniteQuery({
    queryKey: questionKeys.list(projectId, filters),
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => api.listNlqs(projectId, { ...toNlqFilter(filters), before: pageParam, limit: PAGE_SIZE }),
    getNextPageParam: (last) => (last.nlqs.length < PAGE_SIZE ? undefined : last.nlqs[last.nlqs.length - 1]?.id),
  });
  const list = nlqs.data?.pages.flatMap((p) => p.nlqs) ?? [];

  // The keyboard's cursor in the list; it follows the open question.
  const [cursor, setCursor] = useState(0);
  const filterKey = JSON.stringify(filters);
  const shownFilters = useRef(filterKey);
  useEffect(() => {
    if (shownFilters.current !== filterKey) setCursor(0);
    shownFilters.current = filterKey;
  }, [filterKey]);
  const openIndex = nlqId ? list.findIndex((n) => String(n.id) === nlqId) : -1;
  useEffect(() => {
    if (openIndex >= 0) setCursor(openIndex);
  }, [openIndex]);

  const open = (id: number, replace = false) => navigate(`${base}/${id}${search}`, { replace });
  const close = () => navigate(`${base}${search}`);
  const move = (by: number) => {
    if (list.length === 0) return;
    const next = Math.min(Math.max(cursor + by, 0), list.length - 1);
    if (by > 0 && cursor === list.length - 1 && nlqs.hasNextPage && !nlqs.isFetchingNextPage) void nlqs.fetchNextPage();
    setCursor(next);
    // With the drawer open, J/K walk through the histories.
    if (nlqId && list[next]) open(list[next].id, true);
  };
  useHotkeys({
    j: () => move(1),
    k: () => move(-1),
    Enter: () => {
      if (list[cursor] && String(list[cursor].id) !== nlqId) open(list[cursor].id);
    },
  });

  const setFilter = (key: FilterKey, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: key === 'q' });
  };
  const clearFilters = () => setParams(new URLSearchParams());
  const filtered = Object.keys(filters).length > 0;

  return (
    <div className="stack">
      <TranslationReportCard projectId={projectId} />
      <Card
        title="Questions"
        description="Natural-language questions and their SQL. Open one for its whole history. J and K move, Enter opens, Esc closes."
      >
        <QuestionFilters
          filters={filters}
          facets={facets.data}
          databases={databases.data?.databases ?? []}
          onChange={setFilter}
          onClear={filtered ? clearFilters : undefined}
        />
        {nlqs.isPending ? (
          <Loading label="Loading questions…" />
        ) : nlqs.isError ? (
          <ErrorState error={nlqs.error} onRetry={() => nlqs.refetch()} />
        ) : list.length === 0 ? (
          filtered ? (
            <EmptyState title="No questions match" action={<Button onClick={clearFilters}>Clear filters</Button>}>
              Try other filters or another search.
            </EmptyState>
          ) : (
            <EmptyState title="No questions yet">
              Questions arrive with a Spider or WikiTableQuestions import, or a questions CSV, from the Databases tab.
            </EmptyState>
          )
        ) : (
          <>
            <QuestionTable
              projectId={projectId}
              list={list}
              cursor={cursor}
              openId={nlqId}
              linkTo={(id) => `${base}/${id}${search}`}
              onOpen={(i) => {
                setCursor(i);
                open(list[i].id);
              }}
            />
            <div className="load-more">
              <span className="muted small">
                {formatCount(list.length)} {list.length === 1 ? 'question' : 'questions'}
                {nlqs.hasNextPage ? ' shown' : ''}
              </span>
              {nlqs.hasNextPage && (
                <Button onClick={() => nlqs.fetchNextPage()} busy={nlqs.isFetchingNextPage}>
                  Load more
                </Button>
              )}
            </div>
          </>
        )}
      </Card>
      {nlqId && <QuestionHistory key="history" projectId={projectId} nlqId={nlqId} role={project.my_role} onClose={close} />}
    </div>
  );
}

function withCounts(counts: Record<string, number> | undefined, selected: string | undefined, order: string[] = []) {
  const keys = new Set([...order.filter((k) => !counts || k in counts), ...Object.keys(counts ?? {})]);
  if (selected) keys.add(selected);
  return [...keys].map((k) => ({ value: k, count: counts?.[k] }));
}

const countText = (n: number | undefined) => (n === undefined ? '' : ` (${formatCount(n)})`);

function QuestionFilters({
  filters,
  facets,
  databases,
  onChange,
  onClear,
}: {
  filters: NlqFilters;
  facets: NlqFacets | undefined;
  databases: { id: number; name: string; version: number }[];
  onChange: (key: FilterKey, value: string) => void;
  onClear?: () => void;
}) {
  const total = facets ? Object.values(facets.statuses).reduce((s, n) => s + n, 0) : undefined;
  const versions = new Map<string, number>();
  for (const d of databases) versions.set(d.name, (versions.get(d.name) ?? 0) + 1);
  // Without facets (an older server, or a failed call) the known statuses and error types still filter.
  const statuses = withCounts(facets?.statuses, filters.status, Object.keys(STATUS_LABELS));
  const errorTypes = withCounts(facets?.error_types, filters.error_type, facets ? [] : [...ERROR_TYPES]);
  const stages = withCounts(facets?.stages, filters.stage);
  const origins = withCounts(facets?.origins, filters.origin);
  return (
    <div className="filters" role="group" aria-label="Filters">
      <SearchBox value={filters.q ?? ''} onChange={(v) => onChange('q', v)} />
      <FilterSelect label="Status" value={filters.status ?? ''} onChange={(v) => onChange('status', v)}>
        <option value="">All{countText(total)}</option>
        {statuses.map((o) => (
          <option key={o.value} value={o.value}>
            {statusLabel(o.value)}
            {countText(o.count)}
          </option>
        ))}
      </FilterSelect>
      {stages.length > 0 && (
        <FilterSelect label="Stage" value={filters.stage ?? ''} onChange={(v) => onChange('stage', v)}>
          <option value="">All stages</option>
          {stages.map((o) => (
            <option key={o.value} value={o.value}>
              {o.value}
              {countText(o.count)}
            </option>
          ))}
        </FilterSelect>
      )}
      {origins.length > 0 && (
        <FilterSelect label="Origin" value={filters.origin ?? ''} onChange={(v) => onChange('origin', v)}>
          <option value="">All origins</option>
          {origins.map((o) => (
            <option key={o.value} value={o.value}>
              {o.value}
              {countText(o.count)}
            </option>
          ))}
        </FilterSelect>
      )}
      <FilterSelect label="Database" value={filters.database ?? ''} onChange={(v) => onChange('database', v)}>
        <option value="">All databases</option>
        {databases.map((d) => (
          <option key={d.id} value={String(d.id)}>
            {(versions.get(d.name) ?? 0) > 1 ? `${d.name} (v${d.version})` : d.name}
          </option>
        ))}
      </FilterSelect>
      <FilterSelect label="Error type" value={filters.error_type ?? ''} onChange={(v) => onChange('error_type', v)}>
        <option value="">Any</option>
        {errorTypes.map((o) => (
          <option key={o.value} value={o.value}>
            {errorTypeLabel(o.value)}
            {countText(o.count)}
          </option>
        ))}
      </FilterSelect>
      {onClear && (
        <Button size="sm" variant="ghost" onClick={onClear}>
          Clear filters
        </Button>
      )}
    </div>
  );
}

/** The text filter: typed text reaches the URL (and the list) after a short pause, or at once on Enter. */
function SearchBox({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const [text, setText] = useState(value);
  const latest = useRef(onChange);
  latest.current = onChange;
  // The URL changed elsewhere (Clear filters, back button): show it.
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const t = window.setTimeout(() => latest.current(text.trim()), SEARCH_DELAY_MS);
    return () => window.clearTimeout(t);
  }, [text, value]);
  return (
    <label className="filter filter-search">
      <span>Search</span>
      <input
        type="search"
        className="input input-compact"
        value={text}
        placeholder="Words in the question"
        maxLength={500}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') latest.current(text.trim());
          if (e.key === 'Escape' && text) {
            e.preventDefault();
            setText('');
            latest.current('');
          }
        }}
      />
    </label>
  );
}

function QuestionTable({
  projectId,
  list,
  cursor,
  openId,
  linkTo,
  onOpen,
}: {
  projectId: string;
  list: Nlq[];
  cursor: number;
  openId: string | undefined;
  linkTo: (id: number) => string;
  onOpen: (index: number) => void;
}) {
  const rows = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const row = rows.current?.children[cursor] as HTMLElement | undefined;
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [cursor]);
  const click = (e: MouseEvent, i: number) => {
    // Links and buttons in the row do their own thing.
    if (e.target instanceof HTMLElement && e.target.closest('a, button')) return;
    onOpen(i);
  };
  return (
    <Table label="Questions" className="table questions-table" bodyRef={rows} columns={['Question', 'Database', 'Status', 'Stage', 'Origin']}>
      {list.map((n, i) => {
        const isOpen = String(n.id) === openId;
        const cls = [i === cursor ? 'row-cursor' : '', isOpen ? 'row-open' : ''].filter(Boolean).join(' ');
        return (
          <tr key={n.id} className={cls || undefined} aria-current={isOpen ? 'true' : undefined} onClick={(e) => click(e, i)} data-testid={`question-row-${n.id}`}>
            <td className="question-cell">
              <Link to={linkTo(n.id)}>{n.question}</Link>
              {n.answers_hidden && (
                <span className="muted small-inline blind-tag" title={HIDDEN_SQL}>
                  {' '}
                  · SQL hidden
                </span>
              )}
            </td>
            <td className="nowrap">
              {n.database_id ? (
                <Link to={`/projects/${projectId}/databases/${n.database_id}`}>{n.database_name ?? n.database_id}</Link>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              <Badge tone={STATUS_TONES[n.status] ?? 'neutral'}>{statusLabel(n.status)}</Badge>
            </td>
            <td className="nowrap muted">{n.stage}</td>
            <td className="nowrap mono small-mono">{describeOrigin(n.origin)}</td>
          </tr>
        );
      })}
    </Table>
  );
}

function TranslationReportCard({ projectId }: { projectId: string }) {
  const report = useQuery({
    queryKey: questionKeys.translationReport(projectId),
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
