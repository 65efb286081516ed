// What people call a run: "<Kind> #<number>", the number counting 1, 2, … per project and kind. The
// id stays in URLs only. A server from before run numbers sends none: its id stands in.
import type { PipelineRun } from '../../shared/api';

export const runNumber = (r: Pick<PipelineRun, 'id' | 'number'>) => r.number ?? r.id;

/** "Evaluation #1". */
export const runName = (noun: string, r: Pick<PipelineRun, 'id' | 'number'>) => `${noun} #${runNumber(r)}`;
