// A run's status as a badge and its progress as a bar, and whether it is still live: shared by every list
// and page of runs (batches, generating pipelines, evaluations, optimizations).
import type { PipelineRun } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Badge } from '../../components/ui';

export const RUN_STATUS: Record<string, { label: string; tone: string }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Running', tone: 'info' },
  succeeded: { label: 'Succeeded', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'warning' },
};

export function isLive(run: Pick<PipelineRun, 'status'>): boolean {
  return run.status === 'queued' || run.status === 'running';
}

export function RunStatusBadge({ status }: { status: string }) {
  const s = RUN_STATUS[status];
  return (
    <Badge tone={s?.tone ?? 'neutral'}>
      {status === 'running' && <span className="spinner spinner-tiny badge-spinner" aria-hidden="true" />}
      {s?.label ?? status}
    </Badge>
  );
}

export function RunProgress({ run, large = false }: { run: PipelineRun; large?: boolean }) {
  const pct = run.total > 0 ? Math.round((run.done / run.total) * 100) : run.status === 'succeeded' ? 100 : 0;
  return (
    <div className={`run-progress${large ? ' run-progress-large' : ''}`}>
      <div
        className={`progress${run.status === 'failed' ? ' progress-failed' : ''}`}
        role="progressbar"
        aria-label={`Progress of ${run.kind === 'agent' ? 'batch' : 'run'} ${run.number ?? run.id}`}
        aria-valuemin={0}
        aria-valuemax={run.total}
        aria-valuenow={run.done}
        aria-valuetext={`${run.done} of ${run.total} (${pct}%)`}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="run-progress-figures" data-testid="progress-figures">
        {formatCount(run.done)} / {formatCount(run.total)} <span className="muted">({pct}%)</span>
      </span>
    </div>
  );
}


/** A list's refetch interval: every 2 s while one of its runs is live. */
export function whileLive<T>(runs: (q: { state: { data?: T } }) => Pick<PipelineRun, 'status'>[]) {
  return (q: { state: { data?: T } }) => (runs(q).some(isLive) ? 2000 : false);
}
