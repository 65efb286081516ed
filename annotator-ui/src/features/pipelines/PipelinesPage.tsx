// Project → Pipelines (leads): start a generating pipeline (complexity, semantic variety, paraphrase,
// schema-chunk QA, table metadata) with its parameters after previewing the prompt of its first item,
// list every run of every kind, and follow one live: progress, what was kept and what was dropped by
// reason, tokens and cost, its log; cancel, resume or retry it; and, once it ends, the new stage's
// questions and the agent batch it queued over them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { api, GENERATION_KINDS, llmApi, type GenerationKind, type GenerationParams, type PipelineRun, type RunPreview } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { isNotConfigured } from '../runs/Trajectory';
import { Alert, Badge, Button, Card, ListTable, SelectField, TextField, useToast } from '../../components/ui';
import { formatCost, formatDateTime, formatRelative, formatTokens } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { useSession } from '../../shared/session';
import { useProject } from '../projects/ProjectPage';
import { databaseKeys } from '../databases/keys';
import { questionKeys } from '../questions/keys';
import { runKeys } from '../runs/keys';
import { RunStatusBadge } from '../runs/status';
import { useRunPage } from '../runs/useRunPage';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { RunCells, RunHeadCells, WhenCell } from '../runs/RunTable';
import { runName } from '../runs/name';
import { whileLive } from '../runs/status';
import { RunFormFooter, StartButton } from '../runs/RunForm';
import { wholeIn } from '../../shared/forms';

export const KIND_LABELS: Record<string, string> = {
  agent: 'Agent batch',
  complexity: 'Complexity',
  semantic: 'Semantic variety',
  paraphrase: 'Paraphrase',
  qagen: 'Schema-chunk QA',
  table_metadata: 'Table metadata',
  evaluate: 'Evaluation',
  optimize: 'Prompt optimization',
};
const kindLabel = (k: string) => KIND_LABELS[k] ?? k;

const KIND_HINTS: Record<GenerationKind, string> = {
  complexity: 'Rewrites each question of a stage into a more complex one (one method per question).',
  semantic: 'Writes new questions over columns not yet covered, in the style of a question of the stage.',
  paraphrase: 'Rephrases each question of a stage without changing its meaning.',
  qagen: 'Asks for question and SQL pairs over chunks of a database’s tables, runs and validates each SQL.',
  table_metadata: 'Proposes a clean name and a one-line summary for each table of a CSV-imported database.',
};

export const METHODS: Partial<Record<GenerationKind, string[]>> = {
  complexity: ['constraint', 'specific', 'reasoning'],
  paraphrase: ['imperative', 'interrogative', 'lexical', 'morphological'],
};

/** What makes an output be dropped, in the words of the screens. */
export const DROP_LABELS: Record<string, string> = {
  invalid_json: 'invalid JSON',
  empty: 'empty',
  refusal: 'refusal',
  duplicate: 'duplicate',
  near_duplicate: 'near-duplicate',
  too_long: 'too long',
  off_schema: 'off schema',
  wrong_language: 'wrong language',
  sql_failed: 'SQL failed',
  not_validated: 'not validated',
};

const fromStageKinds: GenerationKind[] = ['complexity', 'semantic', 'paraphrase'];
const usesFromStage = (k: GenerationKind) => fromStageKinds.includes(k);
const needsDatabase = (k: GenerationKind) => k === 'qagen' || k === 'table_metadata';
const makesQuestions = (k: string) => k !== 'table_metadata' && k !== 'agent';

/** The stage a run's new questions get: its `stage`, else the server's default. */
export function outputStage(kind: string, p: GenerationParams | null | undefined): string {
  if (p?.stage) return p.stage;
  if (kind === 'qagen') return 'qagen';
  return `${p?.from_stage || 'human-seed'}+${kind}`;
}

export interface RunForm {
  kind: GenerationKind;
  from_stage: string;
  stage: string;
  database: string;
  n: string;
  methods: string[];
  columns: string;
  tables_per_chunk: string;
  num: string;
  sample_rows: string;
  validate: boolean;
  concurrency: string;
  annotate: boolean;
}

