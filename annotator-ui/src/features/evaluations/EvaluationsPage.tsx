// Project → Evaluations (leads): run a prompt template over a snapshot's split, score each answer by
// execution match against the gold SQL, and optionally ask a judge model too — its accuracy is shown
// apart and named as the judge's, never mixed with execution accuracy. One evaluation is a pipeline
// run of kind `evaluate`: followed live (useRunPage), cancelled and resumed like any run, with its
// accuracy overall, by hardness and by database, and every item's result (J/K walk through them).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { BarChart, type Bar } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Alert, Badge, Button, Card, ErrorState, ListTable, Loading, SelectField, TextAreaField, TextField, useToast } from '../../components/ui';
import { formatCost, formatTokens } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { goldenApi, outcomeOf, OUTCOMES, pct, placeholderError, type Bucket, type EvalResult, type EvalStart, type Evaluation, type Outcome } from '../../shared/golden';
import { useHotkeys } from '../../shared/hotkeys';
import { canEvaluate } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { useProject } from '../projects/ProjectPage';
import '../../shared/golden.css';
import { evaluationKeys } from './keys';
import { RunCells, RunHeadCells, WhenCell } from '../runs/RunTable';
import { runName } from '../runs/name';
import { whileLive } from '../runs/status';
import { BudgetFields, budgetParams, EMPTY_BUDGET, isNoModel, LeadsOnly, RunFormFooter, StartButton, type BudgetForm } from '../runs/RunForm';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { useRunPage, type RunData } from '../runs/useRunPage';
import { useCurrentPrompt } from '../optimizations/useCurrentPrompt';
import { SnapshotSelect } from '../snapshots/SnapshotSelect';
import { wholeIn } from '../../shared/forms';


export function ProjectEvaluations() {
  const project = useProject();
  const projectId = String(project.id);
  if (!canEvaluate(project.my_role)) return <LeadsOnly what="Evaluations" />;
  return (
    <div className="stack">
      <NewEvaluation projectId={projectId} />
      <EvaluationList projectId={projectId} />
    </div>
  );
}

interface EvalForm {
  snapshot: string;
  split: string;
  model: string;
  base_url: string;
  prompt: string;
  judge: boolean;
  judge_model: string;
  limit: string;
  concurrency: string;
  budget: BudgetForm;
}

/**
 * The form as the API's body: only what was set. The prompt goes only when it is not the project's
 * current template (`current`), so that the evaluation records the version it used.
 */
export function evaluationParams(f: EvalForm, current?: string): EvalStart {
  const body: EvalStart = { snapshot_id: Number(f.snapshot), split: f.split };
  if (f.model.trim()) body.model = f.model.trim();
  if (f.base_url.trim()) body.base_url = f.base_url.trim();
  if (f.prompt.trim() && f.prompt !== current) body.prompt = f.prompt;
  if (f.judge) {
    body.judge = true;
    if (f.judge_model.trim()) body.judge_model = f.judge_model.trim();
  }
  if (f.limit.trim()) body.limit = Number(f.limit);
  body.concurrency = f.concurrency.trim() ? Number(f.concurrency) : 8;
  const budget = budgetParams(f.budget);
  if (budget) body.budget = budget;
  return body;
}

