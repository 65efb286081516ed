// Project → Pipelines (leads): start a generating pipeline (complexity, semantic variety, paraphrase,
// schema-chunk QA, table metadata) with its parameters after previewing the prompt of its first item,
// list every run of every kind, and follow one live: progress, what was kept and what was dropped by
// reason, tokens and cost, its log; cancel, resume or retry it; and, once it ends, the new stage's
// questions and the agent batch it queued over them.
import { useQuery } from '@tanstack/react-query';
import { llmApi } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { formatDateTime, formatRelative } from '../../shared/format';
import { useProject } from '../projects/ProjectPage';
import { runKeys } from '../runs/keys';
import { whileLive } from '../runs/status';
import { FailedCell, RunList, UsageCells } from '../runs/RunList';
import { kindLabel, DROP_LABELS, droppedCount, runPath } from './generation';
import { NewRun } from './NewRun';

export function ProjectPipelines() {
  const project = useProject();
  const projectId = String(project.id);
  return (
    <div className="stack">
      <NewRun projectId={projectId} />
      <PipelineRunList projectId={projectId} />
    </div>
  );
}

function PipelineRunList({ projectId }: { projectId: string }) {
  const runs = useQuery({
    queryKey: runKeys.listAllKinds(projectId),
    queryFn: () => llmApi.listRuns(projectId, ''),
    refetchInterval: whileLive((q) => q.state.data?.runs ?? []),
  });
  return (
    <RunList
      title="Runs"
      description="Every pipeline run and agent batch, newest first."
      noun="runs"
      label="Run"
      query={runs}
      items={runs.data?.runs ?? []}
      runOf={(r) => r}
      to={(r) => runPath(projectId, r)}
      rowLabel={(r) => `${kindLabel(r.kind)} run`}
      between={{ column: 'Kind', cell: (r) => <td className="nowrap">{kindLabel(r.kind)}</td> }}
      columns={[{ label: 'Kept', num: true }, { label: 'Dropped', num: true }, { label: 'Failed', num: true }, { label: 'Tokens', num: true }, { label: 'Cost', num: true }]}
      cells={(r) => (
        <>
          <td className="cell-num">{r.kind === 'agent' ? <span className="muted">—</span> : formatCount(r.kept ?? 0)}</td>
          <td
            className="cell-num"
            title={Object.entries(r.dropped ?? {})
              .map(([k, n]) => `${DROP_LABELS[k] ?? k}: ${n}`)
              .join(', ') || undefined}
          >
            {r.kind === 'agent' ? <span className="muted">—</span> : formatCount(droppedCount(r))}
          </td>
          <FailedCell run={r} />
          <UsageCells run={r} />
        </>
      )}
      startedAt={(r) => r.started_at ?? r.created_at}
      tail={{
        column: 'Ended',
        cell: (r) => (
          <td className="nowrap muted" title={formatDateTime(r.finished_at)}>
            {r.finished_at ? formatRelative(r.finished_at) : '—'}
          </td>
        ),
      }}
    />
  );
}
