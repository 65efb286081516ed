// The dashboard's view of schema retrieval: for each of the newest agent batches, how often the
// agent's prompt held every table a question needs, how many tables it described and how many tokens
// its first prompt took — plotted over batches, so a lead sees a change of top k or scope take effect.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { LineChart, type Point } from '../../components/charts';
import { formatCount } from '../../components/ResultGrid';
import { Card, EmptyState, QueryView } from '../../components/ui';
import type { BatchRecall } from '../../shared/api.gen';
import { runNumber } from '../runs/name';
import { dashboardApi } from './api';
import { dashboardKeys } from './keys';

const pct = (x: number) => `${Math.round(x * 100)}%`;

function points(batches: BatchRecall[], value: (b: BatchRecall) => number, detail: (b: BatchRecall) => string): Point[] {
  return batches.map((b) => ({ key: String(b.run.id), label: `#${runNumber(b.run)}`, value: value(b), detail: `Batch #${runNumber(b.run)}: ${detail(b)}` }));
}

/**
 * How often the card refreshes while the page does: each refresh scores every question of up to 20
 * batches again on the server, and a batch takes minutes, so once a minute is enough.
 */
export const RECALL_REFRESH_MS = 60_000;

export function SchemaRecallCard({ projectId, autoRefresh }: { projectId: string; autoRefresh: boolean }) {
  const recall = useQuery({
    queryKey: dashboardKeys.recall(projectId),
    queryFn: () => dashboardApi.recall(projectId),
    refetchInterval: autoRefresh ? RECALL_REFRESH_MS : false,
  });
  return (
    <Card
      title="Schema retrieval"
      description="For each of the newest agent batches: the share of questions whose prompt held every table they need (the tables they came with and those their gold SQL reads), the tables described and the first prompt's tokens per question."
    >
      <QueryView query={recall} loading="Loading schema recall…">
        {(batches) => {
          if (batches.length === 0) {
            return (
              <EmptyState title="No agent batch to measure yet">
                A batch over questions with gold SQL or known tables reports its schema recall here and on its page.
              </EmptyState>
            );
          }
          const newest = batches[batches.length - 1];
          const r = newest.retrieval;
          return (
            <div className="stack">
              <p data-testid="dashboard-schema-recall">
                <Link to={`/projects/${projectId}/batches/${newest.run.id}`}>Batch #{runNumber(newest.run)}</Link>: the prompt held every
                needed table for <strong>{pct(r.recall)}</strong> of {formatCount(r.questions)} questions, with {r.tables_mean.toFixed(1)} tables
                {r.tokens_median > 0 && <> and {formatCount(r.tokens_median)} first-prompt tokens (median)</>} a question.
              </p>
              <div className="small-multiples">
                <LineChart
                  title="Schema recall"
                  max={1}
                  format={pct}
                  points={points(batches, (b) => b.retrieval.recall, (b) => `${pct(b.retrieval.recall)} of ${formatCount(b.retrieval.questions)} questions`)}
                />
                <LineChart
                  title="Tables a question"
                  format={(v) => v.toFixed(1)}
                  points={points(batches, (b) => b.retrieval.tables_mean, (b) => `${b.retrieval.tables_mean.toFixed(1)} tables a question`)}
                />
                <LineChart
                  title="First-prompt tokens (median)"
                  integer
                  format={(v) => formatCount(Math.round(v))}
                  points={points(batches, (b) => b.retrieval.tokens_median, (b) => `${formatCount(b.retrieval.tokens_median)} tokens`)}
                />
              </div>
            </div>
          );
        }}
      </QueryView>
    </Card>
  );
}
