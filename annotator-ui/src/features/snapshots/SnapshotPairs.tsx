// A snapshot's pairs, split by split (the split is in the query string), a page at a time.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { formatCount } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Button, Card, DetailRow, LoadMore, QueryView } from '../../components/ui';
import { goldenApi, SPLITS, type Pair, type Snapshot } from '../../shared/golden';
import { snapshotKeys } from './keys';
import { SPLIT_LABELS, HARDNESS_LABELS } from './labels';

const PAIRS_PAGE = 50;

export function SnapshotPairs({ projectId, snapshot }: { projectId: string; snapshot: Snapshot }) {
  const [params, setParams] = useSearchParams();
  const split = (SPLITS as readonly string[]).includes(params.get('split') ?? '') ? (params.get('split') as string) : 'train';
  const pairs = useInfiniteQuery({
    queryKey: snapshotKeys.pairs(projectId, snapshot.id, split),
    queryFn: ({ pageParam }) => goldenApi.pairs(projectId, snapshot.id, split, pageParam, PAIRS_PAGE),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_after ?? undefined,
  });
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Card title="Pairs" description="By question id, split by split.">
      <div className="segmented" role="group" aria-label="Split">
        {SPLITS.map((sp) => (
          <button
            key={sp}
            type="button"
            aria-pressed={split === sp}
            onClick={() => {
              const next = new URLSearchParams(params);
              next.set('split', sp);
              setParams(next, { replace: true });
            }}
          >
            {SPLIT_LABELS[sp]} ({formatCount(snapshot.manifest.splits?.[sp] ?? 0)})
          </button>
        ))}
      </div>
      <QueryView query={pairs} loading="Loading pairs…">
        {(data) => {
          const list: Pair[] = data.pages.flatMap((p) => p.pairs);
          return list.length === 0 ? (
            <p className="muted">No pairs in this split.</p>
          ) : (
            <>
              <div className="table-wrap flush">
                <table className="table table-compact" aria-label={`${SPLIT_LABELS[split]} pairs`}>
                  <thead>
                    <tr>
                      <th scope="col">Question</th>
                      <th scope="col">Database</th>
                      <th scope="col">Hardness</th>
                      <th scope="col">Stage</th>
                      <th scope="col">
                        <span className="visually-hidden">SQL</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((p) => (
                      <PairRow key={p.nlq_id} projectId={projectId} pair={p} open={open === p.nlq_id} onToggle={() => setOpen(open === p.nlq_id ? null : p.nlq_id)} />
                    ))}
                  </tbody>
                </table>
              </div>
              <LoadMore query={pairs} />
            </>
          );
        }}
      </QueryView>
    </Card>
  );
}

function PairRow({ projectId, pair: p, open, onToggle }: { projectId: string; pair: Pair; open: boolean; onToggle: () => void }) {
  return (
    <>
      <tr className={open ? 'row-expanded' : undefined}>
        <td>
          <Link to={`/projects/${projectId}/questions/${p.nlq_id}`}>{p.question}</Link>
        </td>
        <td className="nowrap">
          {p.database_name} <span className="muted">v{p.database_version}</span>
        </td>
        <td>{HARDNESS_LABELS[p.hardness] ?? p.hardness}</td>
        <td className="nowrap">{p.stage}</td>
        <td className="cell-actions">
          <Button size="sm" variant="ghost" aria-expanded={open} aria-label={`${open ? 'Hide' : 'Show'} the SQL of question ${p.nlq_id}`} onClick={onToggle}>
            {open ? 'Hide' : 'SQL'}
          </Button>
        </td>
      </tr>
      {open && (
        <DetailRow columns={5}>
          <SqlCode sql={p.sql} caption="Gold SQL" />
          {p.original_sql && <SqlCode sql={p.original_sql} caption="Original SQL (as imported)" />}
        </DetailRow>
      )}
    </>
  );
}
