// What the Metrics tab says about a computation: whether one is still running, its embedding, its
// inputs' hash, who started it and its name.
import { LEXICAL_MODEL, type MetricRun } from './api';

/**
 * How long a computation may say "running" before it is taken for the work of a stopped server (the
 * server marks such runs failed when the next one starts; pipelines.abandonedAfter).
 */
export const ABANDONED_AFTER_MS = 30 * 60_000;

/**
 * The newest computation still running in a newest-first list, if any; one running for longer than
 * ABANDONED_AFTER_MS is not waited for, so it cannot block a new computation.
 */
export function newestRunning(runs: MetricRun[], now = Date.now()): MetricRun | null {
  return runs.find((r) => r.status === 'running' && now - new Date(r.created_at).getTime() < ABANDONED_AFTER_MS) ?? null;
}

/** What the embedding name means, in words nobody can mistake. */
export function describeEmbedding(name: string): { lexical: boolean; text: string } {
  if (!name) return { lexical: false, text: 'not recorded' };
  if (name === LEXICAL_MODEL) {
    return { lexical: true, text: 'lexical fallback (hashed character n-grams), not a semantic embedding model' };
  }
  return { lexical: false, text: `embeddings model ${name}` };
}

/** The first 12 hex digits of an inputs hash: enough to tell two computations apart at a glance. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** Who or what started a computation: "you", a member's email, "user #7", a pipeline run, the CLI. */
export function startedBy(run: Pick<MetricRun, 'trigger' | 'started_by' | 'pipeline_run_id'>, meId: number, emails: Map<number, string>): string {
  const person = run.started_by === null ? null : run.started_by === meId ? 'you' : (emails.get(run.started_by) ?? `user #${run.started_by}`);
  switch (run.trigger) {
    case 'pipeline':
      return run.pipeline_run_id !== null ? `after pipeline run #${run.pipeline_run_id}` : 'after a pipeline run';
    case 'cli':
      return person ? `${person}, from the command line` : 'from the command line';
    default:
      return person ?? 'the system';
  }
}

export const TRIGGER_LABELS: Record<string, string> = { manual: 'On demand', pipeline: 'After a pipeline', cli: 'Command line' };

/** What people call a computation: "Computation #3". */
export const computationName = (r: Pick<MetricRun, 'id' | 'number'>) => `Computation #${r.number ?? r.id}`;
