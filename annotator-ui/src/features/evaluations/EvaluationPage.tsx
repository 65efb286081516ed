// One evaluation: its run card with execution accuracy, the accuracy by hardness and by database, the
// judge's accuracy apart, its items and its log.
import { Link } from 'react-router';
import { BarChart, type Bar } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { Card, ErrorState } from '../../components/ui';
import { goldenApi, pct, type Bucket, type Evaluation } from '../../shared/golden';
import '../../shared/golden.css';
import { evaluationKeys } from './keys';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { type RunData, useRunPage, useRunReport, useRunRoute } from '../runs/useRunPage';
import { Results } from './Results';

export function bucketBars(buckets: Record<string, Bucket | null> | null | undefined, order?: readonly string[]): Bar[] {
  const entries = Object.entries(buckets ?? {}).filter((e): e is [string, Bucket] => e[1] !== null);
  if (order) entries.sort(([a], [b]) => (order.indexOf(a) === -1 ? 99 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 99 : order.indexOf(b)));
  else entries.sort(([a], [b]) => a.localeCompare(b));
  return entries.map(([k, b]) => ({
    key: k,
    label: k,
    value: b.n > 0 ? b.accuracy : null,
    detail: `${k}: ${pct(b.accuracy)} (${b.correct} of ${b.n})`,
  }));
}

export function EvaluationPage() {
  const { projectId, runId } = useRunRoute();
  const page = useRunPage<RunData>(projectId, runId, {
    noun: 'Evaluation',
    listPath: 'evaluations',
    refresh: [evaluationKeys.detail(projectId, runId), evaluationKeys.allResults(projectId, runId), evaluationKeys.list(projectId)],
  });
  const { run, live, now, fallback, log, crumb, guard } = page;
  const evaluation = useRunReport(live, evaluationKeys.detail(projectId, runId), () => goldenApi.getEvaluation(projectId, runId));
  if (!run.isSuccess) return guard;
  const r = run.data.run;
  return (
    <div className="stack">
      {crumb}
      <RunCard
        title="Evaluation"
        noun="evaluation"
        run={r}
        page={page}
        description={evaluation.data ? <EvalDescription projectId={projectId} e={evaluation.data} /> : undefined}
        stats={[
          { label: 'Scored', value: formatCount(evaluation.data?.summary.scored ?? r.succeeded) },
          { label: 'Errors', value: formatCount(evaluation.data?.summary.errors ?? 0), danger: (evaluation.data?.summary.errors ?? 0) > 0, title: 'SQL that failed, or no SQL in the reply' },
          { label: 'Failed items', value: formatCount(r.failed), danger: r.failed > 0 },
          ...usageStats(r, live, now),
        ]}
      >
        {evaluation.isError ? <ErrorState error={evaluation.error} onRetry={() => evaluation.refetch()} /> : evaluation.data && <ExecAccuracy e={evaluation.data} live={live} />}
      </RunCard>
      {evaluation.data && <Breakdown e={evaluation.data} />}
      {evaluation.data?.summary.judge && <JudgeCard bucket={evaluation.data.summary.judge} model={evaluation.data.params.judge_model ?? ''} />}
      <Results projectId={projectId} runId={runId} live={live} judged={Boolean(evaluation.data?.params.judge)} />
      <RunLog lines={log} live={live && !fallback} />
    </div>
  );
}

function EvalDescription({ projectId, e }: { projectId: string; e: Evaluation }) {
  const p = e.params;
  return (
    <>
      <Link to={`/projects/${projectId}/snapshots/${p.snapshot_id}`}>Snapshot #{p.snapshot_id}</Link> · {p.split} split · model{' '}
      <span className="mono">{p.model || 'default'}</span> · prompt {p.prompt_version > 0 ? `version ${p.prompt_version}` : p.prompt_version === 0 ? 'built-in' : 'as written for this evaluation'}
      {p.limit ? ` · at most ${p.limit}` : ''} · {p.concurrency || 8} at once{p.judge ? ` · judged by ${p.judge_model || 'the judge model'}` : ''}
    </>
  );
}

function ExecAccuracy({ e, live }: { e: Evaluation; live: boolean }) {
  const s = e.summary;
  if (s.scored === 0) return <p className="muted">No item scored yet{live ? '' : '.'}</p>;
  return (
    <div className={`accuracy${s.accuracy >= 0.9 ? ' accuracy-good' : ''}`} data-testid="accuracy">
      <span className="accuracy-figure">{pct(s.accuracy)}</span>
      <span>
        Execution accuracy: <strong>{formatCount(s.correct)} / {formatCount(s.scored)}</strong>
        <span className="muted">
          {' '}
          · {formatCount(s.scored)} of {plural(s.total, 'item')} scored{live ? ' so far' : ''}
        </span>
      </span>
    </div>
  );
}

function Breakdown({ e }: { e: Evaluation }) {
  const s = e.summary;
  if (s.scored === 0) return null;
  return (
    <Card title="Execution accuracy by hardness and by database">
      <div className="chart-grid">
        <BarChart title="By hardness" bars={bucketBars(s.by_hardness, ['easy', 'medium', 'hard', 'extra'])} max={1} format={pct} />
        <BarChart title="By database" bars={bucketBars(s.by_database)} max={1} format={pct} />
      </div>
    </Card>
  );
}

function JudgeCard({ bucket, model }: { bucket: Bucket; model: string }) {
  return (
    <Card title="Judge accuracy (separate from execution accuracy)" description={`A second model (${model || 'the judge model'}) read each predicted result and said whether it answers the question, given the gold result. Its opinion is not an execution match and is never mixed with it.`}>
      <div className="accuracy accuracy-judge" data-testid="judge-accuracy">
        <span className="accuracy-figure">{pct(bucket.accuracy)}</span>
        <span>
          Judge accuracy: <strong>{formatCount(bucket.correct)} / {formatCount(bucket.n)}</strong> judged as answering the question
        </span>
      </div>
    </Card>
  );
}
