// Project → Dashboard: is the loop getting better? Per cycle (guideline version): how much was annotated
// and compared, how often people and the agent disagreed and how that changed since the cycle before,
// what reviewers decided and which rules they cited — as a table and as charts. Leads also see where the
// work stands: questions per stage by status, each annotator's output, and the queues. Refreshes itself
// every 10 seconds while the page is visible.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { SnapshotErrorRateCard } from './SnapshotErrorRate';
import { Button, ErrorState, Loading, QueryView } from '../../components/ui';
import { dashboardApi } from './api';
import { useProjectScope } from '../projects/ProjectPage';
import { dashboardKeys } from './keys';
import { ProgressView } from './ProgressView';
import { CyclesCard, CycleCharts } from './CyclesCard';
import { SchemaRecallCard } from './SchemaRecallCard';

export const REFRESH_MS = 10_000;
const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function ProjectDashboard() {
  const { projectId: pid, lead } = useProjectScope();
  const [auto, setAuto] = useState(true);
  // TanStack Query pauses interval refetches while the page is hidden.
  const interval = auto ? REFRESH_MS : false;
  const cycles = useQuery({ queryKey: dashboardKeys.cycles(pid), queryFn: () => dashboardApi.cycles(pid), refetchInterval: interval });
  const progress = useQuery({
    queryKey: dashboardKeys.progress(pid),
    queryFn: () => dashboardApi.progress(pid),
    refetchInterval: interval,
    enabled: lead,
  });

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
      <QueryView query={cycles} loading="Loading cycles…">
        {(data) => (
          <>
            <CyclesCard projectId={pid} cycles={data} lead={lead} />
            <CycleCharts projectId={pid} cycles={data} />
          </>
        )}
      </QueryView>
      <SnapshotErrorRateCard projectId={pid} />
      {lead &&
        (progress.isPending ? (
          <Loading label="Loading progress…" />
        ) : progress.isError ? (
          <ErrorState error={progress.error} onRetry={() => progress.refetch()} />
        ) : (
          <ProgressView progress={progress.data} />
        ))}
      {lead && <SchemaRecallCard projectId={pid} autoRefresh={auto} />}
    </div>
  );
}
