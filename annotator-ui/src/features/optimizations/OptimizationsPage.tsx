// Project → Optimizations (leads): improve the project's text-to-SQL prompt template with OPRO (an
// optimizer model proposes prompts from the scored ones) or APO (a critic writes a textual gradient
// from failures, an editor applies it, a beam keeps the best), scored by execution accuracy on the
// snapshot's validation split; the last step compares the baseline and the best prompt on the test
// split (McNemar). One optimization is a pipeline run of kind `optimize`, followed live; every
// candidate is listed with its parent and scores, and any scored one can be adopted as a new version
// of the prompt template. The versions of the template are listed below the runs, and a lead can
// write one by hand.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { LineChart } from '../../components/charts';
import { LineDiff } from '../guidelines/GuidelineDiff';
import { formatCount, plural } from '../../components/ResultGrid';
import { Alert, Badge, Button, Card, ErrorState, ListTable, Loading, Stats, TextAreaField, TextField, useToast } from '../../components/ui';
import { formatCost, formatDateTime, formatRelative } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { APO_DEFAULTS, bestPerStep, formatP, goldenApi, OPRO_DEFAULTS, pct, placeholderError, pp, significanceSentence, type LineOp, type OptCandidate, type OptMethod, type OptReport, type OptStart, type PromptTemplate, type TestReport } from '../../shared/golden';
import type { DiffHunk } from '../guidelines/api';
import { canEvaluate } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { useProject } from '../projects/ProjectPage';
import '../guidelines/guidelines.css';
import '../../shared/golden.css';
import { optimizationKeys, promptKeys } from './keys';
import { useRunPage } from '../runs/useRunPage';
import { budgetParams, BudgetFields, EMPTY_BUDGET, isNoModel, LeadsOnly, type BudgetForm } from '../runs/RunForm';
import { SnapshotSelect } from '../snapshots/SnapshotSelect';
import { useCurrentPrompt } from './useCurrentPrompt';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { RunCells, RunHeadCells, WhenCell } from '../runs/RunTable';
import { runName } from '../runs/name';
import { whileLive } from '../runs/status';
import { RunFormFooter, StartButton } from '../runs/RunForm';
import { wholeIn } from '../../shared/forms';
import { type RunData } from '../runs/useRunPage';

const METHOD_LABELS: Record<string, string> = { opro: 'OPRO', apo: 'APO' };
const ORIGIN_LABELS: Record<string, string> = { baseline: 'Baseline', opro: 'OPRO', apo: 'APO' };

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

// ---------- Start one ----------

interface OptForm {
  method: OptMethod;
  snapshot: string;
  prompt: string;
  model: string;
  base_url: string;
  concurrency: string;
  val_limit: string;
  test_limit: string;
  iterations: string;
  candidates: string;
  temperature: string;
  beam_width: string;
  branch_factor: string;
  rounds: string;
  gradient_batch: string;
  validation_batch: string;
  budget: BudgetForm;
}

const str = (n: number) => String(n);
const INITIAL: OptForm = {
  method: 'opro',
  snapshot: '',
  prompt: '',
  model: '',
  base_url: '',
  concurrency: '8',
  val_limit: '',
  test_limit: '',
  iterations: str(OPRO_DEFAULTS.iterations),
  candidates: str(OPRO_DEFAULTS.candidates),
  temperature: str(OPRO_DEFAULTS.temperature),
  beam_width: str(APO_DEFAULTS.beam_width),
  branch_factor: str(APO_DEFAULTS.branch_factor),
  rounds: str(APO_DEFAULTS.rounds),
  gradient_batch: str(APO_DEFAULTS.gradient_batch),
  validation_batch: str(APO_DEFAULTS.validation_batch),
  budget: EMPTY_BUDGET,
};

const num = (v: string, fallback: number) => (v.trim() === '' ? fallback : Number(v));