function NewEvaluation({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { user } = useSession();
  const [form, setForm] = useState<EvalForm>({
    snapshot: '',
    split: 'test',
    model: '',
    base_url: '',
    prompt: '',
    judge: false,
    judge_model: '',
    limit: '',
    concurrency: '8',
    budget: EMPTY_BUDGET,
  });
  const set = (k: keyof EvalForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const prompts = useCurrentPrompt(projectId, (update) => setForm((f) => ({ ...f, prompt: update(f.prompt) })));
  const start = useMutation({
    mutationFn: () => goldenApi.startEvaluation(projectId, evaluationParams(form, prompts.data?.current.body)),
    onSuccess: ({ run }) => {
      void qc.invalidateQueries({ queryKey: evaluationKeys.list(projectId) });
      toast(`${runName('Evaluation', run)} started: ${plural(run.total, 'item')}`);
      navigate(`/projects/${projectId}/evaluations/${run.id}`);
    },
  });
  const noModel = isNoModel(start.error) ? start.error : null;
  const fields = noModel ? {} : fieldErrors(start.error, { 404: ['snapshot_id', 'No such snapshot.'] });
  const local = {
    prompt: prompts.isSuccess ? placeholderError(form.prompt) : undefined,
    limit: wholeIn(form.limit, 1, 1_000_000) ? undefined : 'A whole number, 1 or more.',
    concurrency: wholeIn(form.concurrency, 1, 64) ? undefined : 'From 1 to 64.',
  };
  const invalid = Object.values(local).some(Boolean) || !form.snapshot;
  const known = ['snapshot_id', 'split', 'model', 'base_url', 'prompt', 'judge_model', 'limit', 'concurrency', 'budget.max_calls', 'budget.max_tokens', 'budget.max_cost_usd'];
  const general = noModel ? null : formError(start.error, Object.fromEntries(Object.entries(fields).filter(([k]) => known.includes(k))));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) start.mutate();
  };
  return (
    <Card title="New evaluation" description="Run a prompt template over a snapshot’s split and score each answer by execution match against the gold SQL.">
      <form className="form" onSubmit={submit} aria-label="New evaluation" noValidate>
        <div className="batch-fields">
          <SnapshotSelect projectId={projectId} value={form.snapshot} onChange={(v) => setForm((f) => ({ ...f, snapshot: v }))} error={fields.snapshot_id} />
          <SelectField label="Split" value={form.split} onChange={set('split')} error={fields.split}>
            <option value="test">Test</option>
            <option value="val">Validation</option>
            <option value="train">Train</option>
            <option value="all">All</option>
          </SelectField>
          <TextField label="Model" value={form.model} onChange={set('model')} error={fields.model} placeholder="The configured model" />
          <TextField label="Base URL" value={form.base_url} onChange={set('base_url')} error={fields.base_url} placeholder="The configured endpoint" />
          <TextField label="Limit" type="number" min={1} value={form.limit} onChange={set('limit')} error={local.limit ?? fields.limit} placeholder="Every pair" />
          <TextField label="Concurrency" type="number" min={1} max={64} value={form.concurrency} onChange={set('concurrency')} error={local.concurrency ?? fields.concurrency} />
        </div>
        {prompts.isPending ? (
          <Loading label="Loading the current prompt…" />
        ) : prompts.isError ? (
          <ErrorState error={prompts.error} onRetry={() => prompts.refetch()} />
        ) : (
          <TextAreaField
            label="Prompt template"
            value={form.prompt}
            onChange={set('prompt')}
            rows={10}
            className="input textarea mono prompt-textarea"
            error={local.prompt ?? fields.prompt}
            hint={`Starts as the project’s current template (version ${prompts.data.current.version}). {dialect}, {schema} and {query_str} are filled in per item.`}
          />
        )}
        <div className="method-choice">
          <label className="checkbox">
            <input type="checkbox" checked={form.judge} onChange={(e) => setForm((f) => ({ ...f, judge: e.target.checked }))} />
            <span>Also ask a judge model whether each result answers the question (reported apart)</span>
          </label>
          {form.judge && (
            <TextField label="Judge model" value={form.judge_model} onChange={set('judge_model')} error={fields.judge_model} placeholder="The configured judge" />
          )}
        </div>
        <BudgetFields value={form.budget} onChange={(b) => setForm((f) => ({ ...f, budget: b }))} fields={fields} />
        <RunFormFooter notConfigured={noModel} isAdmin={user.is_admin} general={general}>
          <StartButton busy={start.isPending} disabled={invalid}>
            Start evaluation
          </StartButton>
        </RunFormFooter>
      </form>
    </Card>
  );
}

function EvaluationList({ projectId }: { projectId: string }) {
  const evals = useQuery({
    queryKey: evaluationKeys.list(projectId),
    queryFn: () => goldenApi.listEvaluations(projectId),
    refetchInterval: whileLive((q) => (q.state.data ?? []).map((e) => e.run)),
  });
  const list = evals.data ?? [];
  return (
    <ListTable
      title="Evaluations"
      query={evals}
      count={list.length}
      noun="evaluations"
      head={
        <tr>
          <RunHeadCells label="Evaluation" />
          <th scope="col">Snapshot</th>
          <th scope="col">Model</th>
          <th scope="col" className="cell-num">Accuracy</th>
          <th scope="col" className="cell-num">Judge</th>
          <th scope="col" className="cell-num">Cost</th>
          <th scope="col">Started</th>
        </tr>
      }
    >
      {list.map(({ run: r, params: p, summary: s }) => (
        <tr key={r.id}>
          <RunCells run={r} to={`/projects/${projectId}/evaluations/${r.id}`} label="Evaluation" />
          <td className="nowrap">
            <Link to={`/projects/${projectId}/snapshots/${p.snapshot_id}`}>#{p.snapshot_id}</Link> <span className="muted">{p.split}</span>
          </td>
          <td className="mono small-mono">{p.model || '—'}</td>
          <td className="cell-num" data-testid={`accuracy-${r.id}`}>
            {s.scored > 0 ? `${pct(s.accuracy)} (${s.correct}/${s.scored})` : '—'}
          </td>
          <td className="cell-num">{s.judge ? pct(s.judge.accuracy) : <span className="muted">—</span>}</td>
          <td className="cell-num">{formatCost(s.cost_usd)}</td>
          <WhenCell at={r.created_at} />
        </tr>
      ))}
    </ListTable>
  );
}

