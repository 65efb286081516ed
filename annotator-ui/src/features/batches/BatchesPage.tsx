// Project → Batches (leads): start the agent over many questions, follow each batch's progress live,
// cancel, resume or retry its failures, read its accuracy against verified gold SQL, its trajectories
// and every model call it made.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  api,
  llmApi,
  streams,
  type AgentBatchParams,
  type LlmCall,
  type PipelineRun,
  type RunAccuracy,
  type RunLogLine,
} from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { isNotConfigured, NotConfiguredAlert } from '../runs/Trajectory';
import { Alert, Badge, Button, Card, ErrorState, ListTable, Loading, SelectField, Stats, TextField, useToast } from '../../components/ui';
import { elapsedMs, formatCost, formatDateTime, formatDuration, formatRelative, formatTokens } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { useSession } from '../../shared/session';
import { useEventStream } from '../../shared/sse';
import { AgentRunsTable, useAgentRuns } from '../agent/AgentPage';
import { useProject } from '../projects/ProjectPage';
import { STATUS_LABELS } from '../../shared/nlqs';
import { agentRunKeys, runKeys } from '../runs/keys';
import { databaseKeys } from '../databases/keys';

export const RUN_STATUS: Record<string, { label: string; tone: string }> = {
  queued: { label: 'Queued', tone: 'neutral' },
  running: { label: 'Running', tone: 'info' },
  succeeded: { label: 'Succeeded', tone: 'success' },
  failed: { label: 'Failed', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'warning' },
};

export function isLive(run: Pick<PipelineRun, 'status'>): boolean {
  return run.status === 'queued' || run.status === 'running';
}

export function RunStatusBadge({ status }: { status: string }) {
  const s = RUN_STATUS[status];
  return (
    <Badge tone={s?.tone ?? 'neutral'}>
      {status === 'running' && <span className="spinner spinner-tiny badge-spinner" aria-hidden="true" />}
      {s?.label ?? status}
    </Badge>
  );
}

export function RunProgress({ run, large = false }: { run: PipelineRun; large?: boolean }) {
  const pct = run.total > 0 ? Math.round((run.done / run.total) * 100) : run.status === 'succeeded' ? 100 : 0;
  return (
    <div className={`run-progress${large ? ' run-progress-large' : ''}`}>
      <div
        className={`progress${run.status === 'failed' ? ' progress-failed' : ''}`}
        role="progressbar"
        aria-label={`Progress of ${run.kind === 'agent' ? 'batch' : 'run'} ${run.id}`}
        aria-valuemin={0}
        aria-valuemax={run.total}
        aria-valuenow={run.done}
        aria-valuetext={`${run.done} of ${run.total} (${pct}%)`}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="run-progress-figures" data-testid="progress-figures">
        {formatCount(run.done)} / {formatCount(run.total)} <span className="muted">({pct}%)</span>
      </span>
    </div>
  );
}


export function ProjectBatches() {
  const project = useProject();
  const projectId = String(project.id);
  return (
    <div className="stack">
      <NewBatch projectId={projectId} />
      <BatchList projectId={projectId} />
    </div>
  );
}

/** The form's values as the API's params: only what was set. */
export function batchParams(form: {
  database: string;
  stage: string;
  status: string;
  limit: string;
  concurrency: string;
  samples: string;
}): AgentBatchParams {
  const p: AgentBatchParams = {};
  if (form.database) p.database_id = Number(form.database);
  if (form.stage.trim()) p.stage = form.stage.trim();
  if (form.status) p.status = form.status;
  if (form.limit.trim()) p.limit = Number(form.limit);
  p.concurrency = form.concurrency.trim() ? Number(form.concurrency) : 16;
  p.samples = form.samples.trim() ? Number(form.samples) : 1;
  return p;
}

const BATCH_FIELDS = ['database_id', 'stage', 'status', 'limit', 'concurrency', 'samples'];

function pick(fields: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([k]) => keys.includes(k)));
}

