// One pipeline run: its card with what it kept and dropped, the new stage's questions and the agent batch
// queued over them, a table-metadata run's proposals, and its log.
import { useQuery } from '@tanstack/react-query';
import { Link, Navigate } from 'react-router';
import { api, llmApi, type GenerationKind, type PipelineRun } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { Badge, Card, Table } from '../../components/ui';
import { formatDateTime } from '../../shared/format';
import { databaseKeys } from '../databases/keys';
import { questionKeys } from '../questions/keys';
import { runKeys } from '../runs/keys';
import { RunStatusBadge } from '../runs/status';
import { useRunPage, useRunRoute } from '../runs/useRunPage';
import { RunCard, RunLog, usageStats } from '../runs/RunCard';
import { runName } from '../runs/name';
import { kindLabel, usesFromStage, makesQuestions, outputStage, droppedCount } from './generation';
import { RUN_PAGES, runPath } from '../runs/name';
import { DroppedBreakdown } from './DroppedBreakdown';

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
  const { projectId, runId } = useRunRoute();
  const page = useRunPage<RunData>(projectId, runId, {
    noun: (r) => `${kindLabel(r.kind)} run`,
    listPath: 'pipelines',
    listLabel: '← All runs',
    refresh: [questionKeys.facets(projectId)],
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
                <Link to={`/projects/${projectId}/batches/${batch.id}`}>{runName('Batch', batch)}</Link> <RunStatusBadge status={batch.status} outcome={batch.outcome} />{' '}
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
        <Table label="Proposals" className="table table-compact" columns={['Table', 'Proposed name', 'Summary']}>
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
        </Table>
      )}
    </Card>
  );
}
