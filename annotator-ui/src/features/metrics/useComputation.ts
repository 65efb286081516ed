// The metric computation a page shows: the newest that succeeded, the one running (polled every second),
// and recomputing.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../../shared/api';
import { useToast } from '../../components/ui';
import { formError } from '../../shared/forms';
import { metricsApi, type MetricRun } from './api';
import { computationName, newestRunning } from './computations';
import { metricsKeys } from './keys';

export const POLL_MS = 1000;

/** Ticks every second while `on`, so an elapsed time stays current. */
export function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [on]);
  return now;
}

export interface Computation {
  /** The run being followed while it runs. */
  running: MetricRun | null;
  /** The last followed run that failed, shown until the next computation starts. */
  failed: MetricRun | null;
  /** Something to say about the last request (a computation was already running). */
  notice: string | null;
  start: (lexical: boolean) => void;
  starting: boolean;
  startError: string | null;
}

/**
 * Starts computations and follows the one running (ours, or one found running) by polling it every
 * second until it ends: success puts its figures on screen, failure keeps the last good ones.
 */
export function useComputation(projectId: string): Computation & { runs: ReturnType<typeof useRuns> } {
  const qc = useQueryClient();
  const toast = useToast();
  const runs = useRuns(projectId);
  const [followed, setFollowed] = useState<number | null>(null);
  const [failed, setFailed] = useState<MetricRun | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const activeId = followed ?? (runs.data ? newestRunning(runs.data)?.id : null) ?? null;
  const active = useQuery({
    queryKey: metricsKeys.run(projectId, activeId),
    queryFn: () => metricsApi.run(projectId, activeId as number),
    enabled: activeId !== null,
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'running' ? false : POLL_MS),
  });
  const current = active.data && active.data.id === activeId ? active.data : null;
  const ended = current && current.status !== 'running' ? current : null;

  // Once per run that ends: a refetch of the same ended run must not toast again.
  const handled = useRef<string | null>(null);
  useEffect(() => {
    if (!ended || handled.current === `${ended.id}/${ended.status}`) return;
    handled.current = `${ended.id}/${ended.status}`;
    setFollowed(null);
    if (ended.status === 'succeeded') {
      // The finished run carries its results: it is the newest good computation.
      qc.setQueryData(metricsKeys.latest(projectId), ended);
      toast(`Metrics computed (${computationName(ended)})`);
    } else {
      setFailed(ended);
    }
    void qc.invalidateQueries({ queryKey: metricsKeys.runs(projectId) });
  }, [ended, projectId, qc, toast]);

  const compute = useMutation({
    mutationFn: (lexical: boolean) => metricsApi.compute(projectId, lexical ? { embedding: 'lexical' } : {}),
    onMutate: () => {
      setFailed(null);
      setNotice(null);
    },
    onSuccess: (run) => {
      qc.setQueryData(metricsKeys.run(projectId, run.id), run);
      setFollowed(run.id);
      void qc.invalidateQueries({ queryKey: metricsKeys.runs(projectId) });
    },
    onError: async (err) => {
      if (!(err instanceof ApiError && err.status === 409)) return;
      const list = await qc.fetchQuery({ queryKey: metricsKeys.runs(projectId), queryFn: () => metricsApi.runs(projectId), staleTime: 0 });
      const other = newestRunning(list);
      if (other) {
        setFollowed(other.id);
        setNotice(`A computation is already running (${computationName(other)}); following it instead of starting another.`);
      } else {
        setNotice('A computation was already running and has just ended.');
        void qc.invalidateQueries({ queryKey: metricsKeys.latest(projectId) });
      }
    },
  });
  const conflict = compute.error instanceof ApiError && compute.error.status === 409;
  // Until its first poll answers, the run is known from the list that named it.
  const listed = runs.data?.find((r) => r.id === activeId) ?? null;
  return {
    runs,
    running: activeId === null ? null : current ? (current.status === 'running' ? current : null) : listed,
    failed,
    notice,
    start: (lexical) => compute.mutate(lexical),
    starting: compute.isPending,
    startError: compute.error && !conflict ? formError(compute.error, {}) : null,
  };
}

export function useRuns(projectId: string) {
  return useQuery({ queryKey: metricsKeys.runs(projectId), queryFn: () => metricsApi.runs(projectId) });
}