function NewBatch({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const { user } = useSession();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [form, setForm] = useState({ database: '', stage: '', status: '', limit: '', concurrency: '16', samples: '1' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const start = useMutation({
    mutationFn: () => llmApi.startAgentBatch(projectId, batchParams(form)),
    onSuccess: ({ run }) => {
      void qc.invalidateQueries({ queryKey: runKeys.list(projectId) });
      toast(`Batch #${run.id} started: ${plural(run.total, 'question')}`);
      navigate(`/projects/${projectId}/batches/${run.id}`);
    },
  });
  const notConfigured = isNotConfigured(start.error) ? start.error : null;
  const fields = notConfigured ? {} : fieldErrors(start.error);
  // Errors of fields this form has show beside them; any other (say `questions`: none match) above the button.
  const general = notConfigured ? null : formError(start.error, pick(fields, BATCH_FIELDS));
  const intIn = (v: string, lo: number, hi: number) => v.trim() === '' || (Number.isInteger(Number(v)) && Number(v) >= lo && Number(v) <= hi);
  const local = {
    limit: intIn(form.limit, 1, 1_000_000) ? undefined : 'A whole number, 1 or more.',
    concurrency: intIn(form.concurrency, 1, 256) ? undefined : 'From 1 to 256.',
    samples: intIn(form.samples, 1, 10) ? undefined : 'From 1 to 10.',
  };
  const invalid = Object.values(local).some(Boolean);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!invalid) start.mutate();
  };
  return (
    <Card
      title="New agent batch"
      description="Run the agent on the project’s questions: each answered question gets the agent’s SQL as a candidate."
    >
      <form className="form" onSubmit={submit} aria-label="New agent batch" noValidate>
        <div className="batch-fields">
          <SelectField label="Database" value={form.database} onChange={set('database')} error={fields.database_id}>
            <option value="">All databases</option>
            {(databases.data?.databases ?? []).map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.name}
              </option>
            ))}
          </SelectField>
          <TextField label="Stage" value={form.stage} onChange={set('stage')} error={fields.stage} placeholder="Any stage" />
          <SelectField label="Status" value={form.status} onChange={set('status')} error={fields.status}>
            <option value="">All</option>
            <option value="new">{STATUS_LABELS.new}</option>
            <option value="needs_review">{STATUS_LABELS.needs_review}</option>
          </SelectField>
          <TextField
            label="Limit"
            type="number"
            min={1}
            value={form.limit}
            onChange={set('limit')}
            error={local.limit ?? fields.limit}
            placeholder="All matching"
          />
          <TextField
            label="Concurrency"
            type="number"
            min={1}
            value={form.concurrency}
            onChange={set('concurrency')}
            error={local.concurrency ?? fields.concurrency}
            hint="Agents at once."
          />
          <TextField
            label="Samples"
            type="number"
            min={1}
            max={10}
            value={form.samples}
            onChange={set('samples')}
            error={local.samples ?? fields.samples}
            hint="Per question."
          />
        </div>
        {notConfigured && <NotConfiguredAlert error={notConfigured} isAdmin={user.is_admin} />}
        {general && <Alert>{general}</Alert>}
        <div className="form-actions form-actions-start">
          <Button type="submit" variant="primary" busy={start.isPending} disabled={invalid}>
            Start batch
          </Button>
        </div>
      </form>
    </Card>
  );
}