// ---------- One evaluation ----------


export function bucketBars(buckets: Record<string, Bucket> | null | undefined, order?: readonly string[]): Bar[] {
  const entries = Object.entries(buckets ?? {});
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
  const project = useProject();
  const projectId = String(project.id);
  const { runId = '' } = useParams();
  const qc = useQueryClient();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: evaluationKeys.detail(projectId, runId) });
    void qc.invalidateQueries({ queryKey: evaluationKeys.allResults(projectId, runId) });
    void qc.invalidateQueries({ queryKey: evaluationKeys.list(projectId) });
  };
  const page = useRunPage<RunData>(projectId, runId, {
    noun: 'Evaluation',
    listPath: 'evaluations',
    listLabel: '← All evaluations',
    loadingLabel: 'Loading the evaluation…',
    onDone: refresh,
  });
  const { run, live, now, fallback, log, crumb, guard } = page;
  const evaluation = useQuery({
    queryKey: evaluationKeys.detail(projectId, runId),
    queryFn: () => goldenApi.getEvaluation(projectId, runId),
    refetchInterval: live ? 2000 : false,
    enabled: canEvaluate(project.my_role),
  });
  if (!canEvaluate(project.my_role)) return <LeadsOnly what="Evaluations" />;
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
      {evaluation.data?.summary.judge && <JudgeCard bucket={evaluation.data.summary.judge} model={evaluation.data.params.judge_model} />}
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

const OUTCOME_LABELS: Record<Outcome, string> = { correct: 'Correct', wrong: 'Wrong', error: 'Error' };
const OUTCOME_TONES: Record<Outcome, string> = { correct: 'success', wrong: 'warning', error: 'danger' };

