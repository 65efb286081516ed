// Project → Metrics (reviewers read, leads also compute): the diversity and complexity figures of Turing's human-in-the-loop Text2SQL study for the dataset,
// stage by stage — the newest computation that succeeded, what it was computed with (the embedding,
// named plainly when it is the lexical fallback, and the inputs hash), its table and charts, the details
// of one set, the disagreement rate per cycle, and every computation. A lead recomputes on demand and
// follows the run until it ends; a failure keeps the last good figures on screen with its reason.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, ApiError } from '../../shared/api';
import { DisagreementChart } from '../../components/DisagreementChart';
import { CoverageHeatMap, SetDetails, StageCharts, StageTable } from './MetricsReport';
import { formatCount } from '../../components/ResultGrid';
import { Alert, Badge, Button, Card, CopyButton, EmptyState, ErrorState, FilterSelect, Loading, Table, useToast } from '../../components/ui';
import { dashboardApi } from '../dashboard/api';
import { elapsedMs, formatDateTime, formatDuration, formatRelative } from '../../shared/format';
import { formError } from '../../shared/forms';
import { computationName, describeEmbedding, metricsApi, newestRunning, shortHash, stageName, stageRows, startedBy, TRIGGER_LABELS, type MetricResult, type MetricRun } from './api';
import { canManageProject, canReadDashboard } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { useProject } from '../projects/ProjectPage';
import { dashboardKeys } from '../dashboard/keys';
import { metricsKeys } from './keys';
import { projectKeys } from '../projects/keys';

export const POLL_MS = 1000;

/** Ticks every second while `on`, so an elapsed time stays current. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const t = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(t);
  }, [on]);
  return now;
}

interface Computation {
  /** The run being followed while it runs. */
  running: MetricRun | null;
  /** The last followed run that failed, shown until the next computation starts. */
  failed: MetricRun | null;
  /** Something to say about the last request (a computation was already running). */
  notice: string | null;
  start: (lexical: boolean) => void;
  starting: boolean;
  startError: string | null;
}

/**
 * Starts computations and follows the one running (ours, or one found running) by polling it every
 * second until it ends: success puts its figures on screen, failure keeps the last good ones.
 */
function useComputation(projectId: string, enabled: boolean): Computation & { runs: ReturnType<typeof useRuns> } {
  const qc = useQueryClient();
  const toast = useToast();
  const runs = useRuns(projectId, enabled);
  const [followed, setFollowed] = useState<number | null>(null);
  const [failed, setFailed] = useState<MetricRun | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const activeId = followed ?? (runs.data ? newestRunning(runs.data)?.id : null) ?? null;
  const active = useQuery({
    queryKey: metricsKeys.run(projectId, activeId),
    queryFn: () => metricsApi.run(projectId, activeId as number),
    enabled: enabled && activeId !== null,
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'running' ? false : POLL_MS),
  });
  const current = active.data && active.data.id === activeId ? active.data : null;
  const ended = current && current.status !== 'running' ? current : null;

  // Once per run that ends: a refetch of the same ended run must not toast again.
  const handled = useRef<string | null>(null);
  useEffect(() => {
    if (!ended || handled.current === `${ended.id}/${ended.status}`) return;
    handled.current = `${ended.id}/${ended.status}`;
    setFollowed(null);
    if (ended.status === 'succeeded') {
      // The finished run carries its results: it is the newest good computation.
      qc.setQueryData(metricsKeys.latest(projectId), ended);
      toast(`Metrics computed (${computationName(ended)})`);
    } else {
      setFailed(ended);
    }
    void qc.invalidateQueries({ queryKey: metricsKeys.runs(projectId) });
  }, [ended, projectId, qc, toast]);

  const compute = useMutation({
    mutationFn: (lexical: boolean) => metricsApi.compute(projectId, lexical ? { embedding: 'lexical' } : {}),
    onMutate: () => {
      setFailed(null);
      setNotice(null);
    },
    onSuccess: (run) => {
      qc.setQueryData(metricsKeys.run(projectId, run.id), run);
      setFollowed(run.id);
      void qc.invalidateQueries({ queryKey: metricsKeys.runs(projectId) });
    },
    onError: async (err) => {
      if (!(err instanceof ApiError && err.status === 409)) return;
      const list = await qc.fetchQuery({ queryKey: metricsKeys.runs(projectId), queryFn: () => metricsApi.runs(projectId), staleTime: 0 });
      const other = newestRunning(list);
      if (other) {
        setFollowed(other.id);
        setNotice(`A computation is already running (${computationName(other)}); following it instead of starting another.`);
      } else {
        setNotice('A computation was already running and has just ended.');
        void qc.invalidateQueries({ queryKey: metricsKeys.latest(projectId) });
      }
    },
  });
  const conflict = compute.error instanceof ApiError && compute.error.status === 409;
  // Until its first poll answers, the run is known from the list that named it.
  const listed = runs.data?.find((r) => r.id === activeId) ?? null;
  return {
    runs,
    running: activeId === null ? null : current ? (current.status === 'running' ? current : null) : listed,
    failed,
    notice,
    start: (lexical) => compute.mutate(lexical),
    starting: compute.isPending,
    startError: compute.error && !conflict ? formError(compute.error, {}) : null,
  };
}