function BatchList({ projectId }: { projectId: string }) {
  const runs = useQuery({
    queryKey: runKeys.list(projectId),
    queryFn: () => llmApi.listRuns(projectId),
    refetchInterval: (q) => ((q.state.data?.runs ?? []).some(isLive) ? 2000 : false),
  });
  const list = runs.data?.runs ?? [];
  return (
    <ListTable
      title="Batches"
      query={runs}
      count={list.length}
      noun="batches"
      head={
        <tr>
          <th scope="col">Batch</th>
          <th scope="col">Status</th>
          <th scope="col">Progress</th>
          <th scope="col" className="cell-num">
            Answered
          </th>
          <th scope="col" className="cell-num">
            Failed
          </th>
          <th scope="col" className="cell-num">
            Tokens
          </th>
          <th scope="col" className="cell-num">
            Cost
          </th>
          <th scope="col">Started</th>
        </tr>
      }
    >
      {list.map((r) => (
        <tr key={r.id}>
          <td className="nowrap">
            <Link className="strong-link" to={`/projects/${projectId}/batches/${r.id}`}>
              Batch #{r.id}
            </Link>
          </td>
          <td>
            <RunStatusBadge status={r.status} />
          </td>
          <td className="progress-cell">
            <RunProgress run={r} />
          </td>
          <td className="cell-num">{formatCount(r.succeeded)}</td>
          <td className="cell-num">{r.failed > 0 ? <span className="text-danger">{formatCount(r.failed)}</span> : 0}</td>
          <td className="cell-num">{formatTokens(r.prompt_tokens + r.completion_tokens)}</td>
          <td className="cell-num">{formatCost(r.cost_usd)}</td>
          <td className="nowrap muted" title={formatDateTime(r.created_at)}>
            {formatRelative(r.created_at)}
          </td>
        </tr>
      ))}
    </ListTable>
  );
}

// ---------- One batch ----------

type RunData = { run: PipelineRun; accuracy?: RunAccuracy | null };

/** Ticks every second while `on`, so elapsed time and rates stay current. */
export function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [on]);
  return now;
}

interface RunPageOptions {
  /** Names the run in toasts: "Batch #3 cancelled", "Run #3 resumed". */
  noun: string;
  /** The list page under the project, linked from the crumb. */
  listPath: string;
  listLabel: string;
  loadingLabel: string;
  /** Extra queries to refresh when the stream says the run is over (the run and the list always are). */
  onDone?: () => void;
}

/**
 * The controller shared by a batch's page and a pipeline run's page: the run query, its live stream
 * (falling back to polling when the stream is unavailable, and reopened after a resume), the log it
 * streams, the cancel/resume/retry mutations, and the crumb plus the loading and error states to
 * render (`guard`) until the run has loaded.
 */
export function useRunPage<T extends RunData>(projectId: string, runId: string, opts: RunPageOptions) {
  const qc = useQueryClient();
  const toast = useToast();
  const [fallback, setFallback] = useState(false);
  const [log, setLog] = useState<RunLogLine[]>([]);
  const [session, setSession] = useState(0);

  const run = useQuery({
    queryKey: runKeys.detail(projectId, runId),
    queryFn: () => llmApi.getRun(projectId, runId) as Promise<T>,
    refetchInterval: (q) => (fallback && q.state.data && isLive(q.state.data.run) ? 2000 : false),
  });
  const live = run.data ? isLive(run.data.run) : false;
  const now = useNow(live);

  // Opened once even for a finished run (it replays the log, then says done); a resumed run opens it again.
  const streamUrl = run.data && !fallback ? streams.pipelineRun(projectId, runId) : null;
  const streamState = useEventStream(
    streamUrl,
    {
      progress: (d) => qc.setQueryData<T>(runKeys.detail(projectId, runId), (old) => (old ? { ...old, run: d as PipelineRun } : old)),
      log: (d) =>
        setLog((lines) => {
          const line = d as RunLogLine;
          return lines.some((l) => l.id === line.id) ? lines : [...lines, line];
        }),
      done: () => {
        void qc.invalidateQueries({ queryKey: runKeys.detail(projectId, runId) });
        void qc.invalidateQueries({ queryKey: runKeys.list(projectId) });
        opts.onDone?.();
      },
    },
    undefined,
    session,
  );
  useEffect(() => {
    if (streamState === 'fallback') setFallback(true);
  }, [streamState]);

  const after = (verb: string) => ({
    onSuccess: ({ run: next }: { run: PipelineRun }) => {
      qc.setQueryData<RunData>(runKeys.detail(projectId, runId), (old) => ({ ...old, run: next }));
      void qc.invalidateQueries({ queryKey: runKeys.list(projectId) });
      toast(`${opts.noun} #${next.id} ${verb}`);
      setFallback(false);
      setSession((n) => n + 1);
    },
    onError: (err: unknown) => {
      toast(formError(err, {}) ?? 'That did not work.', 'error');
      void qc.invalidateQueries({ queryKey: runKeys.detail(projectId, runId) });
    },
  });
  const cancel = useMutation({ mutationFn: () => llmApi.cancelRun(projectId, runId), ...after('cancelled') });
  const resume = useMutation({ mutationFn: () => llmApi.resumeRun(projectId, runId), ...after('resumed') });
  const retry = useMutation({ mutationFn: () => llmApi.resumeRun(projectId, runId, true), ...after('is retrying its failures') });

  const crumb = (
    <div>
      <Link to={`/projects/${projectId}/${opts.listPath}`}>{opts.listLabel}</Link>
    </div>
  );
  const guard = run.isPending ? (
    <Loading label={opts.loadingLabel} />
  ) : run.isError ? (
    <div className="stack">
      {crumb}
      <ErrorState error={run.error} onRetry={() => run.refetch()} />
    </div>
  ) : null;

  return { run, live, now, fallback, log, cancel, resume, retry, crumb, guard };
}

