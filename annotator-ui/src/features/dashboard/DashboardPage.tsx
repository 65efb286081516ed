// Project → Dashboard: is the loop getting better? Per cycle (guideline version): how much was annotated
// and compared, how often people and the agent disagreed and how that changed since the cycle before,
// what reviewers decided and which rules they cited — as a table and as charts. Leads also see where the
// work stands: questions per stage by status, each annotator's output, and the queues. Refreshes itself
// every 10 seconds while the page is visible.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { Legend, ProportionBar, StackedBarChart, type StackGroup } from '../../components/charts';
import { DisagreementChart } from '../../components/DisagreementChart';
import { SnapshotErrorRateCard } from './SnapshotErrorRate';
import { formatCount } from '../../components/ResultGrid';
import { Alert, Button, Card, EmptyState, ErrorState, Loading, RuleChips, Stats, Table } from '../../components/ui';
import {
  agreementInterval,
  byCount,
  cycleName,
  dashboardApi,
  disagreementChange,
  disagreementInterval,
  formatRate,
  judgeChange,
  latestComparison,
  seriesKeys,
  type Cycle,
  type Progress,
} from './api';
import { wilson } from '../../shared/interval';
import { ChangeBadge, intervalText, IntervalNote } from './Rates';
import { formatDate, formatDateTime, formatDuration } from '../../shared/format';
import { errorTypeLabel } from '../../shared/loop';
import { canManageProject, canReadDashboard } from '../../shared/nav';
import { STATUS_LABELS, statusLabel } from '../../shared/nlqs';
import { useProject } from '../projects/ProjectPage';
import { dashboardKeys } from './keys';

export const REFRESH_MS = 10_000;
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function ProjectDashboard() {
  const project = useProject();
  const pid = String(project.id);
  const lead = canManageProject(project.my_role);
  const [auto, setAuto] = useState(true);
  // TanStack Query pauses interval refetches while the page is hidden.
  const interval = auto ? REFRESH_MS : false;
  const allowed = canReadDashboard(project.my_role);
  const cycles = useQuery({ queryKey: dashboardKeys.cycles(pid), queryFn: () => dashboardApi.cycles(pid), refetchInterval: interval, enabled: allowed });
  const progress = useQuery({
    queryKey: dashboardKeys.progress(pid),
    queryFn: () => dashboardApi.progress(pid),
    refetchInterval: interval,
    enabled: allowed && lead,
  });

  if (!allowed) {
    return (
      <Alert tone="warning" title="The dashboard is for reviewers and leads">
        Ask a lead of this project if you need to follow its figures.
      </Alert>
    );
  }
  const updated = Math.max(cycles.dataUpdatedAt, lead ? progress.dataUpdatedAt : 0);
  const fetching = cycles.isFetching || (lead && progress.isFetching);
  const refresh = () => {
    void cycles.refetch();
    if (lead) void progress.refetch();
  };

  return (
    <div className="stack">
      <div className="dashboard-toolbar">
        {updated > 0 && (
          <span className="muted small" aria-live="polite">
            Updated {clock.format(updated)}
          </span>
        )}
        <label className="choice small">
          <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> Refresh every 10 s
        </label>
        <Button size="sm" onClick={refresh} busy={fetching}>
          Refresh
        </Button>
      </div>
      {cycles.isPending ? (
        <Loading label="Loading cycles…" />
      ) : cycles.isError ? (
        <ErrorState error={cycles.error} onRetry={() => cycles.refetch()} />
      ) : (
        <>
          <CyclesCard projectId={pid} cycles={cycles.data} lead={lead} />
          <CycleCharts projectId={pid} cycles={cycles.data} />
        </>
      )}
      <SnapshotErrorRateCard projectId={pid} />
      {lead &&
        (progress.isPending ? (
          <Loading label="Loading progress…" />
        ) : progress.isError ? (
          <ErrorState error={progress.error} onRetry={() => progress.refetch()} />
        ) : (
          <ProgressView progress={progress.data} />
        ))}
    </div>
  );
}

function CyclesCard({ projectId, cycles, lead }: { projectId: string; cycles: Cycle[]; lead: boolean }) {
  return (
    <Card
      title="Cycles"
      description="A cycle is a guideline version: what was annotated, compared and reviewed while it was the current one."
      actions={
        lead && cycles.some((c) => c.disagreed > 0) ? (
          <Link className="btn btn-secondary btn-sm" to={`/projects/${projectId}/guidelines/propose`}>
            Propose guideline edits
          </Link>
        ) : null
      }
    >
      <Headline cycles={cycles} />
      {cycles.length === 0 ? (
        <EmptyState title="No cycles yet">
          Cycles start when people annotate questions the agent answered, or when a lead saves the first guidelines.
        </EmptyState>
      ) : (
        <CyclesTable projectId={projectId} cycles={cycles} />
      )}
    </Card>
  );
}