/**
 * The form as the API's body: the chosen method's parameters only, and only what was set otherwise;
 * the baseline only when it is not the project's current template (`current`).
 */
export function optimizationParams(f: OptForm, current?: string): OptStart {
  const body: OptStart = { method: f.method, snapshot_id: Number(f.snapshot) };
  if (f.prompt.trim() && f.prompt !== current) body.prompt = f.prompt;
  if (f.model.trim()) body.model = f.model.trim();
  if (f.base_url.trim()) body.base_url = f.base_url.trim();
  if (f.concurrency.trim()) body.concurrency = Number(f.concurrency);
  if (f.val_limit.trim()) body.val_limit = Number(f.val_limit);
  if (f.test_limit.trim()) body.test_limit = Number(f.test_limit);
  if (f.method === 'opro') {
    body.opro = {
      iterations: num(f.iterations, OPRO_DEFAULTS.iterations),
      candidates: num(f.candidates, OPRO_DEFAULTS.candidates),
      temperature: num(f.temperature, OPRO_DEFAULTS.temperature),
    };
  } else {
    body.apo = {
      beam_width: num(f.beam_width, APO_DEFAULTS.beam_width),
      branch_factor: num(f.branch_factor, APO_DEFAULTS.branch_factor),
      rounds: num(f.rounds, APO_DEFAULTS.rounds),
      gradient_batch: num(f.gradient_batch, APO_DEFAULTS.gradient_batch),
      validation_batch: num(f.validation_batch, APO_DEFAULTS.validation_batch),
    };
  }
  const budget = budgetParams(f.budget);
  if (budget) body.budget = budget;
  return body;
}


