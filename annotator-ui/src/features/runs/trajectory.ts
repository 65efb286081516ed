// The state of a trajectory being watched: the run (from GET or the stream's `run` events) and its
// steps (from GET or `step` events, each once, in order). A pure reducer, so the order of events and
// duplicates (a reconnect replays the steps) are easy to test.
import type { AgentRun, AgentRunStatus, AgentStep } from '../../shared/api';

export interface TrajectoryState {
  run: AgentRun | null;
  steps: AgentStep[];
  /** The stream said `done` (or the run was already finished). */
  done: boolean;
}

export type TrajectoryEvent =
  | { type: 'load'; run: AgentRun }
  | { type: 'step'; step: AgentStep }
  | { type: 'run'; run: AgentRun }
  | { type: 'done'; status?: AgentRunStatus };

export const initialTrajectory: TrajectoryState = { run: null, steps: [], done: false };

const stepKey = (s: Pick<AgentStep, 'sample' | 'index'>) => `${s.sample}:${s.index}`;

function order(a: AgentStep, b: AgentStep) {
  return a.sample - b.sample || a.index - b.index;
}

/** Add steps not seen yet (by sample and index), keeping them in order. */
function mergeSteps(current: AgentStep[], incoming: AgentStep[]): AgentStep[] {
  if (incoming.length === 0) return current;
  const seen = new Set(current.map(stepKey));
  const fresh = incoming.filter((s) => {
    const k = stepKey(s);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (fresh.length === 0) return current;
  const next = [...current, ...fresh];
  const last = current[current.length - 1];
  // They arrive in order; sort only when one did not.
  if (fresh.length > 1 || (last && order(fresh[0], last) < 0)) next.sort(order);
  return next;
}

export function isFinished(run: Pick<AgentRun, 'status' | 'finished_at'> | null): boolean {
  if (!run) return false;
  return run.finished_at != null || run.status !== 'running';
}

export function trajectoryReducer(state: TrajectoryState, event: TrajectoryEvent): TrajectoryState {
  switch (event.type) {
    case 'load': {
      const { steps = [], ...run } = event.run;
      const merged = mergeSteps(state.steps, steps ?? []);
      return { run: { ...run }, steps: merged, done: state.done || isFinished(event.run) };
    }
    case 'step':
      return { ...state, steps: mergeSteps(state.steps, [event.step]) };
    case 'run': {
      const { steps: _ignored, ...run } = event.run;
      return { ...state, run: { ...state.run, ...run }, done: state.done || isFinished(event.run) };
    }
    case 'done':
      return {
        ...state,
        done: true,
        run: state.run && event.status && state.run.status === 'running' ? { ...state.run, status: event.status } : state.run,
      };
  }
}
