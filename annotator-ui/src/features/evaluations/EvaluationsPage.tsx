// Project → Evaluations (leads): run a prompt template over a snapshot's split, score each answer by
// execution match against the gold SQL, and optionally ask a judge model too — its accuracy is shown
// apart and named as the judge's, never mixed with execution accuracy. One evaluation is a pipeline
// run of kind `evaluate`: followed live (useRunPage), cancelled and resumed like any run, with its
// accuracy overall, by hardness and by database, and every item's result (J/K walk through them).
import { formatCost } from '../../shared/format';
import { goldenApi, pct } from '../../shared/golden';
import '../../shared/golden.css';
import { evaluationKeys } from './keys';
import { RunList, useRunList } from '../runs/RunList';
import { ProjectRunsPage } from '../runs/RunsPage';
import { SnapshotLink } from '../snapshots/SnapshotLink';
import { NewEvaluation } from './NewEvaluation';

export function ProjectEvaluations() {
  return <ProjectRunsPage sections={[NewEvaluation, EvaluationList]} />;
}

function EvaluationList({ projectId }: { projectId: string }) {
  const evals = useRunList(evaluationKeys.list(projectId), () => goldenApi.listEvaluations(projectId), (d) => d, (e) => e.run);
  return (
    <RunList
      title="Evaluations"
      label="Evaluation"
      list={evals}
      projectId={projectId}
      columns={['Snapshot', 'Model', { label: 'Accuracy', num: true }, { label: 'Judge', num: true }, { label: 'Cost', num: true }]}
      cells={({ run: r, params: p, summary: s }) => (
        <>
          <td className="nowrap">
            <SnapshotLink projectId={projectId} id={p.snapshot_id} /> <span className="muted">{p.split}</span>
          </td>
          <td className="mono small-mono">{p.model || '—'}</td>
          <td className="cell-num" data-testid={`accuracy-${r.id}`}>
            {s.scored > 0 ? `${pct(s.accuracy)} (${s.correct}/${s.scored})` : '—'}
          </td>
          <td className="cell-num">{s.judge ? pct(s.judge.accuracy) : <span className="muted">—</span>}</td>
          <td className="cell-num">{formatCost(s.cost_usd)}</td>
        </>
      )}
    />
  );
}
