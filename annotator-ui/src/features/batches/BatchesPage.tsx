// Project → Batches (leads): start the agent over many questions, follow each batch's progress live,
// cancel, resume or retry its failures, read its accuracy against verified gold SQL, its trajectories
// and every model call it made.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, llmApi, type AgentBatchParams, type RunAccuracy } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { isNotConfigured } from '../runs/Trajectory';
import { Button, Card, ErrorState, ListTable, Loading, SelectField, TextField, useToast } from '../../components/ui';
import { elapsedMs, formatCost, formatTokens } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { useSession } from '../../shared/session';
import { AgentRunsTable, useAgentRuns } from '../agent/AgentPage';
import { useProject } from '../projects/ProjectPage';
import { STATUS_LABELS } from '../../shared/nlqs';
import { agentRunKeys, runKeys } from '../runs/keys';
import { runName } from '../runs/name';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { RunCells, RunHeadCells, WhenCell } from '../runs/RunTable';
import { whileLive } from '../runs/status';
import { useRunPage, type RunData } from '../runs/useRunPage';
import { ModelCalls } from './ModelCalls';
import { databaseKeys } from '../databases/keys';
import { RunFormFooter, StartButton } from '../runs/RunForm';

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
      toast(`${runName('Batch', run)} started: ${plural(run.total, 'question')}`);
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
        <RunFormFooter notConfigured={notConfigured} isAdmin={user.is_admin} general={general}>
          <StartButton busy={start.isPending} disabled={invalid}>
            Start batch
          </StartButton>
        </RunFormFooter>
      </form>
    </Card>
  );
}

function BatchList({ projectId }: { projectId: string }) {
  const runs = useQuery({
    queryKey: runKeys.list(projectId),
    queryFn: () => llmApi.listRuns(projectId),
    refetchInterval: whileLive((q) => q.state.data?.runs ?? []),
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
          <RunHeadCells label="Batch" />
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
          <RunCells run={r} to={`/projects/${projectId}/batches/${r.id}`} label="Batch" />
          <td className="cell-num">{formatCount(r.succeeded)}</td>
          <td className="cell-num">{r.failed > 0 ? <span className="text-danger">{formatCount(r.failed)}</span> : 0}</td>
          <td className="cell-num">{formatTokens(r.prompt_tokens + r.completion_tokens)}</td>
          <td className="cell-num">{formatCost(r.cost_usd)}</td>
          <WhenCell at={r.created_at} />
        </tr>
      ))}
    </ListTable>
  );
}

// ---------- One batch ----------

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
  const page = useRunPage<RunData>(projectId, runId, {
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
  const { run, live, now, fallback, log, crumb, guard } = page;
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, true), queryFn: () => api.listDatabases(projectId, true) });

  if (!run.isSuccess) return guard;
  const r = run.data.run;
  const dbName = (id: number) => databases.data?.databases.find((d) => d.id === id)?.name ?? `database #${id}`;
  const elapsed = elapsedMs(r.started_at, r.finished_at, now);
  const rate = elapsed && elapsed > 0 && r.done > 0 ? r.done / (elapsed / 1000) : null;
  const projected = live && r.done > 0 && r.total > r.done ? (r.cost_usd / r.done) * r.total : null;

  return (
    <div className="stack">
      {crumb}
      <RunCard
        title="Agent batch"
        noun="batch"
        run={r}
        page={page}
        description={describeParams(r.params, dbName)}
        stats={[
          { label: 'Answered', value: formatCount(r.succeeded) },
          { label: 'Failed', value: formatCount(r.failed), danger: r.failed > 0 },
          ...usageStats(r, live, now, projected !== null ? `≈ ${formatCost(projected)} in all` : undefined),
          { label: 'Speed', value: rate !== null ? `${rate < 10 ? rate.toFixed(2) : rate.toFixed(1)} items/s` : '—' },
        ]}
      >
        <AccuracyBlock accuracy={run.data.accuracy ?? null} live={live} />
      </RunCard>
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