function useRuns(projectId: string, enabled: boolean) {
  return useQuery({ queryKey: metricsKeys.runs(projectId), queryFn: () => metricsApi.runs(projectId), enabled });
}

export function ProjectMetrics() {
  const project = useProject();
  const pid = String(project.id);
  const lead = canManageProject(project.my_role);
  const allowed = canReadDashboard(project.my_role);
  const latest = useQuery({ queryKey: metricsKeys.latest(pid), queryFn: () => metricsApi.latest(pid), enabled: allowed });
  const computation = useComputation(pid, allowed);

  if (!allowed) {
    return (
      <Alert tone="warning" title="Metrics are for reviewers and leads">
        Ask a lead of this project if you need to follow its figures.
      </Alert>
    );
  }
  const compute = lead ? <ComputeControls computation={computation} first={latest.data === null} /> : null;
  return (
    <div className="stack">
      {latest.isPending ? (
        <Loading label="Loading metrics…" />
      ) : latest.isError ? (
        <ErrorState error={latest.error} onRetry={() => latest.refetch()} />
      ) : latest.data === null ? (
        <Card title="Dataset metrics">
          <ComputeStatus computation={computation} shown={null} />
          <EmptyState title="No metrics computed yet" action={compute}>
            {lead
              ? 'Compute them to see, stage by stage, how varied the questions are, how much of the schema the SQL covers, and how complex it is.'
              : 'A lead of this project computes them; they appear here once computed.'}
          </EmptyState>
        </Card>
      ) : (
        <MetricsView projectId={pid} run={latest.data} controls={compute} computation={computation} lead={lead} />
      )}
      <DisagreementCard projectId={pid} />
      <HistoryCard runs={computation.runs} shown={latest.data?.id ?? null} />
    </div>
  );
}

function ComputeControls({ computation, first }: { computation: Computation; first: boolean }) {
  const [lexical, setLexical] = useState(false);
  return (
    <div className="compute-bar">
      <label className="choice small" title="Hashed character n-grams instead of the embeddings model: offline, but not semantic">
        <input type="checkbox" checked={lexical} onChange={(e) => setLexical(e.target.checked)} /> Use the lexical fallback
      </label>
      <Button variant="primary" size="sm" onClick={() => computation.start(lexical)} busy={computation.starting} disabled={computation.running !== null}>
        {first ? 'Compute metrics' : 'Recompute'}
      </Button>
    </div>
  );
}

/** The run being computed (spinner, elapsed time, status), or why the last one failed. */
function ComputeStatus({ computation, shown }: { computation: Computation; shown: MetricRun | null }) {
  const { running, failed, notice, startError } = computation;
  const now = useNow(running !== null);
  return (
    <>
      {running && (
        <div className="compute-progress" data-testid="compute-progress">
          <span className="spinner spinner-inline" aria-hidden="true" />
          <span role="status">Computing metrics ({computationName(running)})…</span>
          <span className="muted small">
            {formatDuration(elapsedMs(running.created_at, null, now) ?? 0)} · {running.status}
          </span>
        </div>
      )}
      {notice && <Alert tone="info">{notice}</Alert>}
      {startError && <Alert title="Could not start the computation">{startError}</Alert>}
      {failed && (
        <Alert title={`${computationName(failed)} failed`}>
          <p className="prewrap">{failed.error || 'No reason was recorded.'}</p>
          {shown && <p className="small">The figures below are still those of {computationName(shown)}, the last one that succeeded.</p>}
        </Alert>
      )}
    </>
  );
}