function NewOptimization({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { user } = useSession();
  const [form, setForm] = useState<OptForm>(INITIAL);
  const set = (k: keyof OptForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const prompts = useCurrentPrompt(projectId, (update) => setForm((f) => ({ ...f, prompt: update(f.prompt) })));
  const start = useMutation({
    mutationFn: () => goldenApi.startOptimization(projectId, optimizationParams(form, prompts.data?.current.body)),
    onSuccess: ({ run }) => {
      void qc.invalidateQueries({ queryKey: optimizationKeys.list(projectId) });
      toast(`${runName(`${METHOD_LABELS[form.method]} optimization`, run)} started`);
      navigate(`/projects/${projectId}/optimizations/${run.id}`);
    },
  });
  const noModel = isNoModel(start.error) ? start.error : null;
  const fields = noModel ? {} : fieldErrors(start.error, { 404: ['snapshot_id', 'No such snapshot.'] });
  const f = (k: string) => fields[`${form.method}.${k}`] ?? fields[k];
  const local: Record<string, string | undefined> = {
    prompt: prompts.isSuccess ? placeholderError(form.prompt) : undefined,
    concurrency: wholeIn(form.concurrency, 1, 64) ? undefined : 'From 1 to 64.',
    val_limit: wholeIn(form.val_limit, 0, 1_000_000) ? undefined : 'A whole number (0: every item).',
    test_limit: wholeIn(form.test_limit, 0, 1_000_000) ? undefined : 'A whole number (0: every item).',
  };
  if (form.method === 'opro') {
    local.iterations = wholeIn(form.iterations, 1, 100) ? undefined : 'A whole number, 1 or more.';
    local.candidates = wholeIn(form.candidates, 1, 20) ? undefined : 'A whole number, 1 or more.';
    local.temperature = form.temperature.trim() === '' || (Number(form.temperature) >= 0 && Number(form.temperature) <= 2) ? undefined : 'From 0 to 2.';
  } else {
    for (const k of ['beam_width', 'branch_factor', 'rounds', 'gradient_batch', 'validation_batch'] as const) {
      local[k] = wholeIn(form[k], 1, 1000) ? undefined : 'A whole number, 1 or more.';
    }
  }
  const invalid = Object.values(local).some(Boolean) || !form.snapshot;
  const known = [
    'snapshot_id', 'prompt', 'model', 'base_url', 'concurrency', 'val_limit', 'test_limit', 'method',
    'budget.max_calls', 'budget.max_tokens', 'budget.max_cost_usd',
    ...['iterations', 'candidates', 'temperature'].flatMap((k) => [k, `opro.${k}`]),
    ...['beam_width', 'branch_factor', 'rounds', 'gradient_batch', 'validation_batch'].flatMap((k) => [k, `apo.${k}`]),
  ];
  const general = noModel ? null : formError(start.error, Object.fromEntries(Object.entries(fields).filter(([k]) => known.includes(k))));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) start.mutate();
  };
  const field = (k: keyof OptForm & string, label: string, hint: string, extra: { step?: string; max?: number } = {}) => (
    <TextField label={label} type="number" min={k === 'temperature' ? 0 : 1} {...extra} value={form[k] as string} onChange={set(k)} error={local[k] ?? f(k)} hint={hint} />
  );
  return (
    <Card
      title="New prompt optimization"
      description="Search for a better prompt template, scored by execution accuracy on the snapshot’s validation split, then compare the best with the baseline on the test split."
    >
      <form className="form" onSubmit={submit} aria-label="New optimization" noValidate>
        <div className="segmented" role="group" aria-label="Method">
          {(['opro', 'apo'] as const).map((m) => (
            <button key={m} type="button" aria-pressed={form.method === m} onClick={() => setForm((x) => ({ ...x, method: m }))}>
              {METHOD_LABELS[m]}
            </button>
          ))}
        </div>
        <p className="muted small">
          {form.method === 'opro'
            ? 'OPRO: an optimizer model sees the prompts scored so far with their accuracies and failing items, and writes new ones.'
            : 'APO: a critic explains why the leading prompts fail on a few items (a textual gradient), an editor rewrites them, and a beam keeps the best.'}
        </p>
        <div className="batch-fields" data-testid={`${form.method}-params`}>
          {form.method === 'opro' ? (
            <>
              {field('iterations', 'Iterations', `Steps of the optimizer (default ${OPRO_DEFAULTS.iterations}).`)}
              {field('candidates', 'Candidates per step', `Default ${OPRO_DEFAULTS.candidates}.`)}
              {field('temperature', 'Temperature', `Of the optimizer (default ${OPRO_DEFAULTS.temperature}).`, { step: '0.1', max: 2 })}
            </>
          ) : (
            <>
              {field('beam_width', 'Beam width', `Prompts kept per round (default ${APO_DEFAULTS.beam_width}).`)}
              {field('branch_factor', 'Branch factor', `Rewrites per prompt (default ${APO_DEFAULTS.branch_factor}).`)}
              {field('rounds', 'Rounds', `Default ${APO_DEFAULTS.rounds}.`)}
              {field('gradient_batch', 'Gradient batch', `Failures the critic reads (default ${APO_DEFAULTS.gradient_batch}).`)}
              {field('validation_batch', 'Validation batch', `Items each round scores on (default ${APO_DEFAULTS.validation_batch}).`)}
            </>
          )}
        </div>
        <div className="batch-fields">
          <SnapshotSelect projectId={projectId} value={form.snapshot} onChange={(v) => setForm((x) => ({ ...x, snapshot: v }))} error={fields.snapshot_id} />
          <TextField label="Model" value={form.model} onChange={set('model')} error={fields.model} placeholder="The configured model" />
          <TextField label="Base URL" value={form.base_url} onChange={set('base_url')} error={fields.base_url} placeholder="The configured endpoint" />
          <TextField label="Concurrency" type="number" min={1} max={64} value={form.concurrency} onChange={set('concurrency')} error={local.concurrency ?? fields.concurrency} />
          <TextField label="Validation items" type="number" min={0} value={form.val_limit} onChange={set('val_limit')} error={local.val_limit ?? fields.val_limit} placeholder="All" />
          <TextField label="Test items" type="number" min={0} value={form.test_limit} onChange={set('test_limit')} error={local.test_limit ?? fields.test_limit} placeholder="All" />
        </div>
        {prompts.isPending ? (
          <Loading label="Loading the current prompt…" />
        ) : prompts.isError ? (
          <ErrorState error={prompts.error} onRetry={() => prompts.refetch()} />
        ) : (
          <TextAreaField
            label="Baseline prompt"
            value={form.prompt}
            onChange={set('prompt')}
            rows={10}
            className="input textarea mono prompt-textarea"
            error={local.prompt ?? fields.prompt}
            hint={`Starts as the project’s current template (version ${prompts.data.current.version}).`}
          />
        )}
        <BudgetFields value={form.budget} onChange={(b) => setForm((x) => ({ ...x, budget: b }))} fields={fields} />
        <RunFormFooter notConfigured={noModel} isAdmin={user.is_admin} general={general}>
          <StartButton busy={start.isPending} disabled={invalid}>
            Start {METHOD_LABELS[form.method]}
          </StartButton>
        </RunFormFooter>
      </form>
    </Card>
  );
}

