// The cells every list of runs starts with: the run's link, its status and its progress (it ends with
// WhenCell, from the UI kit).
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { PipelineRun } from '../../shared/api';
import { runNumber } from './name';
import { RunProgress, RunStatusBadge } from './status';

/** The run's link ("Batch #3"), then `between` (a kind, a method), then its status and progress. */
export function RunCells({ run, to, label, between }: { run: PipelineRun; to: string; label: string; between?: ReactNode }) {
  return (
    <>
      <td className="nowrap">
        <Link className="strong-link" to={to}>
          {label} #{runNumber(run)}
        </Link>
      </td>
      {between}
      <td>
        <RunStatusBadge status={run.status} outcome={run.outcome} withText />
      </td>
      <td className="progress-cell">
        <RunProgress run={run} />
      </td>
    </>
  );
}

/** The headers of RunCells: the run's noun, then `between`, then Status and Progress. */
export function RunHeadCells({ label, between }: { label: string; between?: ReactNode }) {
  return (
    <>
      <th scope="col">{label}</th>
      {between}
      <th scope="col">Status</th>
      <th scope="col">Progress</th>
    </>
  );
}