export function EmbeddingLabel({ name }: { name: string }) {
  const e = describeEmbedding(name);
  return (
    <span className="embedding-label" data-testid="embedding">
      {e.lexical ? <Badge tone="warning">Lexical fallback</Badge> : null}
      <span>{e.text}</span>
      {e.lexical && <code className="small-mono">{name}</code>}
    </span>
  );
}

/** What the figures were computed from, so they can be reproduced. */
function RunFacts({ run }: { run: MetricRun }) {
  const { user } = useSession();
  const project = useProject();
  const members = useQuery({
    queryKey: projectKeys.members(project.id),
    queryFn: () => api.listMembers(project.id),
    enabled: canManageProject(project.my_role) && run.started_by !== null && run.started_by !== user.id,
  });
  const emails = useMemo(() => new Map((members.data?.members ?? []).map((m) => [m.user_id, m.email])), [members.data]);
  return (
    <dl className="metrics-facts" aria-label="Computation">
      <div>
        <dt>Embedding</dt>
        <dd>
          <EmbeddingLabel name={run.embedding} />
        </dd>
      </div>
      <div>
        <dt>Computed</dt>
        <dd title={formatDateTime(run.finished_at ?? run.created_at)}>
          {formatRelative(run.finished_at ?? run.created_at)} · {TRIGGER_LABELS[run.trigger] ?? run.trigger}, by {startedBy(run, user.id, emails)}
        </dd>
      </div>
      <div>
        <dt>Questions</dt>
        <dd>
          {formatCount(run.nlqs)}
          {run.stage !== null && <span className="muted"> of stage {stageName(run.stage)}</span>}
        </dd>
      </div>
      <div>
        <dt>Computation · inputs</dt>
        <dd>
          #{run.number ?? run.id} ·{' '}
          <code className="small-mono" title={`Inputs hash (SHA-256 over each question, its SQL and the embedding model): ${run.inputs_hash}`}>
            {shortHash(run.inputs_hash)}
          </code>{' '}
          {run.inputs_hash && <CopyButton value={run.inputs_hash} label="Copy hash" />}
        </dd>
      </div>
    </dl>
  );
}

type SetKey = string; // `${position}:${cumulative}`
const setKey = (r: Pick<MetricResult, 'position' | 'cumulative'>): SetKey => `${r.position}:${r.cumulative ? 'c' : 's'}`;

function MetricsView({
  projectId,
  run,
  controls,
  computation,
  lead,
}: {
  projectId: string;
  run: MetricRun;
  controls: ReactNode;
  computation: Computation;
  lead: boolean;
}) {
  const results = run.results ?? [];
  const hasCumulative = results.some((r) => r.cumulative);
  const [cumulative, setCumulative] = useState(true);
  const showCumulative = cumulative && hasCumulative;
  const rows = stageRows(results, showCumulative);
  const heatRows = hasCumulative ? stageRows(results, true) : rows;
  const sets = [...results].sort((a, b) => a.position - b.position || Number(b.cumulative) - Number(a.cumulative));
  const defaultSet = sets.filter((r) => r.cumulative).pop() ?? sets[sets.length - 1];
  const [chosen, setChosen] = useState<SetKey | null>(null);
  const selected = sets.find((r) => setKey(r) === chosen) ?? defaultSet;
  const lexical = describeEmbedding(run.embedding).lexical;

  return (
    <>
      <Card
        title="Dataset metrics"
        description="Diversity and complexity per stage. Each question counts with its accepted SQL, else its best candidate that ran; rejected questions are left out."
        actions={controls}
      >
        <div className="stack">
          <ComputeStatus computation={computation} shown={run} />
          <RunFacts run={run} />
          {lexical && (
            <Alert tone="warning" title="Similarity from the lexical fallback">
              The cosine figures and near-duplicates compare spelling (hashed character n-grams), not meaning: this is not a semantic embedding
              model.{lead ? ' For semantic figures, have an admin set an embeddings model (Settings → Language model), then recompute.' : ''}
            </Alert>
          )}
        </div>
      </Card>
      <Card
        title="Per stage"
        description={
          showCumulative
            ? 'Each row is the dataset up to and including that stage; changes are against the first stage.'
            : "Each row is one stage's own questions; changes are against the first stage."
        }
        actions={
          hasCumulative ? (
            <div className="segmented" role="group" aria-label="Rows">
              <button type="button" aria-pressed={showCumulative} onClick={() => setCumulative(true)}>
                Up to each stage
              </button>
              <button type="button" aria-pressed={!showCumulative} onClick={() => setCumulative(false)}>
                Each stage alone
              </button>
            </div>
          ) : null
        }
      >
        {run.stage !== null && <p className="muted small">This computation measured stage {stageName(run.stage)} alone.</p>}
        {rows.length === 0 ? <p className="muted">No questions were measured.</p> : <StageTable rows={rows} />}
      </Card>
      {rows.length > 0 && (
        <Card title="Across stages" description={showCumulative ? 'The dataset up to each stage.' : "Each stage's own questions."}>
          <div className="stack">
            <StageCharts rows={rows} />
          </div>
        </Card>
      )}
      {heatRows.length > 0 && (
        <Card title="Coverage over tables" description="How many queries use each table, in the dataset up to each stage (colour on a log scale).">
          <CoverageHeatMap rows={heatRows} />
        </Card>
      )}
      {selected && (
        <section className="stack" aria-labelledby="metrics-details">
          <div className="details-bar">
            <h2 className="card-title" id="metrics-details">
              Details
            </h2>
            <FilterSelect label="Questions" value={setKey(selected)} onChange={setChosen}>
              {sets.map((r) => (
                <option key={setKey(r)} value={setKey(r)}>
                  {r.cumulative ? `Up to ${stageName(r.stage)}` : `${stageName(r.stage)} alone`} ({formatCount(r.nlqs)})
                </option>
              ))}
            </FilterSelect>
          </div>
          <SetDetails projectId={projectId} report={selected.report} />
        </section>
      )}
    </>
  );
}