/** The one sentence a lead looks for: the disagreement rate now, and whether the last change lowered it. */
function Headline({ cycles }: { cycles: Cycle[] }) {
  const latest = latestComparison(cycles);
  if (!latest) {
    return (
      <p className="muted" data-testid="headline">
        No comparisons yet: they come when annotators submit SQL for questions the agent has answered.
      </p>
    );
  }
  const { current, previous } = latest;
  const change = previous ? judgeChange(disagreementInterval(previous), disagreementInterval(current), 'down') : null;
  const newest = cycles[cycles.length - 1];
  return (
    <div data-testid="headline">
      <p className="headline">
        <span>Disagreement in {cycleName(current.guideline_version)}</span>
        <span className="headline-figure">{formatRate(current.disagreement_rate)}</span>
        {previous && <ChangeBadge change={change} against={cycleName(previous.guideline_version)} />}
        <span className="muted small">
          {formatCount(current.disagreed)} of {formatCount(current.compared)} comparisons · {intervalText(disagreementInterval(current))}
          {previous && <> · {formatRate(previous.disagreement_rate)} in {cycleName(previous.guideline_version)}</>}
        </span>
      </p>
      {newest.guideline_version !== current.guideline_version && (
        <p className="muted small">
          {cycleName(newest.guideline_version)} is current and has no comparisons yet; its rate shows once people annotate under it.
        </p>
      )}
    </div>
  );
}

function Counts({ counts, label }: { counts: Record<string, number>; label: (k: string) => string }) {
  const entries = byCount(counts);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="count-chips">
      {entries.map(([k, n]) => (
        <span key={k} className="count-chip">
          {label(k)} <strong>{n}</strong>
        </span>
      ))}
    </span>
  );
}

