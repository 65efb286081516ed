// What people call a run: "<Kind> #<number>", the number counting 1, 2, … per project and kind. The
// id stays in URLs only. A server from before run numbers sends none: its id stands in.
import type { PipelineRun } from '../../shared/api';

type Numbered = Pick<PipelineRun, 'id'> & Partial<Pick<PipelineRun, 'number'>>;

export const runNumber = (r: Numbered) => r.number ?? r.id;

/** "Evaluation #1". */
export const runName = (noun: string, r: Numbered) => `${noun} #${runNumber(r)}`;