function DisagreementCard({ projectId }: { projectId: string }) {
  const cycles = useQuery({ queryKey: dashboardKeys.cycles(projectId), queryFn: () => dashboardApi.cycles(projectId) });
  return (
    <Card
      title="Disagreement per cycle"
      description="From the review loop: how often people and the agent disagreed under each guideline version."
      actions={
        <Link className="btn btn-ghost btn-sm" to={`/projects/${projectId}/dashboard`}>
          Cycles on the Dashboard
        </Link>
      }
    >
      {cycles.isPending ? (
        <Loading label="Loading cycles…" />
      ) : cycles.isError ? (
        <ErrorState error={cycles.error} onRetry={() => cycles.refetch()} />
      ) : (
        <DisagreementChart cycles={cycles.data} />
      )}
    </Card>
  );
}

const RUN_TONES: Record<string, string> = { running: 'info', succeeded: 'success', failed: 'danger' };

function RunStatus({ status }: { status: string }) {
  return (
    <Badge tone={RUN_TONES[status] ?? 'neutral'}>
      {status === 'running' && <span className="spinner spinner-tiny badge-spinner" aria-hidden="true" />}
      {status.charAt(0).toUpperCase() + status.slice(1)}
    </Badge>
  );
}

function HistoryCard({ runs, shown }: { runs: ReturnType<typeof useRuns>; shown: number | null }) {
  const list = runs.data ?? [];
  return (
    <Card title="History" description="Every computation of this project's metrics, newest first.">
      {runs.isPending ? (
        <Loading label="Loading computations…" />
      ) : runs.isError ? (
        <ErrorState error={runs.error} onRetry={() => runs.refetch()} />
      ) : list.length === 0 ? (
        <p className="muted">None yet.</p>
      ) : (
        <Table label="Metric computations" columns={['Run', 'Status', 'Trigger', 'Embedding', { label: 'NLQs', num: true }, 'When', { label: 'Took', num: true }, 'Error']}>
          {list.map((r) => (
            <tr key={r.id} data-testid={`metric-run-${r.id}`}>
              <td className="nowrap">
                #{r.number ?? r.id}
                {r.id === shown && <span className="muted small"> · shown</span>}
              </td>
              <td>
                <RunStatus status={r.status} />
              </td>
              <td>{TRIGGER_LABELS[r.trigger] ?? r.trigger}</td>
              <td>{r.embedding ? (describeEmbedding(r.embedding).lexical ? 'lexical fallback' : r.embedding) : <span className="muted">—</span>}</td>
              <td className="cell-num">{r.status === 'succeeded' ? formatCount(r.nlqs) : <span className="muted">—</span>}</td>
              <td className="nowrap" title={formatDateTime(r.created_at)}>
                {formatRelative(r.created_at)}
              </td>
              <td className="cell-num nowrap">{r.finished_at ? formatDuration(elapsedMs(r.created_at, r.finished_at)) : <span className="muted">—</span>}</td>
              <td className="text-danger">{r.error}</td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