function describeParams(p: AgentBatchParams | null, dbName: (id: number) => string): string {
  if (!p) return '';
  const parts = [p.database_id ? dbName(p.database_id) : 'all databases'];
  if (p.stage) parts.push(`stage ${p.stage}`);
  if (p.status) parts.push(STATUS_LABELS[p.status]?.toLowerCase() ?? p.status);
  if (p.limit) parts.push(`at most ${p.limit}`);
  parts.push(`${p.concurrency || 16} at once`);
  if ((p.samples ?? 1) > 1) parts.push(`${p.samples} samples`);
  return parts.join(' · ');
}

export function BatchRunPage() {
  const project = useProject();
  const projectId = String(project.id);
  const { runId = '' } = useParams();
  const qc = useQueryClient();
  const { run, live, now, fallback, log, cancel, resume, retry, crumb, guard } = useRunPage<RunData>(projectId, runId, {
    noun: 'Batch',
    listPath: 'batches',
    listLabel: '← All batches',
    loadingLabel: 'Loading the batch…',
    // Refresh the accuracy, the list, the trajectories and the calls with the final figures.
    onDone: () => {
      void qc.invalidateQueries({ queryKey: agentRunKeys.list(projectId, runId) });
      void qc.invalidateQueries({ queryKey: runKeys.allLlmCalls(projectId, runId) });
    },
  });
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, true), queryFn: () => api.listDatabases(projectId, true) });

  if (!run.isSuccess) return guard;
  const r = run.data.run;
  const dbName = (id: number) => databases.data?.databases.find((d) => d.id === id)?.name ?? `database #${id}`;
  const elapsed = elapsedMs(r.started_at, r.finished_at, now);
  const rate = elapsed && elapsed > 0 && r.done > 0 ? r.done / (elapsed / 1000) : null;
  const tokens = r.prompt_tokens + r.completion_tokens;
  const projected = live && r.done > 0 && r.total > r.done ? (r.cost_usd / r.done) * r.total : null;

  return (
    <div className="stack">
      {crumb}
      <Card
        title={
          <span className="batch-title">
            Agent batch #{r.id} <RunStatusBadge status={r.status} />
          </span>
        }
        description={describeParams(r.params, dbName)}
        actions={
          <RunActions run={r} live={live} cancel={cancel} resume={resume} retry={retry} />
        }
      >
        <RunProgress run={r} large />
        <Stats
          testId="run-stats"
          items={[
            { label: 'Answered', value: formatCount(r.succeeded) },
            { label: 'Failed', value: formatCount(r.failed), danger: r.failed > 0 },
            { label: 'Tokens', value: formatTokens(tokens), title: `${r.prompt_tokens} prompt + ${r.completion_tokens} completion` },
            {
              label: live ? 'Cost so far' : 'Cost',
              value: formatCost(r.cost_usd),
              note: projected !== null ? `≈ ${formatCost(projected)} in all` : undefined,
            },
            { label: 'Elapsed', value: r.started_at ? formatDuration(elapsed) : 'not started' },
            { label: 'Speed', value: rate !== null ? `${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)} items/s` : '—' },
          ]}
        />
        {r.error && <Alert title="The batch stopped with an error">{r.error}</Alert>}
        {fallback && live && <p className="muted small-inline">The live stream is unavailable; refreshing every 2 seconds.</p>}
        <AccuracyBlock accuracy={run.data.accuracy ?? null} live={live} />
      </Card>
      <RunLog lines={log} live={live && !fallback} />
      <BatchTrajectories projectId={projectId} runId={runId} live={live} />
      <ModelCalls projectId={projectId} runId={runId} live={live} />
    </div>
  );
}

