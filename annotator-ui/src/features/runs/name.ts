// What people call a run: "<Kind> #<number>", the number counting 1, 2, … per project and kind. The
// id stays in URLs only (runPath). A server from before run numbers sends none: its id stands in.
import type { PipelineRun } from '../../shared/api';

type Numbered = Pick<PipelineRun, 'id'> & Partial<Pick<PipelineRun, 'number'>>;

export const runNumber = (r: Numbered) => r.number ?? r.id;

/** "Evaluation #1". */
export const runName = (noun: string, r: Numbered) => `${noun} #${runNumber(r)}`;

/** The kinds of run with a page of their own; any other kind is a pipeline's. */
export const RUN_PAGES: Record<string, string> = { agent: 'batches', evaluate: 'evaluations', optimize: 'optimizations' };

/** The page of a run, by its kind. */
export const runPath = (projectId: string, r: Pick<PipelineRun, 'id' | 'kind'>) => `/projects/${projectId}/${RUN_PAGES[r.kind] ?? 'pipelines'}/${r.id}`;