function CyclesTable({ projectId, cycles }: { projectId: string; cycles: Cycle[] }) {
  const base = `/projects/${projectId}/guidelines`;
  return (
    <Table label="Cycles" columns={['Cycle', 'What changed', { label: 'Annotated', num: true }, { label: 'Agreement', num: true }, { label: 'Disagreement', num: true }, { label: 'Reviews', num: true }, 'By error type', 'Cited rules']}>
      {cycles.map((c, i) => {
        const v = c.guideline_version;
        const prev = cycles[i - 1];
        return (
          <tr key={v} data-testid={`cycle-${v}`}>
            <th scope="row" className="nowrap">
              {v === 0 ? 'v0' : <Link to={`${base}?version=${v}`}>{cycleName(v)}</Link>}
              {c.started_at && (
                <div className="muted small" title={`Started ${formatDateTime(c.started_at)}`}>
                  {formatDate(c.started_at)}
                </div>
              )}
            </th>
            <td className="cycle-summary">
              {v === 0 ? (
                <span className="muted">Before the first guidelines</span>
              ) : (
                <>
                  {c.summary || <span className="muted">No summary</span>}{' '}
                  <Link className="small nowrap" to={`${base}/diff?from=${v - 1}&to=${v}`}>
                    diff
                  </Link>
                </>
              )}
            </td>
            <td className="cell-num">
              {formatCount(c.annotated)}
              {c.skipped > 0 && <div className="muted small">+{formatCount(c.skipped)} skipped</div>}
            </td>
            <td className="cell-num">
              {c.compared ? formatRate(c.agreement_rate) : <span className="muted">—</span>}
              {c.compared > 0 && <div className="muted small">{`${formatCount(c.agreed)} of ${formatCount(c.compared)}`}</div>}
              {c.compared > 0 && <IntervalNote interval={agreementInterval(c)} />}
            </td>
            <td className="cell-num nowrap" data-testid="disagreement">
              {c.compared ? (
                <>
                  <span>{formatRate(c.disagreement_rate)}</span>
                  <IntervalNote interval={disagreementInterval(c)} />
                  <ChangeBadge change={disagreementChange(cycles, i)} against={prev ? cycleName(prev.guideline_version) : ''} />
                </>
              ) : (
                <span className="muted" title="Nothing was compared in this cycle">
                  —
                </span>
              )}
            </td>
            <td className="cell-num">{formatCount(c.reviews)}</td>
            <td>
              <Counts counts={c.by_error_type} label={errorTypeLabel} />
            </td>
            <td>
              {byCount(c.by_rule).length === 0 ? (
                <span className="muted">—</span>
              ) : (
                <span className="count-chips">
                  {byCount(c.by_rule).map(([r, n]) => (
                    <span key={r} className="count-chip">
                      <RuleChips ids={[r]} label={`Rule ${r}`} /> <strong>{n}</strong>
                    </span>
                  ))}
                </span>
              )}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}

function stackGroups(cycles: Cycle[], pick: (c: Cycle) => Record<string, number>): StackGroup[] {
  return cycles.map((c) => ({ key: String(c.guideline_version), label: cycleName(c.guideline_version), values: pick(c) }));
}

function CycleCharts({ projectId, cycles }: { projectId: string; cycles: Cycle[] }) {
  if (cycles.length === 0) return null;
  const errorTypes = seriesKeys(cycles, (c) => c.by_error_type).map((k) => ({ key: k, label: errorTypeLabel(k) }));
  const rules = seriesKeys(cycles, (c) => c.by_rule).map((k) => ({ key: k, label: k }));
  return (
    <Card
      title="Trends"
      description="Each bar is a cycle, oldest on the left."
      actions={
        <Link className="btn btn-ghost btn-sm" to={`/projects/${projectId}/metrics`}>
          Dataset metrics
        </Link>
      }
    >
      <div className="chart-grid">
        <DisagreementChart cycles={cycles} />
        <StackedBarChart
          title="Decisions by error type"
          groups={stackGroups(cycles, (c) => c.by_error_type)}
          series={errorTypes}
          empty="No review decisions yet."
        />
        <StackedBarChart title="Cited rules" groups={stackGroups(cycles, (c) => c.by_rule)} series={rules} empty="No rule cited yet." />
      </div>
    </Card>
  );
}

const STATUS_ORDER = Object.keys(STATUS_LABELS);

function statusParts(byStatus: Record<string, number>) {
  const keys = [...STATUS_ORDER, ...Object.keys(byStatus).filter((k) => !STATUS_ORDER.includes(k))];
  return keys.map((k) => ({
    key: k,
    label: statusLabel(k),
    value: byStatus[k] ?? 0,
    className: STATUS_ORDER.includes(k) ? `chart-status-${k}` : 'chart-status-other',
  }));
}

function Agreement({ rate, agreed, compared, none }: { rate: number | null; agreed: number; compared: number; none: string }) {
  if (rate === null) {
    return (
      <span className="muted" title={none}>
        —
      </span>
    );
  }
  return (
    <>
      {formatRate(rate)}{' '}
      <span className="muted small">
        ({agreed}/{compared})
      </span>
      <IntervalNote interval={wilson(agreed, compared)} />
    </>
  );
}

function ProgressView({ progress }: { progress: Progress }) {
  const { queues, stages, annotators } = progress;
  const statuses = Object.keys(STATUS_LABELS).map((k) => ({ key: k, label: STATUS_LABELS[k] }));
  return (
    <>
      <Card title="Queues" description="What waits for people now. Claimed items are being worked on under a lease.">
        <Stats
          testId="queues"
          label="Queues"
          items={[
            { label: 'To annotate', value: formatCount(queues.annotation_pending) },
            { label: 'Being annotated', value: formatCount(queues.annotation_claimed) },
            { label: 'To review', value: formatCount(queues.review_pending) },
            { label: 'Being reviewed', value: formatCount(queues.review_claimed) },
          ]}
        />
      </Card>
      <Card title="Questions by stage">
        {stages.length === 0 ? (
          <p className="muted">No questions yet.</p>
        ) : (
          <>
            <ul className="stage-list" aria-label="Stages">
              {stages.map((s) => (
                <li key={s.stage} className="stage-row">
                  <span className="stage-name" title={s.stage}>
                    {s.stage}
                  </span>
                  <ProportionBar label={`${s.stage}, ${s.nlqs} questions`} parts={statusParts(s.by_status)} />
                  <span className="muted small nowrap">{formatCount(s.nlqs)} questions</span>
                </li>
              ))}
            </ul>
            <Legend series={statuses} classFor={(s) => `chart-status-${s.key}`} />
          </>
        )}
      </Card>
      <Card title="Annotators" description="Agreement is by execution match: with the agent's SQL, and with the SQL other annotators wrote for the same questions.">
        {annotators.length === 0 ? (
          <p className="muted">Nobody has annotated yet.</p>
        ) : (
          <Table label="Annotators" columns={['Annotator', { label: 'Done', num: true }, { label: 'Skipped', num: true }, { label: 'Pending', num: true, title: 'Items claimed now and not yet submitted' }, { label: 'Agreement with agent', num: true }, { label: 'Agreement with others', num: true }, { label: 'Median time per item', num: true }]}>
            {annotators.map((a) => (
              <tr key={a.user_id}>
                <th scope="row">{a.email}</th>
                <td className="cell-num">{formatCount(a.annotated)}</td>
                <td className="cell-num">{formatCount(a.skipped)}</td>
                <td className="cell-num">{formatCount(a.pending)}</td>
                <td className="cell-num">
                  <Agreement rate={a.agreement_with_agent} agreed={a.agreed_with_agent} compared={a.compared} none="None of their submissions was compared with the agent yet" />
                </td>
                <td className="cell-num">
                  <Agreement
                    rate={a.agreement_with_people ?? null}
                    agreed={a.agreed_with_people ?? 0}
                    compared={a.compared_with_people ?? 0}
                    none="None of their submissions was compared with another annotator's yet"
                  />
                </td>
                <td className="cell-num">{a.median_seconds === null ? <span className="muted">—</span> : formatDuration(a.median_seconds * 1000)}</td>
              </tr>
            ))}
          </Table>
        )}
      </Card>
    </>
  );
}
