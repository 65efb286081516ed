// One optimization: its run card, the best score per step, the test report, adopting the best prompt,
// the baseline → best diff, every candidate and the log.
import { Link } from 'react-router';
import { LineChart } from '../../components/charts';
import { LineDiff } from '../guidelines/GuidelineDiff';
import { formatCount } from '../../components/ResultGrid';
import { Card, QueryView } from '../../components/ui';
import { bestPerStep, goldenApi, pct, type LineOp, type OptReport } from '../../shared/golden';
import type { DiffHunk } from '../guidelines/api';
import '../guidelines/guidelines.css';
import '../../shared/golden.css';
import { optimizationKeys } from './keys';
import { type RunData, useRunPage, useRunReport, useRunRoute } from '../runs/useRunPage';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { METHOD_LABELS } from './labels';
import { Adopt } from './Adopt';
import { Candidates } from './Candidates';
import { TestReportCard } from './TestReportCard';

/** The server's line diff (lines or hunks) as the hunks LineDiff draws, runs of one kind merged. */
export function lineHunks(ops: readonly (LineOp | DiffHunk)[]): DiffHunk[] {
  const map: Record<string, string> = { same: 'equal', add: 'insert', del: 'delete', equal: 'equal', insert: 'insert', delete: 'delete' };
  const out: { op: string; lines: string[] }[] = [];
  for (const o of ops) {
    const op = map[o.op] ?? o.op;
    const lines = 'lines' in o ? (o.lines ?? []) : [o.text];
    const last = out[out.length - 1];
    if (last && last.op === op) last.lines.push(...lines);
    else out.push({ op, lines: [...lines] });
  }
  return out;
}

export function OptimizationPage() {
  const { projectId, runId } = useRunRoute();
  const page = useRunPage<RunData>(projectId, runId, {
    noun: 'Optimization',
    listPath: 'optimizations',
    refresh: [optimizationKeys.detail(projectId, runId), optimizationKeys.list(projectId)],
  });
  const { run, live, now, fallback, log, crumb, guard } = page;
  const report = useRunReport(live, optimizationKeys.detail(projectId, runId), () => goldenApi.getOptimization(projectId, runId));
  if (!run.isSuccess) return guard;
  const r = run.data.run;
  const rep = report.data;
  const method = rep?.params.method;
  return (
    <div className="stack">
      {crumb}
      <RunCard
        title={method ? `${METHOD_LABELS[method] ?? method} optimization` : 'Optimization'}
        noun="optimization"
        run={r}
        page={page}
        description={rep ? <OptDescription projectId={projectId} rep={rep} /> : undefined}
        stats={[
          { label: 'Steps done', value: `${formatCount(r.done)} / ${formatCount(r.total)}` },
          { label: 'Candidates', value: formatCount(rep?.candidates?.length ?? 0) },
          { label: 'Best on validation', value: rep?.best ? pct(rep.best.val_score ?? rep.best.score) : '—' },
          ...usageStats(r, live, now),
        ]}
      />
      <QueryView query={report} loading="Loading the candidates…">
        {(data) => (
          <>
            <ScoreChart rep={data} />
            {data.test && <TestReportCard t={data.test} />}
            {data.best && <Adopt projectId={projectId} runId={runId} rep={data} live={live} />}
            {data.best && (data.diff ?? []).length > 0 && (
              <Card title="Baseline → best prompt" description="Line by line.">
                <LineDiff hunks={lineHunks(data.diff ?? [])} from="baseline" to="best prompt" same="The best prompt is the baseline: no candidate scored higher." />
              </Card>
            )}
            <Candidates projectId={projectId} runId={runId} rep={data} />
          </>
        )}
      </QueryView>
      <RunLog lines={log} live={live && !fallback} />
    </div>
  );
}

function OptDescription({ projectId, rep }: { projectId: string; rep: OptReport }) {
  const p = rep.params;
  const knobs =
    p.method === 'opro' && p.opro
      ? `${p.opro.iterations} iterations × ${p.opro.candidates} candidates, temperature ${p.opro.temperature}`
      : p.apo
        ? `beam ${p.apo.beam_width}, branch ${p.apo.branch_factor}, ${p.apo.rounds} rounds, gradient batch ${p.apo.gradient_batch}, validation batch ${p.apo.validation_batch}`
        : '';
  return (
    <>
      <Link to={`/projects/${projectId}/snapshots/${p.snapshot_id}`}>Snapshot #{p.snapshot_id}</Link> · {knobs} · model{' '}
      <span className="mono">{p.model || 'default'}</span>
      {p.val_limit ? ` · at most ${p.val_limit} validation items` : ''}
      {p.test_limit ? ` · at most ${p.test_limit} test items` : ''}
    </>
  );
}

function ScoreChart({ rep }: { rep: OptReport }) {
  const steps = bestPerStep(rep.steps ?? []);
  const name = (key: string, step: number) => (key === '000-baseline' ? 'baseline' : `step ${step}`);
  return (
    <Card title="Best score per step" description="Execution accuracy of each step’s best candidate on the items it was scored on.">
      <LineChart
        title="Best score per step"
        points={steps.flatMap((s) =>
          s.best_score === null ? [] : [{ key: s.key, label: name(s.key, s.step), value: s.best_score, detail: `${name(s.key, s.step)}: ${pct(s.best_score)}` }],
        )}
        format={pct}
        max={1}
      />
    </Card>
  );
}
