// Project → Pipelines (leads): start a generating pipeline (complexity, semantic variety, paraphrase,
// schema-chunk QA, table metadata) with its parameters after previewing the prompt of its first item,
// list every run of every kind, and follow one live: progress, what was kept and what was dropped by
// reason, tokens and cost, its log; cancel, resume or retry it; and, once it ends, the new stage's
// questions and the agent batch it queued over them.
import { llmApi } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { formatDateTime, formatRelative } from '../../shared/format';
import { runKeys } from '../runs/keys';
import { FailedCell, RunList, UsageCells, useRunList } from '../runs/RunList';
import { ProjectRunsPage } from '../runs/RunsPage';
import { kindLabel, DROP_LABELS, droppedCount } from './generation';
import { NewRun } from './NewRun';

export function ProjectPipelines() {
  return <ProjectRunsPage sections={[NewRun, PipelineRunList]} />;
}

function PipelineRunList({ projectId }: { projectId: string }) {
  const runs = useRunList(runKeys.listAllKinds(projectId), () => llmApi.listRuns(projectId, ''), (d) => d.runs, (r) => r);
  return (
    <RunList
      title="Runs"
      description="Every pipeline run and agent batch, newest first."
      label="Run"
      list={runs}
      projectId={projectId}
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
