// A batch's trajectories one page at a time, filtered by outcome: the page asks for the items after the
// last id it showed (keyset), so a batch of any size renders one page and each page costs the same.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import type { AgentRunStatus } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Button, Card, QueryView } from '../../components/ui';
import { AgentRunsTable } from '../agent/AgentPage';
import { AGENT_STATUS } from '../runs/AgentStatus';
import { batchApi, BATCH_ITEMS_PAGE } from './api';
import { batchKeys } from './keys';
import './batches.css';

const OUTCOMES: AgentRunStatus[] = ['answered', 'error', 'budget', 'loop', 'cancelled', 'running'];

export function BatchItems({ projectId, runId, live }: { projectId: string; runId: string; live: boolean }) {
  const [params, setParams] = useSearchParams();
  const raw = params.get('outcome') ?? '';
  const outcome: AgentRunStatus | '' = (OUTCOMES as string[]).includes(raw) ? (raw as AgentRunStatus) : '';
  // The cursor of every page up to the one shown, for Previous; a new filter starts again at the first.
  const [trail, setTrail] = useState<{ outcome: string; cursors: number[] }>({ outcome, cursors: [0] });
  const cursors = trail.outcome === outcome ? trail.cursors : [0];
  const after = cursors[cursors.length - 1];
  const page = useQuery({
    queryKey: batchKeys.items(projectId, runId, outcome, after),
    queryFn: () => batchApi.items(projectId, runId, { outcome, after }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 3000 : false,
  });

  const filter = (o: AgentRunStatus | '') => {
    const next = new URLSearchParams(params);
    if (o) next.set('outcome', o);
    else next.delete('outcome');
    setParams(next, { replace: true });
    setTrail({ outcome: o, cursors: [0] });
  };
  const data = page.data;
  const counts = data?.outcomes ?? {};
  const total = Object.values(counts).reduce((a, n) => a + (n ?? 0), 0);
  const shown = outcome ? (counts[outcome] ?? 0) : total;
  const first = (cursors.length - 1) * BATCH_ITEMS_PAGE + 1;
  const items = data?.items ?? [];

  return (
    <Card title="Trajectories" description="One per question, in the order the batch started them.">
      <div className="segmented" role="group" aria-label="Outcome">
        <button type="button" aria-pressed={outcome === ''} onClick={() => filter('')}>
          All <span className="muted">{formatCount(total)}</span>
        </button>
        {OUTCOMES.filter((o) => (counts[o] ?? 0) > 0 || o === outcome).map((o) => (
          <button key={o} type="button" aria-pressed={outcome === o} onClick={() => filter(o)}>
            {AGENT_STATUS[o]?.label ?? o} <span className="muted">{formatCount(counts[o] ?? 0)}</span>
          </button>
        ))}
      </div>
      <QueryView query={page} loading="Loading trajectories…">
        {() =>
          items.length === 0 ? (
            <p className="muted">{outcome ? `No trajectory ended “${AGENT_STATUS[outcome]?.label ?? outcome}”.` : 'No trajectories yet.'}</p>
          ) : (
            <>
              <AgentRunsTable runs={items} projectId={projectId} showBatch={false} />
              <nav className="pager" aria-label="Pages of trajectories">
                <span className="muted" data-testid="items-range">
                  {formatCount(first)}–{formatCount(first + items.length - 1)} of {formatCount(Math.max(shown, first + items.length - 1))}
                </span>
                <Button size="sm" disabled={cursors.length === 1} onClick={() => setTrail({ outcome, cursors: cursors.slice(0, -1) })}>
                  ← Previous
                </Button>
                <Button
                  size="sm"
                  disabled={!data?.next_after || page.isPlaceholderData}
                  busy={page.isFetching && page.isPlaceholderData}
                  onClick={() => data?.next_after && setTrail({ outcome, cursors: [...cursors, data.next_after] })}
                >
                  Next →
                </Button>
              </nav>
            </>
          )
        }
      </QueryView>
    </Card>
  );
}
