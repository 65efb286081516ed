// Sample agent runs, steps and batches for tests.
import type { AgentRun, AgentStep, PipelineRun } from '../shared/api';

const preview = (rows: unknown[][]) => ({
  columns: [{ name: 'count', type: 'int8' }],
  rows,
  row_count: rows.length,
  truncated: false,
});

export function step(overrides: Partial<AgentStep>): AgentStep {
  return {
    sample: 0,
    index: 0,
    kind: 'tool',
    content: '',
    tool: '',
    args: null,
    result: '',
    sql: '',
    sql_result: null,
    prompt_tokens: 0,
    completion_tokens: 0,
    latency_ms: 0,
    error: '',
    at: '2025-01-05T10:00:01Z',
    ...overrides,
  };
}

export const steps: AgentStep[] = [
  step({ index: 0, kind: 'model', content: 'First I look at the **tables**.\n\n- find singers\n- count them', prompt_tokens: 1200, completion_tokens: 60, latency_ms: 840 }),
  step({ index: 1, tool: 'explore_db', args: { action: 'describe_table', table: 'singer' }, result: 'CREATE TABLE singer (id bigint, name text)', latency_ms: 3 }),
  step({ index: 2, tool: 'scratchpad', args: { note: 'Count every row of `singer`.' } }),
  step({ index: 3, tool: 'run_sql_query', args: { sql: 'SELECT count(*) FROM singer' }, sql: 'SELECT count(*) FROM singer', sql_result: preview([[6]]), latency_ms: 4 }),
  step({ index: 4, tool: 'run_sql_query', args: { sql: 'SELECT nope FROM singer' }, sql: 'SELECT nope FROM singer', sql_result: { columns: null, rows: null, row_count: 0, truncated: false, error: 'column "nope" does not exist' } }),
  step({
    index: 5,
    tool: 'give_final_answer',
    args: { sql: 'SELECT count(*) FROM singer', explanation: 'Counts the singers.' },
    sql: 'SELECT count(*) FROM singer',
    sql_result: preview([[6]]),
  }),
];

export function agentRun(overrides: Partial<AgentRun> = {}): AgentRun {
  return {
    id: 77,
    project_id: 42,
    database_id: 9,
    nlq_id: null,
    pipeline_run_id: null,
    question: 'How many singers do we have?',
    status: 'answered',
    stop_detail: '',
    sql: 'SELECT count(*) FROM singer',
    explanation: 'Counts every singer.',
    warnings: [{ rule: 'no-limit-without-order', message: 'LIMIT without ORDER BY returns arbitrary rows' }],
    confidence: 0.67,
    samples: 3,
    prompt_version: 'agent-system-v2',
    guideline_version: null,
    model: 'gpt-test',
    prompt_tokens: 5000,
    completion_tokens: 400,
    started_by: 1,
    started_at: '2025-01-05T10:00:00Z',
    finished_at: '2025-01-05T10:00:12Z',
    retrieval: null,
    ...overrides,
  };
}

/** A run; its number is its id unless the overrides say otherwise. */
export function pipelineRun(overrides: Partial<PipelineRun> = {}): PipelineRun {
  const id = overrides.id ?? 5;
  return {
    id,
    project_id: 42,
    kind: 'agent',
    number: id,
    params: { concurrency: 16, samples: 1 },
    status: 'running',
    total: 489,
    done: 100,
    succeeded: 98,
    failed: 2,
    kept: 0,
    dropped: null,
    prompt_tokens: 100000,
    completion_tokens: 20000,
    cost_usd: 1.25,
    error: '',
    started_by: 1,
    created_at: '2025-01-05T10:00:00Z',
    started_at: '2025-01-05T10:00:00Z',
    finished_at: null,
    heartbeat_at: '2025-01-05T10:01:00Z',
    outcome: { tone: 'neutral', text: '100 of 489 done' },
    ...overrides,
  };
}