function OptimizationList({ projectId }: { projectId: string }) {
  const opts = useQuery({
    queryKey: optimizationKeys.list(projectId),
    queryFn: () => goldenApi.listOptimizations(projectId),
    refetchInterval: whileLive((q) => (q.state.data ?? []).map((o) => o.run)),
  });
  const list = opts.data ?? [];
  return (
    <ListTable
      title="Optimizations"
      query={opts}
      count={list.length}
      noun="optimizations"
      head={
        <tr>
          <RunHeadCells label="Optimization" between={<th scope="col">Method</th>} />
          <th scope="col">Snapshot</th>
          <th scope="col" className="cell-num">Best on validation</th>
          <th scope="col" className="cell-num">Cost</th>
          <th scope="col">Started</th>
        </tr>
      }
    >
      {list.map(({ run: r, params: p, best }) => (
        <tr key={r.id}>
          <RunCells
            run={r}
            to={`/projects/${projectId}/optimizations/${r.id}`}
            label="Optimization"
            between={<td>{METHOD_LABELS[p.method] ?? p.method}</td>}
          />
          <td>
            <Link to={`/projects/${projectId}/snapshots/${p.snapshot_id}`}>#{p.snapshot_id}</Link>
          </td>
          <td className="cell-num">{best ? pct(best.val_score ?? best.score) : '—'}</td>
          <td className="cell-num">{formatCost(r.cost_usd)}</td>
          <WhenCell at={r.created_at} />
        </tr>
      ))}
    </ListTable>
  );
}

// ---------- Prompt templates ----------

const SOURCE_LABELS: Record<string, string> = { builtin: 'Built-in', manual: 'Written by hand', optimization: 'From an optimization' };

function PromptSource({ projectId, p }: { projectId: string; p: PromptTemplate }) {
  // The optimization's number, from the list the tab already loads (its id until then).
  const opts = useQuery({ queryKey: optimizationKeys.list(projectId), queryFn: () => goldenApi.listOptimizations(projectId), enabled: p.run_id !== null });
  const run = opts.data?.find((o) => o.run.id === p.run_id)?.run;
  return (
    <span>
      <Badge tone={p.source === 'optimization' ? 'info' : 'neutral'}>{SOURCE_LABELS[p.source] ?? p.source}</Badge>
      {p.run_id !== null && (
        <>
          {' '}
          <Link to={`/projects/${projectId}/optimizations/${p.run_id}`}>
            {run ? runName('optimization', run) : `optimization #${p.run_id}`}
            {p.candidate_id !== null ? `, candidate #${p.candidate_id}` : ''}
          </Link>
        </>
      )}
    </span>
  );
}

