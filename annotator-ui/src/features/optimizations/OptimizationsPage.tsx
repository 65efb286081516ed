// Project → Optimizations (leads): improve the project's text-to-SQL prompt template with OPRO (an
// optimizer model proposes prompts from the scored ones) or APO (a critic writes a textual gradient
// from failures, an editor applies it, a beam keeps the best), scored by execution accuracy on the
// snapshot's validation split; the last step compares the baseline and the best prompt on the test
// split (McNemar). One optimization is a pipeline run of kind `optimize`, followed live; every
// candidate is listed with its parent and scores, and any scored one can be adopted as a new version
// of the prompt template. The versions of the template are listed below the runs, and a lead can
// write one by hand.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatCost } from '../../shared/format';
import { goldenApi, pct } from '../../shared/golden';
import { canEvaluate } from '../../shared/nav';
import { useProject } from '../projects/ProjectPage';
import '../guidelines/guidelines.css';
import '../../shared/golden.css';
import { optimizationKeys } from './keys';
import { LeadsOnly } from '../runs/RunForm';
import { RunList } from '../runs/RunList';
import { whileLive } from '../runs/status';
import { METHOD_LABELS } from './labels';
import { PromptTemplates } from './PromptTemplates';
import { NewOptimization } from './NewOptimization';

export function ProjectOptimizations() {
  const project = useProject();
  const projectId = String(project.id);
  if (!canEvaluate(project.my_role)) return <LeadsOnly what="Optimizations" />;
  return (
    <div className="stack">
      <NewOptimization projectId={projectId} />
      <OptimizationList projectId={projectId} />
      <PromptTemplates projectId={projectId} />
    </div>
  );
}

function OptimizationList({ projectId }: { projectId: string }) {
  const opts = useQuery({
    queryKey: optimizationKeys.list(projectId),
    queryFn: () => goldenApi.listOptimizations(projectId),
    refetchInterval: whileLive((q) => (q.state.data ?? []).map((o) => o.run)),
  });
  return (
    <RunList
      title="Optimizations"
      noun="optimizations"
      label="Optimization"
      query={opts}
      items={opts.data ?? []}
      runOf={(o) => o.run}
      to={(r) => `/projects/${projectId}/optimizations/${r.id}`}
      between={{ column: 'Method', cell: ({ params: p }) => <td>{METHOD_LABELS[p.method] ?? p.method}</td> }}
      columns={['Snapshot', { label: 'Best on validation', num: true }, { label: 'Cost', num: true }]}
      cells={({ run: r, params: p, best }) => (
        <>
          <td>
            <Link to={`/projects/${projectId}/snapshots/${p.snapshot_id}`}>#{p.snapshot_id}</Link>
          </td>
          <td className="cell-num">{best ? pct(best.val_score ?? best.score) : '—'}</td>
          <td className="cell-num">{formatCost(r.cost_usd)}</td>
        </>
      )}
    />
  );
}
