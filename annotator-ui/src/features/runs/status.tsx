// A run's status as a badge and its progress as a bar, and whether it is still live: shared by every list
// and page of runs (batches, generating pipelines, evaluations, optimizations).
import type { PipelineRun, RunOutcome } from '../../shared/api';
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

/** The badge tone of an outcome's tone (the server's words: good, warn, bad, neutral). */
const OUTCOME_TONE: Record<string, string> = { good: 'success', warn: 'warning', bad: 'danger', neutral: 'neutral' };

/**
 * A run's status; once it has ended, coloured by what it did rather than by whether it crashed (a run
 * that kept nothing "succeeded" in red), with the outcome in words beside it when `withText`.
 */
export function RunStatusBadge({ status, outcome, withText = false }: { status: string; outcome?: RunOutcome; withText?: boolean }) {
  const s = RUN_STATUS[status];
  const ended = status !== 'queued' && status !== 'running';
  const tone = ended && outcome ? (OUTCOME_TONE[outcome.tone] ?? s?.tone) : s?.tone;
  return (
    <>
      <Badge tone={tone ?? 'neutral'}>
        {status === 'running' && <span className="spinner spinner-tiny badge-spinner" aria-hidden="true" />}
        <span title={ended && outcome ? outcome.text : undefined}>{s?.label ?? status}</span>
      </Badge>
      {withText && ended && outcome?.text && (
        <span className="run-outcome-text" data-testid="run-outcome-text">
          {outcome.text}
        </span>
      )}
    </>
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
