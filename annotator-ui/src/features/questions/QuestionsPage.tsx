// Project → Questions: the project's NLQs, filtered by status, stage, origin, database, reviewers' error
// type and text (the filters live in the URL, with counts from the facets), paged with "Load more".
// A question opens its full history in a drawer (/projects/:id/questions/:nlq). Keyboard: J/K move,
// Enter opens, Esc closes.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../shared/api';
import { QuestionHistory } from './QuestionHistory';
import { formatCount } from '../../components/ResultGrid';
import { Button, Card, EmptyState, QueryView } from '../../components/ui';
import { useHotkeys } from '../../shared/hotkeys';
import { filtersFromParams, toNlqFilter, type FilterKey } from '../../shared/nlqs';
import { useProject } from '../projects/ProjectPage';
import './history.css';
import { databaseKeys } from '../databases/keys';
import { questionKeys } from './keys';
import { QuestionFilters } from './QuestionFilters';
import { QuestionTable } from './QuestionTable';
import { TranslationReportCard } from './TranslationReport';

export const PAGE_SIZE = 50;

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
        <QueryView query={nlqs} loading="Loading questions…">
          {() =>
            list.length === 0 ? (
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
            )
          }
        </QueryView>
      </Card>
      {nlqId && <QuestionHistory key="history" projectId={projectId} nlqId={nlqId} role={project.my_role} onClose={close} />}
    </div>
  );
}
