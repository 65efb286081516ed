// An agent trajectory as people read it: a status header, the final answer (SQL, explanation, rule
// warnings, confidence, result) and the timeline of steps — the model's thoughts and each tool call
// with its arguments, SQL and result preview, tokens and latency. `LiveTrajectory` follows a running
// trajectory over Server-Sent Events (polling GET when the stream fails).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useReducer, useState } from 'react';
import { llmApi, streams, type AgentRun, type AgentRunStatus, type AgentStep } from '../../shared/api';
import { useEventStream } from '../../shared/sse';
import { initialTrajectory, isFinished, trajectoryReducer } from './trajectory';
import { Alert, ErrorState, Loading } from '../../components/ui';
import { agentRunKeys } from './keys';
import { Timeline } from './Steps';
import { TrajectoryHeader, FinalAnswer } from './FinalAnswer';
import { PromptTables } from './PromptTables';

/** A whole trajectory (header, answer, timeline) from a run and its steps. */
export function TrajectoryView({
  run,
  steps,
  projectId,
  canSave,
  live = false,
}: {
  run: AgentRun;
  steps: AgentStep[];
  projectId: string;
  canSave: boolean;
  live?: boolean;
}) {
  const running = !isFinished(run);
  return (
    <div className="trajectory" data-testid="trajectory">
      <TrajectoryHeader run={run} live={live} />
      <p className="trajectory-question">
        <span className="detail-label">Question</span>
        {run.question}
      </p>
      <PromptTables retrieval={run.retrieval} />
      {run.status === 'answered' && run.sql && <FinalAnswer run={run} steps={steps} projectId={projectId} canSave={canSave} />}
      <Timeline steps={steps} samples={run.samples} running={running} />
    </div>
  );
}

/**
 * Follow one trajectory: GET it, then (while it runs) stream its steps; if the stream fails, poll GET.
 * A run just started (POST /agent/ask) is put in the query cache first, so it shows at once.
 */
export function LiveTrajectory({ projectId, runId, canSave }: { projectId: string; runId: number | string; canSave: boolean }) {
  const qc = useQueryClient();
  const [state, dispatch] = useReducer(trajectoryReducer, initialTrajectory);
  const [streamError, setStreamError] = useState<string | null>(null);
  const [fallback, setFallback] = useState(false);
  const finished = state.done || isFinished(state.run);

  const fetched = useQuery({
    queryKey: agentRunKeys.detail(projectId, runId),
    queryFn: () => llmApi.getAgentRun(projectId, runId),
    refetchInterval: fallback && !finished ? 1500 : false,
  });
  useEffect(() => {
    if (fetched.data) dispatch({ type: 'load', run: fetched.data.run });
  }, [fetched.data]);

  const streamUrl = state.run !== null && !finished && !fallback ? streams.agentRun(projectId, runId) : null;
  const streamState = useEventStream(
    streamUrl,
    {
      step: (d) => dispatch({ type: 'step', step: d as AgentStep }),
      run: (d) => dispatch({ type: 'run', run: d as AgentRun }),
      done: (d) => {
        dispatch({ type: 'done', status: (d as { status?: AgentRunStatus } | null)?.status });
        void qc.invalidateQueries({ queryKey: agentRunKeys.all(projectId) });
        void qc.invalidateQueries({ queryKey: agentRunKeys.detail(projectId, runId) });
      },
    },
    setStreamError,
  );
  useEffect(() => {
    if (streamState === 'fallback') setFallback(true);
  }, [streamState]);

  if (!state.run) {
    if (fetched.isError) return <ErrorState error={fetched.error} onRetry={() => fetched.refetch()} />;
    return <Loading label="Loading the trajectory…" />;
  }
  return (
    <>
      {streamError && !finished && (
        <Alert tone="warning">The live stream stopped ({streamError}); following the run by polling.</Alert>
      )}
      <TrajectoryView
        run={state.run}
        steps={state.steps}
        projectId={projectId}
        canSave={canSave}
        live={streamState === 'open' || streamState === 'connecting'}
      />
    </>
  );
}