function PromptTemplates({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const prompts = useQuery({ queryKey: promptKeys.list(projectId), queryFn: () => goldenApi.prompts(projectId) });
  const [open, setOpen] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ body: '', note: '' });
  const save = useMutation({
    mutationFn: () => goldenApi.savePrompt(projectId, { body: draft.body, note: draft.note.trim() || undefined }),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: promptKeys.list(projectId) });
      toast(`Saved prompt version ${p.version}`);
      setEditing(false);
    },
  });
  const fields = fieldErrors(save.error);
  const general = formError(save.error, fields);
  const local = editing ? placeholderError(draft.body) : undefined;
  const current = prompts.data?.current;
  const versions = prompts.data?.versions ?? [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!local) save.mutate();
  };
  return (
    <Card
      title="Prompt template"
      description="The project’s text-to-SQL prompt, versioned: evaluations and optimizations start from the newest, and the agent adds it to its instructions."
      actions={
        current && !editing ? (
          <Button
            size="sm"
            onClick={() => {
              setDraft({ body: current.body, note: '' });
              save.reset();
              setEditing(true);
            }}
          >
            New version
          </Button>
        ) : undefined
      }
    >
      {prompts.isPending ? (
        <Loading label="Loading prompt versions…" />
      ) : prompts.isError ? (
        <ErrorState error={prompts.error} onRetry={() => prompts.refetch()} />
      ) : (
        <div className="stack">
          {editing && (
            <form className="form" onSubmit={submit} aria-label="New prompt version" noValidate>
              <TextAreaField
                label="Template"
                value={draft.body}
                onChange={(e) => setDraft((d) => ({ ...d, body: e.target.value }))}
                rows={12}
                className="input textarea mono prompt-textarea"
                error={local ?? fields.body}
                hint="{dialect}, {schema} and {query_str} are filled in per question."
              />
              <TextField label="Note" value={draft.note} onChange={(e) => setDraft((d) => ({ ...d, note: e.target.value }))} error={fields.note} placeholder="What changed" />
              {general && <Alert>{general}</Alert>}
              <div className="form-actions form-actions-start">
                <Button type="submit" variant="primary" busy={save.isPending}>
                  Save version {(current?.version ?? 0) + 1}
                </Button>
                <Button onClick={() => setEditing(false)}>Cancel</Button>
              </div>
            </form>
          )}
          <p data-testid="current-prompt">
            In force: <strong>version {current!.version}</strong> {current && <PromptSource projectId={projectId} p={current} />}
            {current!.version === 0 && <span className="muted"> — no version saved yet, the built-in template applies.</span>}
          </p>
          {versions.length === 0 ? (
            <pre className="prompt-text mono">{current!.body}</pre>
          ) : (
            <div className="table-wrap flush">
              <table className="table table-compact" aria-label="Prompt versions">
                <thead>
                  <tr>
                    <th scope="col">Version</th>
                    <th scope="col">Source</th>
                    <th scope="col">Note</th>
                    <th scope="col">Saved</th>
                    <th scope="col">
                      <span className="visually-hidden">Text</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {versions.map((p) => (
                    <Fragment key={p.version}>
                      <tr data-testid={`prompt-version-${p.version}`}>
                        <td className="nowrap">
                          v{p.version} {p.version === current!.version && <Badge tone="success">current</Badge>}
                        </td>
                        <td>
                          <PromptSource projectId={projectId} p={p} />
                        </td>
                        <td>{p.note || <span className="muted">—</span>}</td>
                        <td className="nowrap muted" title={formatDateTime(p.created_at)}>
                          {formatRelative(p.created_at)}
                        </td>
                        <td className="cell-actions">
                          <Button size="sm" variant="ghost" aria-expanded={open === p.version} onClick={() => setOpen(open === p.version ? null : p.version)} aria-label={`${open === p.version ? 'Hide' : 'Show'} version ${p.version}`}>
                            {open === p.version ? 'Hide' : 'Text'}
                          </Button>
                        </td>
                      </tr>
                      {open === p.version && (
                        <tr className="row-detail">
                          <td colSpan={5}>
                            <pre className="prompt-text mono">{p.body}</pre>
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}

// ---------- One optimization ----------


/** The server's line diff (lines or hunks) as the hunks LineDiff draws, runs of one kind merged. */
export function lineHunks(ops: LineOp[]): DiffHunk[] {
  const map = { same: 'equal', add: 'insert', del: 'delete', equal: 'equal', insert: 'insert', delete: 'delete' } as const;
  const out: DiffHunk[] = [];
  for (const o of ops) {
    const op = map[o.op];
    const lines = 'lines' in o ? (o.lines ?? []) : [o.text];
    const last = out[out.length - 1];
    if (last && last.op === op) last.lines.push(...lines);
    else out.push({ op, lines: [...lines] });
  }
  return out;
}

export function OptimizationPage() {
  const project = useProject();
  const projectId = String(project.id);
  const { runId = '' } = useParams();
  const qc = useQueryClient();
  const page = useRunPage<RunData>(projectId, runId, {
    noun: 'Optimization',
    listPath: 'optimizations',
    listLabel: '← All optimizations',
    loadingLabel: 'Loading the optimization…',
    onDone: () => {
      void qc.invalidateQueries({ queryKey: optimizationKeys.detail(projectId, runId) });
      void qc.invalidateQueries({ queryKey: optimizationKeys.list(projectId) });
    },
  });
  const { run, live, now, fallback, log, crumb, guard } = page;
  const report = useQuery({
    queryKey: optimizationKeys.detail(projectId, runId),
    queryFn: () => goldenApi.getOptimization(projectId, runId),
    refetchInterval: live ? 2000 : false,
    enabled: canEvaluate(project.my_role),
  });
  if (!canEvaluate(project.my_role)) return <LeadsOnly what="Optimizations" />;
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
          { label: 'Candidates', value: formatCount(rep?.candidates.length ?? 0) },
          { label: 'Best on validation', value: rep?.best ? pct(rep.best.val_score ?? rep.best.score) : '—' },
          ...usageStats(r, live, now),
        ]}
      />
      {report.isPending ? (
        <Loading label="Loading the candidates…" />
      ) : report.isError ? (
        <ErrorState error={report.error} onRetry={() => report.refetch()} />
      ) : (
        <>
          <ScoreChart rep={report.data} />
          {report.data.test && <TestReportCard t={report.data.test} />}
          {report.data.best && <Adopt projectId={projectId} runId={runId} rep={report.data} live={live} />}
          {report.data.best && report.data.diff.length > 0 && (
            <Card title="Baseline → best prompt" description="Line by line.">
              <LineDiff hunks={lineHunks(report.data.diff)} from="baseline" to="best prompt" same="The best prompt is the baseline: no candidate scored higher." />
            </Card>
          )}
          <Candidates projectId={projectId} runId={runId} rep={report.data} />
        </>
      )}
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
  const steps = bestPerStep(rep.steps);
  const name = (key: string, step: number) => (key === '000-baseline' ? 'baseline' : `step ${step}`);
  return (
    <Card title="Best score per step" description="Execution accuracy of each step’s best candidate on the items it was scored on.">
      <LineChart
        title="Best score per step"
        points={steps.map((s) => ({ key: s.key, label: name(s.key, s.step), value: s.best_score, detail: `${name(s.key, s.step)}: ${pct(s.best_score)}` }))}
        format={pct}
        max={1}
      />
    </Card>
  );
}

function TestReportCard({ t }: { t: TestReport }) {
  const significant = t.n > 0 && t.mcnemar_p < 0.05;
  return (
    <Card title="Test report" description={`The baseline and the best prompt on the same ${plural(t.n, 'test item')}.`}>
      <div className="stack" data-testid="test-report">
        <Stats
          items={[
            { label: 'Baseline accuracy', value: `${pct(t.baseline_accuracy)}`, note: `(${t.baseline_correct}/${t.n})` },
            { label: 'Best prompt accuracy', value: `${pct(t.best_accuracy)}`, note: `(${t.best_correct}/${t.n})` },
            { label: 'Difference', value: pp(t.difference), note: `95% CI ${pp(t.ci_low)} to ${pp(t.ci_high)}` },
            { label: 'McNemar p', value: formatP(t.mcnemar_p) },
          ]}
        />
        <table className="table table-compact contingency" aria-label="Items right and wrong">
          <thead>
            <tr>
              <th scope="col" />
              <th scope="col">Best prompt right</th>
              <th scope="col">Best prompt wrong</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Baseline right</th>
              <td data-testid="both-correct">{t.both_correct} (both)</td>
              <td data-testid="only-baseline">{t.only_baseline} (only baseline)</td>
            </tr>
            <tr>
              <th scope="row">Baseline wrong</th>
              <td data-testid="only-best">{t.only_best} (only best)</td>
              <td data-testid="both-wrong">{t.both_wrong} (neither)</td>
            </tr>
          </tbody>
        </table>
        <Alert tone={significant ? 'success' : 'info'}>
          <span className="test-report-sentence" data-testid="significance">
            {significanceSentence(t)}
          </span>
        </Alert>
      </div>
    </Card>
  );
}

function Adopt({ projectId, runId, rep, live }: { projectId: string; runId: string; rep: OptReport; live: boolean }) {
  const qc = useQueryClient();
  const toast = useToast();
  const adopt = useMutation({
    mutationFn: (candidateId?: number) => goldenApi.adopt(projectId, runId, candidateId),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: promptKeys.list(projectId) });
      toast(`Adopted as prompt version ${p.version}`);
    },
  });
  return (
    <Card title="Adopt the best prompt">
      <p>
        The best candidate is <a href={`#candidate-${rep.best!.id}`}>#{rep.best!.id}</a> ({ORIGIN_LABELS[rep.best!.origin] ?? rep.best!.origin}, step{' '}
        {rep.best!.step}), {pct(rep.best!.val_score ?? rep.best!.score)} on validation
        {rep.best!.test_score !== null ? `, ${pct(rep.best!.test_score)} on test` : ''}.
        {live && <span className="muted"> The run is still going: a better one may come.</span>}
      </p>
      <div className="form-actions form-actions-start">
        <Button variant="primary" onClick={() => adopt.mutate(undefined)} busy={adopt.isPending && adopt.variables === undefined}>
          Adopt as the project’s prompt (new version)
        </Button>
      </div>
      <AdoptOutcome adopt={adopt} />
    </Card>
  );
}

type AdoptMutation = { data?: PromptTemplate; error: unknown; isSuccess: boolean; variables?: number };

function AdoptOutcome({ adopt }: { adopt: AdoptMutation }) {
  if (adopt.isSuccess && adopt.data)
    return (
      <Alert tone="success" title={`Adopted as prompt version ${adopt.data.version}`}>
        <span data-testid="adopted">
          The project’s prompt is now version {adopt.data.version}
          {adopt.data.candidate_id !== null ? ` (candidate #${adopt.data.candidate_id})` : ''}; new evaluations and optimizations start from it.
        </span>
      </Alert>
    );
  if (adopt.error) return <Alert>{formError(adopt.error, {}) ?? 'That did not work.'}</Alert>;
  return null;
}

function Candidates({ projectId, runId, rep }: { projectId: string; runId: string; rep: OptReport }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [open, setOpen] = useState<Set<number>>(new Set());
  const adopt = useMutation({
    mutationFn: (candidateId: number) => goldenApi.adopt(projectId, runId, candidateId),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: promptKeys.list(projectId) });
      toast(`Adopted as prompt version ${p.version}`);
    },
  });
  const toggle = (id: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const stepKey = new Map(rep.steps.map((s) => [s.step, s.key]));
  const list = [...rep.candidates].sort((a, b) => a.id - b.id);
  return (
    <Card title="Candidates" description="Every prompt tried, by id: where it came from, its score on its step’s items, on the whole validation split and on test.">
      {adopt.isSuccess && adopt.data && (
        <Alert tone="success" title={`Adopted as prompt version ${adopt.data.version}`}>
          <span data-testid="adopted-candidate">Candidate #{adopt.data.candidate_id} is now the project’s prompt (version {adopt.data.version}).</span>
        </Alert>
      )}
      {adopt.error ? <Alert>{formError(adopt.error, {}) ?? 'That did not work.'}</Alert> : null}
      {list.length === 0 ? (
        <p className="muted">No candidate yet.</p>
      ) : (
        <div className="table-wrap flush">
          <table className="table table-compact" aria-label="Candidates">
            <thead>
              <tr>
                <th scope="col">Candidate</th>
                <th scope="col">Step</th>
                <th scope="col">Origin</th>
                <th scope="col">Parent</th>
                <th scope="col" className="cell-num">Step score</th>
                <th scope="col" className="cell-num">Validation</th>
                <th scope="col" className="cell-num">Test</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <CandidateRow
                  key={c.id}
                  c={c}
                  best={rep.best?.id === c.id}
                  stepKey={stepKey.get(c.step) ?? String(c.step)}
                  open={open.has(c.id)}
                  onToggle={() => toggle(c.id)}
                  onAdopt={() => adopt.mutate(c.id)}
                  adopting={adopt.isPending && adopt.variables === c.id}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

function CandidateRow({
  c,
  best,
  stepKey,
  open,
  onToggle,
  onAdopt,
  adopting,
}: {
  c: OptCandidate;
  best: boolean;
  stepKey: string;
  open: boolean;
  onToggle: () => void;
  onAdopt: () => void;
  adopting: boolean;
}) {
  return (
    <>
      <tr id={`candidate-${c.id}`} className={open ? 'row-expanded' : undefined} data-testid={`candidate-${c.id}`}>
        <td className="nowrap">
          #{c.id} {best && <Badge tone="success">best</Badge>}
        </td>
        <td className="nowrap" title={stepKey}>
          {c.step}
        </td>
        <td>{ORIGIN_LABELS[c.origin] ?? c.origin}</td>
        <td>{c.parent_id !== null ? <a href={`#candidate-${c.parent_id}`}>#{c.parent_id}</a> : <span className="muted">—</span>}</td>
        <td className="cell-num">{c.scored > 0 ? `${pct(c.score)} (${c.scored})` : <span className="muted">not scored</span>}</td>
        <td className="cell-num">{c.val_score !== null ? `${pct(c.val_score)} (${c.val_n})` : <span className="muted">—</span>}</td>
        <td className="cell-num">{c.test_score !== null ? pct(c.test_score) : <span className="muted">—</span>}</td>
        <td className="cell-actions nowrap">
          <Button size="sm" variant="ghost" aria-expanded={open} aria-label={`${open ? 'Hide' : 'Show'} the prompt of candidate ${c.id}`} onClick={onToggle}>
            {open ? 'Hide' : 'Prompt'}
          </Button>
          {c.scored > 0 && (
            <Button size="sm" onClick={onAdopt} busy={adopting} aria-label={`Adopt candidate ${c.id}`}>
              Adopt
            </Button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="row-detail">
          <td colSpan={8}>
            <pre className="prompt-text mono" data-testid={`prompt-${c.id}`}>
              {c.prompt}
            </pre>
            {c.critique && (
              <div>
                <h3 className="diff-title">Critique (the textual gradient the editor applied)</h3>
                <p className="prompt-critique">{c.critique}</p>
              </div>
            )}
          </td>
        </tr>
      )}
    </>
  );
}