export const DEFAULT_FORM: RunForm = {
  kind: 'paraphrase',
  from_stage: '',
  stage: '',
  database: '',
  n: '',
  methods: [],
  columns: '',
  tables_per_chunk: '',
  num: '',
  sample_rows: '',
  validate: true,
  concurrency: '',
  annotate: true,
};

/** The form's values as the API's params: only what the pipeline takes and was set (the server fills defaults). */
export function generationParams(form: RunForm): GenerationParams {
  const k = form.kind;
  const p: GenerationParams = {};
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  if (usesFromStage(k) && form.from_stage) p.from_stage = form.from_stage;
  if (k !== 'table_metadata' && form.stage.trim()) p.stage = form.stage.trim();
  if (form.database) p.database_id = Number(form.database);
  if (k === 'complexity' || k === 'paraphrase' || k === 'semantic') p.n = num(form.n);
  const all = METHODS[k];
  // All methods is the default: send a choice only when it is narrower.
  if (all && form.methods.length > 0 && form.methods.length < all.length) p.methods = all.filter((m) => form.methods.includes(m));
  if (k === 'semantic') p.columns = num(form.columns);
  if (k === 'qagen') {
    p.tables_per_chunk = num(form.tables_per_chunk);
    p.num = num(form.num);
    p.sample_rows = num(form.sample_rows);
    if (!form.validate) p.validate = false;
  }
  p.concurrency = num(form.concurrency);
  if (k !== 'table_metadata' && !form.annotate) p.annotate = false;
  for (const key of Object.keys(p) as (keyof GenerationParams)[]) if (p[key] === undefined) delete p[key];
  return p;
}


/** Errors the form can tell before asking the server. */
export function localErrors(form: RunForm): Record<string, string> {
  const out: Record<string, string> = {};
  const k = form.kind;
  if (needsDatabase(k) && !form.database) out.database_id = 'Choose a database.';
  if (!wholeIn(form.n, 0, 100_000)) out.n = 'A whole number from 0 to 100000.';
  if (k === 'semantic' && !wholeIn(form.columns, 1, 8)) out.columns = 'From 1 to 8.';
  if (k === 'qagen') {
    if (!wholeIn(form.tables_per_chunk, 1, 20)) out.tables_per_chunk = 'From 1 to 20.';
    if (!wholeIn(form.num, 1, 50)) out.num = 'From 1 to 50.';
    if (!wholeIn(form.sample_rows, 0, 20)) out.sample_rows = 'From 0 to 20.';
  }
  if (!wholeIn(form.concurrency, 1, 64)) out.concurrency = 'From 1 to 64.';
  if (METHODS[k] && form.methods.length === 0) out.methods = 'Choose at least one method.';
  return out;
}

const FORM_FIELDS = ['kind', 'pipeline', 'from_stage', 'stage', 'database_id', 'n', 'methods', 'columns', 'tables_per_chunk', 'num', 'sample_rows', 'concurrency'];

export function ProjectPipelines() {
  const project = useProject();
  const projectId = String(project.id);
  return (
    <div className="stack">
      <NewRun projectId={projectId} />
      <RunList projectId={projectId} />
    </div>
  );
}

