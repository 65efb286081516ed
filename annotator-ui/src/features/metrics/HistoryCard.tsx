// The past computations, and the disagreement between annotators.
import { useQuery } from '@tanstack/react-query';
import { DisagreementChart } from '../../components/DisagreementChart';
import { formatCount } from '../../components/ResultGrid';
import { Badge, ButtonLink, Card, QueryView, Table } from '../../components/ui';
import { dashboardApi } from '../dashboard/api';
import { elapsedMs, formatDateTime, formatDuration, formatRelative } from '../../shared/format';
import { describeEmbedding, TRIGGER_LABELS } from './computations';
import { dashboardKeys } from '../dashboard/keys';
import { useRuns } from './useComputation';

export function DisagreementCard({ projectId }: { projectId: string }) {
  const cycles = useQuery({ queryKey: dashboardKeys.cycles(projectId), queryFn: () => dashboardApi.cycles(projectId) });
  return (
    <Card
      title="Disagreement per cycle"
      description="From the review loop: how often people and the agent disagreed under each guideline version."
      actions={
        <ButtonLink variant="ghost" size="sm" to={`/projects/${projectId}/dashboard`}>
          Cycles on the Dashboard
        </ButtonLink>
      }
    >
      <QueryView query={cycles} loading="Loading cycles…">
        {(data) => (
          <DisagreementChart cycles={data} />
        )}
      </QueryView>
    </Card>
  );
}

const RUN_TONES: Record<string, string> = { running: 'info', succeeded: 'success', failed: 'danger' };

function RunStatus({ status }: { status: string }) {
  return (
    <Badge tone={RUN_TONES[status] ?? 'neutral'}>
      {status === 'running' && <span className="spinner spinner-tiny badge-spinner" aria-hidden="true" />}
      {status.charAt(0).toUpperCase() + status.slice(1)}
    </Badge>
  );
}

export function HistoryCard({ runs, shown }: { runs: ReturnType<typeof useRuns>; shown: number | null }) {
  const list = runs.data ?? [];
  return (
    <Card title="History" description="Every computation of this project's metrics, newest first.">
      <QueryView query={runs} loading="Loading computations…">
        {() =>
          list.length === 0 ? (
            <p className="muted">None yet.</p>
          ) : (
            <Table label="Metric computations" columns={['Run', 'Status', 'Trigger', 'Embedding', { label: 'NLQs', num: true }, 'When', { label: 'Took', num: true }, 'Error']}>
              {list.map((r) => (
                <tr key={r.id} data-testid={`metric-run-${r.id}`}>
                  <td className="nowrap">
                    #{r.number ?? r.id}
                    {r.id === shown && <span className="muted small"> · shown</span>}
                  </td>
                  <td>
                    <RunStatus status={r.status} />
                  </td>
                  <td>{TRIGGER_LABELS[r.trigger] ?? r.trigger}</td>
                  <td>{r.embedding ? (describeEmbedding(r.embedding).lexical ? 'lexical fallback' : r.embedding) : <span className="muted">—</span>}</td>
                  <td className="cell-num">{r.status === 'succeeded' ? formatCount(r.nlqs) : <span className="muted">—</span>}</td>
                  <td className="nowrap" title={formatDateTime(r.created_at)}>
                    {formatRelative(r.created_at)}
                  </td>
                  <td className="cell-num nowrap">{r.finished_at ? formatDuration(elapsedMs(r.created_at, r.finished_at)) : <span className="muted">—</span>}</td>
                  <td className="text-danger">{r.error}</td>
                </tr>
              ))}
            </Table>
          )
        }
      </QueryView>
    </Card>
  );
}
