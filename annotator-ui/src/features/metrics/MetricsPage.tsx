// Project → Metrics (reviewers read, leads also compute): the diversity and complexity figures of Turing's human-in-the-loop Text2SQL study for the dataset,
// stage by stage — the newest computation that succeeded, what it was computed with (the embedding,
// named plainly when it is the lexical fallback, and the inputs hash), its table and charts, the details
// of one set, the disagreement rate per cycle, and every computation. A lead recomputes on demand and
// follows the run until it ends; a failure keeps the last good figures on screen with its reason.
import { useQuery } from '@tanstack/react-query';
import { Card, EmptyState, QueryView } from '../../components/ui';
import { metricsApi } from './api';
import { useProjectScope } from '../projects/ProjectPage';
import { metricsKeys } from './keys';
import { useComputation } from './useComputation';
import { ComputeControls, ComputeStatus } from './ComputeControls';
import { DisagreementCard, HistoryCard } from './HistoryCard';
import { MetricsView } from './MetricsView';

export function ProjectMetrics() {
  const { projectId: pid, lead } = useProjectScope();
  const latest = useQuery({ queryKey: metricsKeys.latest(pid), queryFn: () => metricsApi.latest(pid) });
  const computation = useComputation(pid);
  const compute = lead ? <ComputeControls computation={computation} first={latest.data === null} /> : null;
  return (
    <div className="stack">
      <QueryView query={latest} loading="Loading metrics…">
        {(data) =>
          data === null ? (
            <Card title="Dataset metrics">
              <ComputeStatus computation={computation} shown={null} />
              <EmptyState title="No metrics computed yet" action={compute}>
                {lead
                  ? 'Compute them to see, stage by stage, how varied the questions are, how much of the schema the SQL covers, and how complex it is.'
                  : 'A lead of this project computes them; they appear here once computed.'}
              </EmptyState>
            </Card>
          ) : (
            <MetricsView projectId={pid} run={data} controls={compute} computation={computation} lead={lead} />
          )
        }
      </QueryView>
      <DisagreementCard projectId={pid} />
      <HistoryCard runs={computation.runs} shown={latest.data?.id ?? null} />
    </div>
  );
}
