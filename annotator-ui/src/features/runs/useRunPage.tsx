// The controller of one run's page: the run, its live stream or polling, its log, cancel/resume/retry.
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { llmApi, streams, type PipelineRun, type RetrievalReport, type RunAccuracy, type RunLogLine } from '../../shared/api';
import { ErrorState, Loading, useToast } from '../../components/ui';
import { formError } from '../../shared/forms';
import { useEventStream } from '../../shared/sse';
import { runKeys } from './keys';
import { runName } from './name';
import { isLive } from './status';
import { useProject } from '../projects/ProjectPage';

export type RunData = { run: PipelineRun; accuracy?: RunAccuracy | null; retrieval?: RetrievalReport | null };

/** Ticks every second while `on`, so elapsed time and rates stay current. */
export function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [on]);
  return now;
}

/** The run kind's own report of the run (an evaluation's scores, an optimization's candidates), fetched again every 2 s while the run is live. */
export function useRunReport<D>(live: boolean, queryKey: QueryKey, queryFn: () => Promise<D>) {
  return useQuery({ queryKey, queryFn, refetchInterval: live ? 2000 : false });
}

/** The project of a run page and the run its route names (`…/:runId`). */
export function useRunRoute() {
  const project = useProject();
  const { runId = '' } = useParams();
  return { project, projectId: String(project.id), runId };
}

export interface RunPageOptions {
  /** Names the run in toasts ("Batch #3 cancelled", "Paraphrase run #3 resumed") and while it loads ("Loading the batch…"; a kind that depends on the run: "Loading the run…"). */
  noun: string | ((run: PipelineRun) => string);
  /** The list page under the project, linked from the crumb. */
  listPath: string;
  /** The crumb's text; "← All <listPath>" unless the page is called otherwise. */
  listLabel?: string;
  /** Extra queries to refresh when the stream says the run is over (the run and the list always are). */
  refresh?: QueryKey[];
}

/**
 * The controller shared by a batch's page and a pipeline run's page: the run query, its live stream
 * (falling back to polling when the stream is unavailable, and reopened after a resume), the log it
 * streams, the cancel/resume/retry mutations, and the crumb plus the loading and error states to
 * render (`guard`) until the run has loaded.
 */
export function useRunPage<T extends RunData>(projectId: string, runId: string, opts: RunPageOptions) {
  const qc = useQueryClient();
  const toast = useToast();
  const [fallback, setFallback] = useState(false);
  const [log, setLog] = useState<RunLogLine[]>([]);
  const [session, setSession] = useState(0);

  const run = useQuery({
    queryKey: runKeys.detail(projectId, runId),
    queryFn: () => llmApi.getRun(projectId, runId) as Promise<T>,
    refetchInterval: (q) => (fallback && q.state.data && isLive(q.state.data.run) ? 2000 : false),
  });
  const live = run.data ? isLive(run.data.run) : false;
  const now = useNow(live);

  // Opened once even for a finished run (it replays the log, then says done); a resumed run opens it again.
  const streamUrl = run.data && !fallback ? streams.pipelineRun(projectId, runId) : null;
  const streamState = useEventStream(
    streamUrl,
    {
      progress: (d) => qc.setQueryData<T>(runKeys.detail(projectId, runId), (old) => (old ? { ...old, run: d as PipelineRun } : old)),
      log: (d) =>
        setLog((lines) => {
          const line = d as RunLogLine;
          return lines.some((l) => l.id === line.id) ? lines : [...lines, line];
        }),
      done: () => {
        void qc.invalidateQueries({ queryKey: runKeys.detail(projectId, runId) });
        void qc.invalidateQueries({ queryKey: runKeys.list(projectId) });
        for (const queryKey of opts.refresh ?? []) void qc.invalidateQueries({ queryKey });
      },
    },
    undefined,
    session,
  );
  useEffect(() => {
    if (streamState === 'fallback') setFallback(true);
  }, [streamState]);

  const after = (verb: string) => ({
    onSuccess: ({ run: next }: { run: PipelineRun }) => {
      qc.setQueryData<RunData>(runKeys.detail(projectId, runId), (old) => ({ ...old, run: next }));
      void qc.invalidateQueries({ queryKey: runKeys.list(projectId) });
      toast(`${runName(typeof opts.noun === 'string' ? opts.noun : opts.noun(next), next)} ${verb}`);
      setFallback(false);
      setSession((n) => n + 1);
    },
    onError: (err: unknown) => {
      toast(formError(err, {}) ?? 'That did not work.', 'error');
      void qc.invalidateQueries({ queryKey: runKeys.detail(projectId, runId) });
    },
  });
  const cancel = useMutation({ mutationFn: () => llmApi.cancelRun(projectId, runId), ...after('cancelled') });
  const resume = useMutation({ mutationFn: () => llmApi.resumeRun(projectId, runId), ...after('resumed') });
  const retry = useMutation({ mutationFn: () => llmApi.resumeRun(projectId, runId, true), ...after('is retrying its failures') });

  const crumb = (
    <div>
      <Link to={`/projects/${projectId}/${opts.listPath}`}>{opts.listLabel ?? `← All ${opts.listPath}`}</Link>
    </div>
  );
  const guard = run.isPending ? (
    <Loading label={`Loading the ${typeof opts.noun === 'string' ? opts.noun.toLowerCase() : 'run'}…`} />
  ) : run.isError ? (
    <div className="stack">
      {crumb}
      <ErrorState error={run.error} onRetry={() => run.refetch()} />
    </div>
  ) : null;

  return { run, live, now, fallback, log, cancel, resume, retry, crumb, guard };
}