export function AccuracyBlock({ accuracy, live }: { accuracy: RunAccuracy | null; live: boolean }) {
  if (!accuracy) return null;
  const pct = accuracy.evaluated > 0 ? `${(accuracy.accuracy * 100).toFixed(accuracy.accuracy === 1 ? 0 : 1)}%` : null;
  return (
    <div className={`accuracy${accuracy.evaluated > 0 && accuracy.accuracy >= 0.9 ? ' accuracy-good' : ''}`} data-testid="accuracy">
      {accuracy.evaluated > 0 ? (
        <>
          <span className="accuracy-figure">{pct}</span>
          <span>
            Execution accuracy against verified gold: <strong>{formatCount(accuracy.matched)} / {formatCount(accuracy.evaluated)} ({pct})</strong>
            <span className="muted">
              {' '}
              · {formatCount(accuracy.answered)} of {plural(accuracy.items, 'question')} answered
              {live ? ' so far' : ''}
            </span>
          </span>
        </>
      ) : (
        <span className="muted">
          No accuracy yet: none of the {formatCount(accuracy.answered)} answered questions has verified gold SQL
          {live ? ' so far' : ''}.
        </span>
      )}
    </div>
  );
}

/** A run's Cancel (while live), Resume and Retry failed (once it stopped) buttons. */
export function RunActions({ run, live, cancel, resume, retry }: {
  run: PipelineRun;
  live: boolean;
  cancel: RunMutation;
  resume: RunMutation;
  retry: RunMutation;
}) {
  return (
    <div className="panel-actions">
      {live && (
        <Button variant="danger" size="sm" onClick={() => cancel.mutate()} busy={cancel.isPending}>
          Cancel
        </Button>
      )}
      {!live && (
        <Button size="sm" onClick={() => resume.mutate()} busy={resume.isPending} disabled={run.done >= run.total && run.failed === 0}>
          Resume
        </Button>
      )}
      {!live && run.failed > 0 && (
        <Button size="sm" onClick={() => retry.mutate()} busy={retry.isPending}>
          Retry failed
        </Button>
      )}
    </div>
  );
}

/** What RunActions needs of a cancel, resume or retry mutation. */
type RunMutation = { mutate: () => void; isPending: boolean };

