// Project → Batches (leads): start the agent over many questions, follow each batch's progress live,
// cancel, resume or retry its failures, read its accuracy against verified gold SQL, its trajectories
// and every model call it made.
import { useQuery } from '@tanstack/react-query';
import { llmApi } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { useProject } from '../projects/ProjectPage';
import { runKeys } from '../runs/keys';
import { FailedCell, RunList, UsageCells } from '../runs/RunList';
import { whileLive } from '../runs/status';
import { NewBatch } from './NewBatch';

export function ProjectBatches() {
  const project = useProject();
  const projectId = String(project.id);
  return (
    <div className="stack">
      <NewBatch projectId={projectId} />
      <BatchList projectId={projectId} />
    </div>
  );
}

function BatchList({ projectId }: { projectId: string }) {
  const runs = useQuery({
    queryKey: runKeys.list(projectId),
    queryFn: () => llmApi.listRuns(projectId),
    refetchInterval: whileLive((q) => q.state.data?.runs ?? []),
  });
  return (
    <RunList
      title="Batches"
      noun="batches"
      label="Batch"
      query={runs}
      items={runs.data?.runs ?? []}
      runOf={(r) => r}
      to={(r) => `/projects/${projectId}/batches/${r.id}`}
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
