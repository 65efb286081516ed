// Project → Optimizations (leads): improve the project's text-to-SQL prompt template with OPRO (an
// optimizer model proposes prompts from the scored ones) or APO (a critic writes a textual gradient
// from failures, an editor applies it, a beam keeps the best), scored by execution accuracy on the
// snapshot's validation split; the last step compares the baseline and the best prompt on the test
// split (McNemar). One optimization is a pipeline run of kind `optimize`, followed live; every
// candidate is listed with its parent and scores, and any scored one can be adopted as a new version
// of the prompt template. The versions of the template are listed below the runs, and a lead can
// write one by hand.
import { formatCost } from '../../shared/format';
import { goldenApi, pct } from '../../shared/golden';
import '../guidelines/guidelines.css';
import '../../shared/golden.css';
import { optimizationKeys } from './keys';
import { RunList, useRunList } from '../runs/RunList';
import { ProjectRunsPage } from '../runs/RunsPage';
import { SnapshotLink } from '../snapshots/SnapshotLink';
import { METHOD_LABELS } from './labels';
import { PromptTemplates } from './PromptTemplates';
import { NewOptimization } from './NewOptimization';

export function ProjectOptimizations() {
  return <ProjectRunsPage sections={[NewOptimization, OptimizationList, PromptTemplates]} />;
}

function OptimizationList({ projectId }: { projectId: string }) {
  const opts = useRunList(optimizationKeys.list(projectId), () => goldenApi.listOptimizations(projectId), (d) => d, (o) => o.run);
  return (
    <RunList
      title="Optimizations"
      label="Optimization"
      list={opts}
      projectId={projectId}
      between={{ column: 'Method', cell: ({ params: p }) => <td>{METHOD_LABELS[p.method] ?? p.method}</td> }}
      columns={['Snapshot', { label: 'Best on validation', num: true }, { label: 'Cost', num: true }]}
      cells={({ run: r, params: p, best }) => (
        <>
          <td>
            <SnapshotLink projectId={projectId} id={p.snapshot_id} />
          </td>
          <td className="cell-num">{best ? pct(best.val_score ?? best.score) : '—'}</td>
          <td className="cell-num">{formatCost(r.cost_usd)}</td>
        </>
      )}
    />
  );
}