export function RunLog({ lines, live }: { lines: RunLogLine[]; live: boolean }) {
  if (lines.length === 0 && !live) return null;
  return (
    <Card title="Log">
      {lines.length === 0 ? (
        <p className="muted">No log lines yet.</p>
      ) : (
        <ol className="run-log" aria-label="Log" data-testid="run-log">
          {lines.map((l) => (
            <li key={l.id} className={`run-log-${l.level}`}>
              <time dateTime={l.at}>{new Date(l.at).toLocaleTimeString()}</time>
              <span className="run-log-level">{l.level}</span>
              <span>{l.message}</span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function BatchTrajectories({ projectId, runId, live }: { projectId: string; runId: string; live: boolean }) {
  const runs = useAgentRuns(projectId, runId, live);
  const list = runs.data?.pages.flatMap((p) => p.runs) ?? [];
  return (
    <Card title="Trajectories" description="One per question, newest first.">
      {runs.isPending ? (
        <Loading label="Loading trajectories…" />
      ) : runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => runs.refetch()} />
      ) : list.length === 0 ? (
        <p className="muted">No trajectories yet.</p>
      ) : (
        <>
          <AgentRunsTable runs={list} projectId={projectId} showBatch={false} />
          {runs.hasNextPage && (
            <div className="load-more">
              <Button onClick={() => runs.fetchNextPage()} busy={runs.isFetchingNextPage}>
                Load more
              </Button>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

function ModelCalls({ projectId, runId, live }: { projectId: string; runId: string; live: boolean }) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const [withBodies, setWithBodies] = useState(false);
  const calls = useQuery({
    queryKey: runKeys.llmCalls(projectId, runId, withBodies),
    queryFn: () => llmApi.listCalls(projectId, { run_kind: 'agent', run_id: runId, bodies: withBodies }),
    refetchInterval: live ? 5000 : false,
    placeholderData: (prev) => prev,
  });
  const toggle = (id: number) => {
    setWithBodies(true);
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  };
  const u = calls.data?.usage;
  const list = calls.data?.calls ?? [];
  return (
    <Card title="Model calls" description="Every call to the language model this batch made (the newest 100).">
      {calls.isPending ? (
        <Loading label="Loading model calls…" />
      ) : calls.isError ? (
        <ErrorState error={calls.error} onRetry={() => calls.refetch()} />
      ) : (
        <>
          {u && (
            <Stats
              testId="call-usage"
              items={[
                { label: 'Calls', value: formatCount(u.calls) },
                { label: 'Cached', value: formatCount(u.cached_calls) },
                { label: 'Failed', value: formatCount(u.failed_calls), danger: u.failed_calls > 0 },
                { label: 'Tokens', value: formatTokens(u.prompt_tokens + u.completion_tokens) },
                { label: 'Cost', value: formatCost(u.cost_usd) },
              ]}
            />
          )}
          {list.length === 0 ? (
            <p className="muted">No model calls yet.</p>
          ) : (
            <div className="table-wrap flush">
              <table className="table table-compact" aria-label="Model calls">
                <thead>
                  <tr>
                    <th scope="col">Purpose</th>
                    <th scope="col">Model</th>
                    <th scope="col" className="cell-num">
                      Tokens
                    </th>
                    <th scope="col" className="cell-num">
                      Latency
                    </th>
                    <th scope="col" className="cell-num">
                      Attempts
                    </th>
                    <th scope="col">Cached</th>
                    <th scope="col">Error</th>
                    <th scope="col">
                      <span className="visually-hidden">Bodies</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((c) => (
                    <Fragment key={c.id}>
                      <tr className={open.has(c.id) ? 'row-expanded' : undefined}>
                        <td>{c.purpose}</td>
                        <td className="mono small-mono">{c.model}</td>
                        <td className="cell-num" title={`${c.prompt_tokens} prompt + ${c.completion_tokens} completion`}>
                          {formatTokens(c.prompt_tokens + c.completion_tokens)}
                        </td>
                        <td className="cell-num nowrap">{formatDuration(c.latency_ms)}</td>
                        <td className="cell-num">{c.attempts}</td>
                        <td>{c.cached ? <Badge tone="info">cached</Badge> : <span className="muted">—</span>}</td>
                        <td className="clamp text-danger" title={c.error || undefined}>
                          {c.error}
                        </td>
                        <td className="cell-actions">
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-expanded={open.has(c.id)}
                            aria-label={`${open.has(c.id) ? 'Hide' : 'Show'} request and response of call ${c.id}`}
                            onClick={() => toggle(c.id)}
                          >
                            {open.has(c.id) ? 'Hide' : 'JSON'}
                          </Button>
                        </td>
                      </tr>
                      {open.has(c.id) && (
                        <tr className="row-detail">
                          <td colSpan={8}>
                            <CallBodies call={c} loading={!withBodies || calls.isPlaceholderData} />
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Card>
  );
}

function CallBodies({ call, loading }: { call: LlmCall; loading: boolean }) {
  if (loading && call.request === undefined) return <Loading label="Loading the request and response…" />;
  return (
    <div className="json-diff">
      <figure className="json-block">
        <figcaption>Request</figcaption>
        {call.request !== undefined ? <pre>{JSON.stringify(call.request, null, 2)}</pre> : <p className="muted">Not kept.</p>}
      </figure>
      <figure className="json-block">
        <figcaption>Response</figcaption>
        {call.response !== undefined ? <pre>{JSON.stringify(call.response, null, 2)}</pre> : <p className="muted">Not kept.</p>}
      </figure>
    </div>
  );
}
