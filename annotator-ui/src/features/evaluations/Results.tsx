// An evaluation's items, filtered by outcome (in the query string), walked with J/K and opened with
// Enter, a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useEffect, useRef, useState, type MouseEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Badge, Card, DetailRow, LoadMore, QueryView, Table } from '../../components/ui';
import { goldenApi, outcomeOf, OUTCOMES, type Outcome } from '../../shared/golden';
import { useHotkeys } from '../../shared/hotkeys';
import { evaluationKeys } from './keys';
import { ResultDetail } from './ResultDetail';

const OUTCOME_LABELS: Record<Outcome, string> = { correct: 'Correct', wrong: 'Wrong', error: 'Error' };

const OUTCOME_TONES: Record<Outcome, string> = { correct: 'success', wrong: 'warning', error: 'danger' };

export function Results({ projectId, runId, live, judged }: { projectId: string; runId: string; live: boolean; judged: boolean }) {
  const [params, setParams] = useSearchParams();
  const outcome = (OUTCOMES as string[]).includes(params.get('outcome') ?? '') ? (params.get('outcome') as Outcome) : '';
  const results = useInfiniteQuery({
    queryKey: evaluationKeys.results(projectId, runId, outcome),
    queryFn: ({ pageParam }) => goldenApi.evalResults(projectId, runId, outcome, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_after ?? undefined,
    refetchInterval: live ? 5000 : false,
  });
  const list = results.data?.pages.flatMap((p) => p.results) ?? [];
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    setCursor(0);
    setOpen(null);
  }, [outcome]);
  const move = (by: number) => {
    if (list.length === 0) return;
    const next = Math.min(Math.max(cursor + by, 0), list.length - 1);
    if (by > 0 && cursor === list.length - 1 && results.hasNextPage && !results.isFetchingNextPage) void results.fetchNextPage();
    setCursor(next);
    // With an item open, J/K walk through the items' details.
    if (open !== null) setOpen(list[next].nlq_id);
  };
  useHotkeys({
    j: () => move(1),
    k: () => move(-1),
    Enter: () => {
      const it = list[cursor];
      if (it) setOpen(open === it.nlq_id ? null : it.nlq_id);
    },
    Escape: () => setOpen(null),
  });
  const rows = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const row = rows.current?.querySelector(`[data-index="${cursor}"]`) as HTMLElement | null;
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [cursor]);
  const filter = (v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set('outcome', v);
    else next.delete('outcome');
    setParams(next, { replace: true });
  };
  const click = (e: MouseEvent, i: number) => {
    if (e.target instanceof HTMLElement && e.target.closest('a, button')) return;
    setCursor(i);
    setOpen(open === list[i].nlq_id ? null : list[i].nlq_id);
  };
  return (
    <Card title="Items" description="J/K move through the items, Enter opens one (and J/K then walk through the open details), Esc closes it.">
      <div className="segmented" role="group" aria-label="Outcome">
        <button type="button" aria-pressed={outcome === ''} onClick={() => filter('')}>
          All
        </button>
        {OUTCOMES.map((o) => (
          <button key={o} type="button" aria-pressed={outcome === o} onClick={() => filter(o)}>
            {OUTCOME_LABELS[o]}
          </button>
        ))}
      </div>
      <QueryView query={results} loading="Loading results…">
        {() =>
          list.length === 0 ? (
            <p className="muted">{outcome ? `No ${OUTCOME_LABELS[outcome].toLowerCase()} item.` : live ? 'No item scored yet.' : 'No items.'}</p>
          ) : (
            <>
              <Table label="Results" className="table table-compact table-walk results-table" bodyRef={rows} columns={['Question', 'Database', 'Hardness', 'Outcome', ...(judged ? ['Judge'] : []), 'Why not']}>
                {list.map((it, i) => {
                  const o = outcomeOf(it);
                  const isOpen = open === it.nlq_id;
                  return (
                    <Fragment key={it.nlq_id}>
                      <tr
                        data-index={i}
                        data-testid={`result-row-${it.nlq_id}`}
                        className={[i === cursor ? 'row-cursor' : '', isOpen ? 'row-expanded' : ''].filter(Boolean).join(' ') || undefined}
                        aria-current={i === cursor ? 'true' : undefined}
                        onClick={(e) => click(e, i)}
                      >
                        <td className="question-cell">
                          <button type="button" className="link-button" aria-expanded={isOpen} onClick={() => { setCursor(i); setOpen(isOpen ? null : it.nlq_id); }}>
                            {it.question}
                          </button>
                        </td>
                        <td className="nowrap">{it.database_name}</td>
                        <td>{it.hardness}</td>
                        <td>
                          <Badge tone={OUTCOME_TONES[o]}>{OUTCOME_LABELS[o]}</Badge>
                        </td>
                        {judged && <td>{it.judge === null ? <span className="muted">—</span> : it.judge ? 'answers' : 'does not answer'}</td>}
                        <td className="clamp">{it.error || it.reason}</td>
                      </tr>
                      {isOpen && (
                        <DetailRow columns={judged ? 6 : 5}>
                          <ResultDetail projectId={projectId} r={it} />
                        </DetailRow>
                      )}
                    </Fragment>
                  );
                })}
              </Table>
              <LoadMore query={results} />
            </>
          )
        }
      </QueryView>
    </Card>
  );
}
