// Project → Batches (leads): start the agent over many questions, follow each batch's progress live,
// cancel, resume or retry its failures, read its accuracy against verified gold SQL, its trajectories
// and every model call it made.
import { llmApi } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { runKeys } from '../runs/keys';
import { FailedCell, RunList, UsageCells, useRunList } from '../runs/RunList';
import { ProjectRunsPage } from '../runs/RunsPage';
import { NewBatch } from './NewBatch';

export function ProjectBatches() {
  return <ProjectRunsPage sections={[NewBatch, BatchList]} />;
}

function BatchList({ projectId }: { projectId: string }) {
  const runs = useRunList(runKeys.list(projectId), () => llmApi.listRuns(projectId), (d) => d.runs, (r) => r);
  return (
    <RunList
      title="Batches"
      label="Batch"
      list={runs}
      projectId={projectId}
      columns={[{ label: 'Answered', num: true }, { label: 'Failed', num: true }, { label: 'Tokens', num: true }, { label: 'Cost', num: true }]}
      cells={(r) => (
        <>
          <td className="cell-num">{formatCount(r.succeeded)}</td>
          <FailedCell run={r} />
          <UsageCells run={r} />
        </>
      )}
    />
  );
}