function NewRun({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { user } = useSession();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const facets = useQuery({ queryKey: questionKeys.facets(projectId), queryFn: () => api.nlqFacets(projectId) });
  const stages = Object.entries(facets.data?.stages ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const [form, setForm] = useState<RunForm>({ ...DEFAULT_FORM, methods: METHODS.paraphrase ?? [] });
  // The from-stage defaults to human-seed when it exists, else the first stage.
  const fromStage = form.from_stage || (stages.some(([s]) => s === 'human-seed') ? 'human-seed' : (stages[0]?.[0] ?? ''));
  const effective: RunForm = { ...form, from_stage: fromStage };
  const params = generationParams(effective);
  const set = (k: keyof RunForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const setKind = (e: { target: { value: string } }) => {
    const kind = e.target.value as GenerationKind;
    setForm((f) => ({ ...f, kind, methods: METHODS[kind] ?? [] }));
  };
  const toggleMethod = (m: string) =>
    setForm((f) => ({ ...f, methods: f.methods.includes(m) ? f.methods.filter((x) => x !== m) : [...f.methods, m] }));

  const preview = useMutation({
    mutationFn: (body: { kind: GenerationKind; params: GenerationParams }) => llmApi.previewGeneration(projectId, body.kind, body.params),
  });
  const start = useMutation({
    mutationFn: () => llmApi.startGeneration(projectId, form.kind, params),
    onSuccess: ({ run }) => {
      void qc.invalidateQueries({ queryKey: runKeys.list(projectId) });
      toast(`${runName(`${kindLabel(run.kind)} run`, run)} started: ${plural(run.total, 'item')}`);
      navigate(`/projects/${projectId}/pipelines/${run.id}`);
    },
  });
  // The error of whichever was asked last shows: starting clears a preview's error, previewing a start's.
  const error = start.error ?? preview.error;
  const notConfigured = isNotConfigured(error) ? error : null;
  const server = notConfigured ? {} : fieldErrors(error);
  const local = localErrors(effective);
  const fields = { ...server, ...local };
  const general = notConfigured ? null : formError(error, Object.fromEntries(Object.entries(server).filter(([k]) => FORM_FIELDS.includes(k))));
  const invalid = Object.keys(local).length > 0;
  const previewed = preview.data?.preview;
  const stale = previewed && preview.variables && JSON.stringify(preview.variables) !== JSON.stringify({ kind: form.kind, params });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    preview.reset();
    if (!invalid) start.mutate();
  };
  const askPreview = () => {
    start.reset();
    if (!invalid) preview.mutate({ kind: form.kind, params });
  };
  const k = form.kind;
  return (
    <Card title="New pipeline run" description={KIND_HINTS[k]}>
      <form className="form" onSubmit={submit} aria-label="New pipeline run" noValidate>
        <div className="batch-fields">
          <SelectField label="Pipeline" value={k} onChange={setKind} error={fields.kind ?? fields.pipeline}>
            {GENERATION_KINDS.map((g) => (
              <option key={g} value={g}>
                {kindLabel(g)}
              </option>
            ))}
          </SelectField>
          {usesFromStage(k) && (
            <SelectField label="From stage" value={fromStage} onChange={set('from_stage')} error={fields.from_stage}>
              {stages.length === 0 && <option value="">No questions yet</option>}
              {stages.map(([s, n]) => (
                <option key={s} value={s}>
                  {s} ({formatCount(n)})
                </option>
              ))}
            </SelectField>
          )}
          {k !== 'table_metadata' && (
            <TextField
              label="New stage"
              value={form.stage}
              onChange={set('stage')}
              error={fields.stage}
              placeholder={outputStage(k, { from_stage: fromStage })}
            />
          )}
          <SelectField
            label="Database"
            value={form.database}
            onChange={set('database')}
            error={fields.database_id}
            hint={needsDatabase(k) ? undefined : 'Only questions about it.'}
          >
            <option value="">{needsDatabase(k) ? 'Choose…' : 'All databases'}</option>
            {(databases.data?.databases ?? [])
              .filter((d) => k !== 'table_metadata' || d.kind === 'csv')
              .map((d) => (
                <option key={d.id} value={String(d.id)}>
                  {d.name}
                </option>
              ))}
          </SelectField>
          {(k === 'complexity' || k === 'paraphrase' || k === 'semantic') && (
            <TextField
              label={k === 'semantic' ? 'Questions to write' : 'Questions to rewrite'}
              type="number"
              min={0}
              value={form.n}
              onChange={set('n')}
              error={fields.n}
              placeholder={k === 'semantic' ? '50' : 'All of the stage'}
            />
          )}
          {k === 'semantic' && (
            <TextField label="Columns per question" type="number" min={1} max={8} value={form.columns} onChange={set('columns')} error={fields.columns} placeholder="2" />
          )}
          {k === 'qagen' && (
            <>
              <TextField label="Tables per chunk" type="number" min={1} max={20} value={form.tables_per_chunk} onChange={set('tables_per_chunk')} error={fields.tables_per_chunk} placeholder="3" />
              <TextField label="Questions per chunk" type="number" min={1} max={50} value={form.num} onChange={set('num')} error={fields.num} placeholder="5" />
              <TextField label="Sample rows" type="number" min={0} max={20} value={form.sample_rows} onChange={set('sample_rows')} error={fields.sample_rows} placeholder="3" />
            </>
          )}
          <TextField label="Concurrency" type="number" min={1} max={64} value={form.concurrency} onChange={set('concurrency')} error={fields.concurrency} placeholder="16" />
        </div>
        {METHODS[k] && (
          <fieldset className="method-choice" aria-describedby={fields.methods ? 'methods-error' : undefined}>
            <legend>Methods</legend>
            {METHODS[k]!.map((m) => (
              <label key={m} className="checkbox">
                <input type="checkbox" checked={form.methods.includes(m)} onChange={() => toggleMethod(m)} />
                <span>{m}</span>
              </label>
            ))}
            {fields.methods && (
              <p className="field-error" id="methods-error">
                {fields.methods}
              </p>
            )}
          </fieldset>
        )}
        <div className="method-choice">
          {k === 'qagen' && (
            <label className="checkbox">
              <input type="checkbox" checked={form.validate} onChange={(e) => setForm((f) => ({ ...f, validate: e.target.checked }))} />
              <span>Ask the validator whether each result answers its question</span>
            </label>
          )}
          {k !== 'table_metadata' && (
            <label className="checkbox">
              <input type="checkbox" checked={form.annotate} onChange={(e) => setForm((f) => ({ ...f, annotate: e.target.checked }))} />
              <span>Queue an agent batch over the new questions when the run ends</span>
            </label>
          )}
        </div>
        <RunFormFooter notConfigured={notConfigured} isAdmin={user.is_admin} general={general}>
          <Button onClick={askPreview} busy={preview.isPending} disabled={invalid}>
            Preview prompt
          </Button>
          <StartButton busy={start.isPending} disabled={invalid}>
            Start run
          </StartButton>
        </RunFormFooter>
      </form>
      {previewed && <PromptPreview preview={previewed} stale={Boolean(stale)} />}
    </Card>
  );
}

/** The rendered prompt of a run's first item, read-only. */
export function PromptPreview({ preview, stale = false }: { preview: RunPreview; stale?: boolean }) {
  const messages = preview.messages ?? [];
  return (
    <section className="prompt-preview" aria-label="Prompt preview" data-testid="prompt-preview">
      <p className="muted">
        {kindLabel(preview.pipeline)} · prompt <span className="mono small-mono">{preview.prompt_version}</span> · model{' '}
        <span className="mono small-mono">{preview.model || 'not set'}</span> · first item <span className="mono small-mono">{preview.item}</span> of{' '}
        {plural(preview.items, 'item')}
      </p>
      {stale && <p className="text-warning small">The form changed since this preview: preview again to see the prompt it would send.</p>}
      {preview.note && <Alert>{preview.note}</Alert>}
      {messages.length === 0 ? (
        <p className="muted">No prompt: the run has no item.</p>
      ) : (
        messages.map((m, i) => (
          <figure key={i} className="json-block">
            <figcaption>{m.role}</figcaption>
            <pre className="prompt-text" aria-label={`Prompt: ${m.role} message`}>
              {m.content}
            </pre>
          </figure>
        ))
      )}
    </section>
  );
}

/** Kept and dropped outputs as one bar, and a chip per drop reason. */
export function DroppedBreakdown({ kept, dropped }: { kept: number; dropped: Record<string, number> | null | undefined }) {
  const reasons = Object.entries(dropped ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const droppedTotal = reasons.reduce((s, [, n]) => s + n, 0);
  const total = kept + droppedTotal;
  if (total === 0) return <p className="muted">Nothing kept or dropped yet.</p>;
  const pct = (n: number) => `${(n / total) * 100}%`;
  return (
    <div className="dropped" data-testid="dropped">
      <div className="dropped-bar" aria-hidden="true">
        <span className="dropped-kept" style={{ width: pct(kept) }} />
        {reasons.map(([r, n], i) => (
          <span key={r} className={`dropped-seg dropped-seg-${i % 5}`} style={{ width: pct(n) }} title={`${DROP_LABELS[r] ?? r}: ${n}`} />
        ))}
      </div>
      <ul className="dropped-chips" aria-label="Kept and dropped">
        <li className="dropped-chip dropped-chip-kept">
          kept <strong>{formatCount(kept)}</strong>
        </li>
        {reasons.map(([r, n], i) => (
          <li key={r} className={`dropped-chip dropped-chip-${i % 5}`} data-reason={r}>
            {DROP_LABELS[r] ?? r} <strong>{formatCount(n)}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

const droppedCount = (r: PipelineRun) => Object.values(r.dropped ?? {}).reduce((s, n) => s + n, 0);
const RUN_PAGES: Record<string, string> = { agent: 'batches', evaluate: 'evaluations', optimize: 'optimizations' };
const runPath = (projectId: string, r: Pick<PipelineRun, 'id' | 'kind'>) => `/projects/${projectId}/${RUN_PAGES[r.kind] ?? 'pipelines'}/${r.id}`;

function RunList({ projectId }: { projectId: string }) {
  const runs = useQuery({
    queryKey: runKeys.listAllKinds(projectId),
    queryFn: () => llmApi.listRuns(projectId, ''),
    refetchInterval: whileLive((q) => q.state.data?.runs ?? []),
  });
  const list = runs.data?.runs ?? [];
  return (
    <ListTable
      title="Runs"
      description="Every pipeline run and agent batch, newest first."
      query={runs}
      count={list.length}
      noun="runs"
      head={
        <tr>
          <RunHeadCells label="Run" between={<th scope="col">Kind</th>} />
          <th scope="col" className="cell-num">Kept</th>
          <th scope="col" className="cell-num">Dropped</th>
          <th scope="col" className="cell-num">Failed</th>
          <th scope="col" className="cell-num">Tokens</th>
          <th scope="col" className="cell-num">Cost</th>
          <th scope="col">Started</th>
          <th scope="col">Ended</th>
        </tr>
      }
    >
      {list.map((r) => {
        const d = droppedCount(r);
        return (
          <tr key={r.id}>
            <RunCells run={r} to={runPath(projectId, r)} label={`${kindLabel(r.kind)} run`} between={<td className="nowrap">{kindLabel(r.kind)}</td>} />
            <td className="cell-num">{r.kind === 'agent' ? <span className="muted">—</span> : formatCount(r.kept ?? 0)}</td>
            <td
              className="cell-num"
              title={Object.entries(r.dropped ?? {})
                .map(([k, n]) => `${DROP_LABELS[k] ?? k}: ${n}`)
                .join(', ') || undefined}
            >
              {r.kind === 'agent' ? <span className="muted">—</span> : formatCount(d)}
            </td>
            <td className="cell-num">{r.failed > 0 ? <span className="text-danger">{formatCount(r.failed)}</span> : 0}</td>
            <td className="cell-num">{formatTokens(r.prompt_tokens + r.completion_tokens)}</td>
            <td className="cell-num">{formatCost(r.cost_usd)}</td>
            <WhenCell at={r.started_at ?? r.created_at} />
            <td className="nowrap muted" title={formatDateTime(r.finished_at)}>
              {r.finished_at ? formatRelative(r.finished_at) : '—'}
            </td>
          </tr>
        );
      })}
    </ListTable>
  );
}

// ---------- One run ----------

type RunData = Awaited<ReturnType<typeof llmApi.getRun>> & { items?: RunItem[] | null };
interface RunItem {
  key: string;
  status: string;
  detail: { proposal?: { table: string; original: string; name: string; summary: string } } | null;
}

function describeGeneration(r: PipelineRun, dbName: (id: number) => string): string {
  const p = r.params ?? {};
  const parts: string[] = [];
  if (usesFromStage(r.kind as GenerationKind)) parts.push(`from ${p.from_stage || 'human-seed'}`);
  if (makesQuestions(r.kind)) parts.push(`into ${outputStage(r.kind, p)}`);
  parts.push(p.database_id ? dbName(p.database_id) : 'all databases');
  if (p.n) parts.push(`n ${p.n}`);
  if (p.methods?.length) parts.push(p.methods.join(', '));
  if (p.tables_per_chunk) parts.push(`${p.tables_per_chunk} tables per chunk`);
  if (p.num) parts.push(`${p.num} per chunk`);
  parts.push(`${p.concurrency || 16} at once`);
  return parts.join(' · ');
}

export function PipelineRunPage() {
  const project = useProject();
  const projectId = String(project.id);
  const { runId = '' } = useParams();
  const qc = useQueryClient();
  const page = useRunPage<RunData>(projectId, runId, {
    noun: (r) => `${kindLabel(r.kind)} run`,
    listPath: 'pipelines',
    listLabel: '← All runs',
    loadingLabel: 'Loading the run…',
    onDone: () => void qc.invalidateQueries({ queryKey: questionKeys.facets(projectId) }),
  });
  const { run, live, now, fallback, log, crumb, guard } = page;
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, true), queryFn: () => api.listDatabases(projectId, true) });
  const r = run.data?.run;
  // The agent batch a generating run queued over its new questions says so with params.from_run.
  const batches = useQuery({
    queryKey: runKeys.list(projectId),
    queryFn: () => llmApi.listRuns(projectId),
    enabled: Boolean(r && !live && makesQuestions(r.kind)),
  });
  const batch = (batches.data?.runs ?? []).find((b) => b.params?.from_run === Number(runId)) ?? null;

  if (!run.isSuccess) return guard;
  const data = run.data;
  const cur = data.run;
  if (RUN_PAGES[cur.kind]) return <Navigate to={runPath(projectId, cur)} replace />;
  const dbName = (id: number) => databases.data?.databases.find((d) => d.id === id)?.name ?? `database #${id}`;
  const dropped = droppedCount(cur);
  const stage = outputStage(cur.kind, cur.params);
  return (
    <div className="stack">
      {crumb}
      <RunCard
        title={`${kindLabel(cur.kind)} run`}
        noun="run"
        run={cur}
        page={page}
        description={describeGeneration(cur, dbName)}
        stats={[
          { label: cur.kind === 'table_metadata' ? 'Proposals' : 'Kept', value: formatCount(cur.kept ?? 0) },
          { label: 'Dropped', value: formatCount(dropped) },
          { label: 'Failed items', value: formatCount(cur.failed), danger: cur.failed > 0 },
          ...usageStats(cur, live, now),
        ]}
        details={
          <>
            <p className="muted small">
              Started {cur.started_at ? formatDateTime(cur.started_at) : '—'} · ended {cur.finished_at ? formatDateTime(cur.finished_at) : '—'}
            </p>
            <DroppedBreakdown kept={cur.kept ?? 0} dropped={cur.dropped} />
          </>
        }
      >
        {!live && makesQuestions(cur.kind) && (
          <div className="run-outcome" data-testid="run-outcome">
            {(cur.kept ?? 0) > 0 ? (
              <Link className="strong-link" to={`/projects/${projectId}/questions?stage=${encodeURIComponent(stage)}`}>
                {plural(cur.kept ?? 0, 'new question')} in stage {stage}
              </Link>
            ) : (
              <span className="muted">No question kept.</span>
            )}
            {batch ? (
              <span>
                Agent batch over them:{' '}
                <Link to={`/projects/${projectId}/batches/${batch.id}`}>{runName('Batch', batch)}</Link> <RunStatusBadge status={batch.status} />{' '}
                <span className="muted">
                  {formatCount(batch.done)} / {formatCount(batch.total)}
                </span>
              </span>
            ) : (
              (cur.kept ?? 0) > 0 &&
              cur.params?.annotate !== false &&
              !batches.isPending && <span className="muted">No agent batch was queued.</span>
            )}
          </div>
        )}
      </RunCard>
      {cur.kind === 'table_metadata' && <Proposals projectId={projectId} databaseId={cur.params?.database_id} items={data.items ?? []} />}
      <RunLog lines={log} live={live && !fallback} />
    </div>
  );
}

function Proposals({ projectId, databaseId, items }: { projectId: string; databaseId?: number; items: RunItem[] }) {
  const proposals = items.flatMap((i) => (i.detail?.proposal ? [i.detail.proposal] : []));
  return (
    <Card title="Proposals" description="A clean name and summary per table; accept or edit them on the database’s page.">
      {proposals.length === 0 ? (
        <p className="muted">No proposal yet.</p>
      ) : (
        <div className="table-wrap flush">
          <table className="table table-compact" aria-label="Proposals">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Proposed name</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              {proposals.map((p) => (
                <tr key={p.table}>
                  <td className="mono small-mono">
                    {databaseId ? <Link to={`/projects/${projectId}/databases/${databaseId}?table=${encodeURIComponent(p.table)}`}>{p.table}</Link> : p.table}
                  </td>
                  <td className="mono small-mono">
                    {p.name} {p.name === p.table && <Badge>unchanged</Badge>}
                  </td>
                  <td>{p.summary}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
