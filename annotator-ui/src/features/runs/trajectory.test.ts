import { describe, expect, it } from 'vitest';
import { agentRun, step } from '../../test/agentFixtures';
import { initialTrajectory, trajectoryReducer, type TrajectoryEvent, type TrajectoryState } from './trajectory';

const apply = (events: TrajectoryEvent[], from: TrajectoryState = initialTrajectory) => events.reduce(trajectoryReducer, from);

describe('trajectory stream reducer', () => {
  it('applies step, run and done events in order', () => {
    const running = agentRun({ status: 'running', finished_at: null, sql: '', steps: [] });
    const s = apply([
      { type: 'load', run: running },
      { type: 'step', step: step({ index: 0, kind: 'model', content: 'thinking' }) },
      { type: 'step', step: step({ index: 1, tool: 'explore_db' }) },
      { type: 'run', run: { ...running, status: 'answered', sql: 'SELECT 1', finished_at: '2025-01-05T10:00:09Z' } },
      { type: 'done', status: 'answered' },
    ]);
    expect(s.steps.map((x) => x.index)).toEqual([0, 1]);
    expect(s.run?.status).toBe('answered');
    expect(s.run?.sql).toBe('SELECT 1');
    expect(s.done).toBe(true);
  });

  it('ignores a step it has already seen (a replay after reconnecting)', () => {
    const s = apply([
      { type: 'step', step: step({ index: 0, content: 'first' }) },
      { type: 'step', step: step({ index: 1 }) },
      { type: 'step', step: step({ index: 0, content: 'again' }) },
    ]);
    expect(s.steps).toHaveLength(2);
    expect(s.steps[0].content).toBe('first');
  });

  it('keeps samples apart and steps in order, whatever order they arrive in', () => {
    const s = apply([
      { type: 'step', step: step({ sample: 1, index: 0 }) },
      { type: 'step', step: step({ sample: 0, index: 1 }) },
      { type: 'step', step: step({ sample: 0, index: 0 }) },
    ]);
    expect(s.steps.map((x) => `${x.sample}:${x.index}`)).toEqual(['0:0', '0:1', '1:0']);
  });

  it('merges a GET after streamed steps without duplicates, and keeps steps out of the run', () => {
    const s = apply([
      { type: 'step', step: step({ index: 0 }) },
      { type: 'load', run: agentRun({ steps: [step({ index: 0 }), step({ index: 1 })] }) },
    ]);
    expect(s.steps).toHaveLength(2);
    expect(s.run && 'steps' in s.run).toBe(false);
    expect(s.done).toBe(true);
  });

  it('takes the status from done when no run event said it', () => {
    const s = apply([{ type: 'load', run: agentRun({ status: 'running', finished_at: null }) }, { type: 'done', status: 'error' }]);
    expect(s.run?.status).toBe('error');
    expect(s.done).toBe(true);
  });
});
