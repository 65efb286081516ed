// One agent batch: its run card with the accuracy against verified gold, its log, its trajectories (a page
// at a time) and every model call it made.
import { useQuery } from '@tanstack/react-query';
import { api, type RunAccuracy, type RunParams } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { elapsedMs, formatCost } from '../../shared/format';
import { STATUS_LABELS } from '../../shared/nlqs';
import { agentRunKeys, runKeys } from '../runs/keys';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { type RunData, useRunPage, useRunRoute } from '../runs/useRunPage';
import { BatchItems } from './BatchItems';
import { ModelCalls } from './ModelCalls';
import { SchemaRecall } from './SchemaRecall';
import { databaseKeys } from '../databases/keys';

function describeParams(p: RunParams | null, dbName: (id: number) => string): string {
  if (!p) return '';
  const parts = [p.database_id ? dbName(p.database_id) : 'all databases'];
  if (p.stage) parts.push(`stage ${p.stage}`);
  if (p.status) parts.push(STATUS_LABELS[p.status]?.toLowerCase() ?? p.status);
  if (p.limit) parts.push(`at most ${p.limit}`);
  parts.push(`${p.concurrency || 16} at once`);
  if ((p.samples ?? 1) > 1) parts.push(`${p.samples} samples`);
  return parts.join(' · ');
}

export function BatchRunPage() {
  const { projectId, runId } = useRunRoute();
  const page = useRunPage<RunData>(projectId, runId, {
    noun: 'Batch',
    listPath: 'batches',
    // Refresh the accuracy, the list, the trajectories and the calls with the final figures.
    refresh: [agentRunKeys.list(projectId, runId), runKeys.allLlmCalls(projectId, runId)],
  });
  const { run, live, now, fallback, log, crumb, guard } = page;
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, true), queryFn: () => api.listDatabases(projectId, true) });

  if (!run.isSuccess) return guard;
  const r = run.data.run;
  const dbName = (id: number) => databases.data?.databases.find((d) => d.id === id)?.name ?? `database #${id}`;
  const elapsed = elapsedMs(r.started_at, r.finished_at, now);
  const rate = elapsed && elapsed > 0 && r.done > 0 ? r.done / (elapsed / 1000) : null;
  const projected = live && r.done > 0 && r.total > r.done ? (r.cost_usd / r.done) * r.total : null;

  return (
    <div className="stack">
      {crumb}
      <RunCard
        title="Agent batch"
        noun="batch"
        run={r}
        page={page}
        description={describeParams(r.params, dbName)}
        stats={[
          { label: 'Answered', value: formatCount(r.succeeded) },
          { label: 'Failed', value: formatCount(r.failed), danger: r.failed > 0 },
          ...usageStats(r, live, now, projected !== null ? `≈ ${formatCost(projected)} in all` : undefined),
          { label: 'Speed', value: rate !== null ? `${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)} items/s` : '—' },
        ]}
      >
        <AccuracyBlock accuracy={run.data.accuracy ?? null} live={live} />
        <SchemaRecall report={run.data.retrieval} live={live} />
      </RunCard>
      <RunLog lines={log} live={live && !fallback} />
      <BatchItems projectId={projectId} runId={runId} live={live} />
      <ModelCalls projectId={projectId} runId={runId} live={live} />
    </div>
  );
}

export function AccuracyBlock({ accuracy, live }: { accuracy: RunAccuracy | null; live: boolean }) {
  if (!accuracy) return null;
  const pct = accuracy.evaluated > 0 ? `${(accuracy.accuracy * 100).toFixed(accuracy.accuracy === 1 ? 0 : 1)}%` : null;
  return (
    <div className={`accuracy${accuracy.evaluated > 0 && accuracy.accuracy >= 0.9 ? ' accuracy-good' : ''}`} data-testid="accuracy">
      {accuracy.evaluated > 0 ? (
        <>
          <span className="accuracy-figure">{pct}</span>
          <span>
            Execution accuracy against verified gold: <strong>{formatCount(accuracy.matched)} / {formatCount(accuracy.evaluated)} ({pct})</strong>
            <span className="muted">
              {' '}
              · {formatCount(accuracy.answered)} of {plural(accuracy.items, 'question')} answered
              {live ? ' so far' : ''}
            </span>
          </span>
        </>
      ) : (
        <span className="muted">
          No accuracy yet: none of the {formatCount(accuracy.answered)} answered questions has verified gold SQL
          {live ? ' so far' : ''}.
        </span>
      )}
    </div>
  );
}
