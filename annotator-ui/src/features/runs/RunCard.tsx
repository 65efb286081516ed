// The pieces of a run's page: its summary card (title, status, actions, progress, figures, error), its
// Cancel/Resume/Retry buttons and its live log.
import { useState, type ComponentProps, type ReactNode } from 'react';
import type { PipelineRun, RunLogLine } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Alert, Button, Card, Stats } from '../../components/ui';
import { elapsedMs, formatCost, formatDuration, formatTokens } from '../../shared/format';
import { runNumber } from './name';
import { RunProgress, RunStatusBadge } from './status';

type StatItem = ComponentProps<typeof Stats>['items'][number];

/** What a run page's card needs of useRunPage. */
interface RunPageState {
  live: boolean;
  fallback: boolean;
  cancel: RunMutation;
  resume: RunMutation;
  retry: RunMutation;
}

/** Tokens, cost (so far) and elapsed time: the figures every run's card ends with. */
export function usageStats(r: PipelineRun, live: boolean, now: number, costNote?: ReactNode): StatItem[] {
  const elapsed = elapsedMs(r.started_at, r.finished_at, now);
  return [
    { label: 'Tokens', value: formatTokens(r.prompt_tokens + r.completion_tokens), title: `${r.prompt_tokens} prompt + ${r.completion_tokens} completion` },
    { label: live ? 'Cost so far' : 'Cost', value: formatCost(r.cost_usd), note: costNote },
    { label: 'Elapsed', value: r.started_at ? formatDuration(elapsed) : 'not started' },
  ];
}

/**
 * A run's summary card: "<title> #number" with its status badge, the actions, the large progress bar, the
 * figures, then `details`, the run's error ("The <noun> stopped with an error"), the polling notice and
 * `children`.
 */
export function RunCard({
  title,
  noun,
  run,
  page,
  description,
  stats,
  details,
  children,
}: {
  title: ReactNode;
  noun: string;
  run: PipelineRun;
  page: RunPageState;
  description?: ReactNode;
  stats: StatItem[];
  details?: ReactNode;
  children?: ReactNode;
}) {
  const { live, fallback, cancel, resume, retry } = page;
  return (
    <Card
      title={
        <span className="batch-title">
          {title} #{runNumber(run)} <RunStatusBadge status={run.status} outcome={run.outcome} withText />
        </span>
      }
      description={description}
      actions={<RunActions run={run} live={live} cancel={cancel} resume={resume} retry={retry} />}
    >
      <RunProgress run={run} large />
      <Stats testId="run-stats" items={stats} />
      {details}
      {run.error && <Alert title={`The ${noun} stopped with an error`}>{run.error}</Alert>}
      {fallback && live && <p className="muted small-inline">The live stream is unavailable; refreshing every 2 seconds.</p>}
      {children}
    </Card>
  );
}

/** A run's Cancel (while live), Resume and Retry failed (once it stopped) buttons. */
export function RunActions({ run, live, cancel, resume, retry }: {
  run: PipelineRun;
  live: boolean;
  cancel: RunMutation;
  resume: RunMutation;
  retry: RunMutation;
}) {
  return (
    <div className="panel-actions">
      {live && (
        <Button variant="danger" size="sm" onClick={() => cancel.mutate()} busy={cancel.isPending}>
          Cancel
        </Button>
      )}
      {!live && (
        <Button size="sm" onClick={() => resume.mutate()} busy={resume.isPending} disabled={run.done >= run.total && run.failed === 0}>
          Resume
        </Button>
      )}
      {!live && run.failed > 0 && (
        <Button size="sm" onClick={() => retry.mutate()} busy={retry.isPending}>
          Retry failed
        </Button>
      )}
    </div>
  );
}

/** What RunActions needs of a cancel, resume or retry mutation. */
type RunMutation = { mutate: () => void; isPending: boolean };

/** Log lines shown at first, and added by each "Show earlier lines": a run logs a line per failed item. */
export const RUN_LOG_WINDOW = 200;

export function RunLog({ lines, live }: { lines: RunLogLine[]; live: boolean }) {
  // The newest lines; earlier ones a window at a time, so a log of thousands of lines renders 200.
  const [shown, setShown] = useState(RUN_LOG_WINDOW);
  if (lines.length === 0 && !live) return null;
  const hidden = Math.max(0, lines.length - shown);
  return (
    <Card title="Log">
      {hidden > 0 && (
        <div className="load-more">
          <Button size="sm" onClick={() => setShown((n) => n + RUN_LOG_WINDOW)}>
            Show {formatCount(Math.min(hidden, RUN_LOG_WINDOW))} earlier lines ({formatCount(hidden)} not shown)
          </Button>
        </div>
      )}
      {lines.length === 0 ? (
        <p className="muted">No log lines yet.</p>
      ) : (
        <ol className="run-log" aria-label="Log" data-testid="run-log">
          {lines.slice(hidden).map((l) => (
            <li key={l.id} className={`run-log-${l.level}`}>
              <time dateTime={l.at}>{new Date(l.at).toLocaleTimeString()}</time>
              <span className="run-log-level">{l.level}</span>
              <span>{l.message}</span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