function Results({ projectId, runId, live, judged }: { projectId: string; runId: string; live: boolean; judged: boolean }) {
  const [params, setParams] = useSearchParams();
  const outcome = (OUTCOMES as string[]).includes(params.get('outcome') ?? '') ? (params.get('outcome') as Outcome) : '';
  const results = useInfiniteQuery({
    queryKey: evaluationKeys.results(projectId, runId, outcome),
    queryFn: ({ pageParam }) => goldenApi.evalResults(projectId, runId, outcome, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (last) => last.next_after ?? undefined,
    refetchInterval: live ? 5000 : false,
  });
  const list = results.data?.pages.flatMap((p) => p.results) ?? [];
  const [cursor, setCursor] = useState(0);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    setCursor(0);
    setOpen(null);
  }, [outcome]);
  const move = (by: number) => {
    if (list.length === 0) return;
    const next = Math.min(Math.max(cursor + by, 0), list.length - 1);
    if (by > 0 && cursor === list.length - 1 && results.hasNextPage && !results.isFetchingNextPage) void results.fetchNextPage();
    setCursor(next);
    // With an item open, J/K walk through the items' details.
    if (open !== null) setOpen(list[next].nlq_id);
  };
  useHotkeys({
    j: () => move(1),
    k: () => move(-1),
    Enter: () => {
      const it = list[cursor];
      if (it) setOpen(open === it.nlq_id ? null : it.nlq_id);
    },
    Escape: () => setOpen(null),
  });
  const rows = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const row = rows.current?.querySelector(`[data-index="${cursor}"]`) as HTMLElement | null;
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [cursor]);
  const filter = (v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set('outcome', v);
    else next.delete('outcome');
    setParams(next, { replace: true });
  };
  const click = (e: MouseEvent, i: number) => {
    if (e.target instanceof HTMLElement && e.target.closest('a, button')) return;
    setCursor(i);
    setOpen(open === list[i].nlq_id ? null : list[i].nlq_id);
  };
  return (
    <Card title="Items" description="J/K move through the items, Enter opens one (and J/K then walk through the open details), Esc closes it.">
      <div className="segmented" role="group" aria-label="Outcome">
        <button type="button" aria-pressed={outcome === ''} onClick={() => filter('')}>
          All
        </button>
        {OUTCOMES.map((o) => (
          <button key={o} type="button" aria-pressed={outcome === o} onClick={() => filter(o)}>
            {OUTCOME_LABELS[o]}
          </button>
        ))}
      </div>
      {results.isPending ? (
        <Loading label="Loading results…" />
      ) : results.isError ? (
        <ErrorState error={results.error} onRetry={() => results.refetch()} />
      ) : list.length === 0 ? (
        <p className="muted">{outcome ? `No ${OUTCOME_LABELS[outcome].toLowerCase()} item.` : live ? 'No item scored yet.' : 'No items.'}</p>
      ) : (
        <>
          <div className="table-wrap flush">
            <table className="table table-compact results-table" aria-label="Results">
              <thead>
                <tr>
                  <th scope="col">Question</th>
                  <th scope="col">Database</th>
                  <th scope="col">Hardness</th>
                  <th scope="col">Outcome</th>
                  {judged && <th scope="col">Judge</th>}
                  <th scope="col">Why not</th>
                </tr>
              </thead>
              <tbody ref={rows}>
                {list.map((it, i) => {
                  const o = outcomeOf(it);
                  const isOpen = open === it.nlq_id;
                  return (
                    <Fragment key={it.nlq_id}>
                      <tr
                        data-index={i}
                        data-testid={`result-row-${it.nlq_id}`}
                        className={[i === cursor ? 'row-cursor' : '', isOpen ? 'row-expanded' : ''].filter(Boolean).join(' ') || undefined}
                        aria-current={i === cursor ? 'true' : undefined}
                        onClick={(e) => click(e, i)}
                      >
                        <td className="question-cell">
                          <button type="button" className="link-button" aria-expanded={isOpen} onClick={() => { setCursor(i); setOpen(isOpen ? null : it.nlq_id); }}>
                            {it.question}
                          </button>
                        </td>
                        <td className="nowrap">{it.database_name}</td>
                        <td>{it.hardness}</td>
                        <td>
                          <Badge tone={OUTCOME_TONES[o]}>{OUTCOME_LABELS[o]}</Badge>
                        </td>
                        {judged && <td>{it.judge === null ? <span className="muted">—</span> : it.judge ? 'answers' : 'does not answer'}</td>}
                        <td className="clamp">{it.error || it.reason}</td>
                      </tr>
                      {isOpen && (
                        <tr className="row-detail">
                          <td colSpan={judged ? 6 : 5}>
                            <ResultDetail projectId={projectId} r={it} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
          {results.hasNextPage && (
            <div className="load-more">
              <Button onClick={() => results.fetchNextPage()} busy={results.isFetchingNextPage}>
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

function RowsPreview({ title, rows }: { title: string; rows: unknown[][] | null | undefined }) {
  if (!rows?.length) return null;
  return (
    <div>
      <h3 className="diff-title">{title}</h3>
      <table className="table table-compact mono small-mono">
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((v, j) => (
                <td key={j}>{v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResultDetail({ projectId, r }: { projectId: string; r: EvalResult }) {
  return (
    <div className="stack eval-detail" data-testid="result-detail">
      <p>
        <Link to={`/projects/${projectId}/questions/${r.nlq_id}`}>Question #{r.nlq_id}</Link>: {r.question}
      </p>
      <div className="json-diff">
        <SqlCode sql={r.gold_sql} caption="Gold SQL" />
        {r.sql ? <SqlCode sql={r.sql} caption="Predicted SQL" /> : <p className="muted">No SQL in the model’s reply.</p>}
      </div>
      {!r.correct && r.reason && <p>Why not a match: {r.reason}</p>}
      {r.error && <Alert title="Error">{r.error}</Alert>}
      {r.diff && (r.diff.only_gold?.length || r.diff.only_pred?.length) ? (
        <div className="json-diff">
          <RowsPreview title={`Only in gold (of ${r.diff.gold_rows} rows)`} rows={r.diff.only_gold} />
          <RowsPreview title={`Only in predicted (of ${r.diff.pred_rows} rows)`} rows={r.diff.only_pred} />
        </div>
      ) : null}
      {r.judge !== null && (
        <p data-testid="judge-verdict">
          Judge: <strong>{r.judge ? 'answers the question' : 'does not answer the question'}</strong>
          {r.judge_reason && <span className="muted"> — {r.judge_reason}</span>}
        </p>
      )}
      <p className="muted small">
        {formatTokens(r.prompt_tokens)} prompt + {formatTokens(r.completion_tokens)} completion tokens
      </p>
    </div>
  );
}
