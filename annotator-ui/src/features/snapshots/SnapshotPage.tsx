// One snapshot: its figures and content hash, its error rate, its manifest, its downloads, its pairs
// and its exports.
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { formatCount } from '../../components/ResultGrid';
import { Card, CopyButton, ErrorState, Loading, Stats } from '../../components/ui';
import { formatDateTime } from '../../shared/format';
import { goldenApi } from '../../shared/golden';
import { shortHash } from '../metrics/computations';
import { useProjectScope } from '../projects/ProjectPage';
import '../../shared/golden.css';
import { ErrorRateCard } from './ErrorRate';
import { snapshotKeys } from './keys';
import { usePeople } from './usePeople';
import { ExportHistory, Downloads } from './Exports';
import { Manifest } from './Manifest';
import { SnapshotPairs } from './SnapshotPairs';

export function SnapshotPage() {
  const { projectId, lead } = useProjectScope();
  const { snapshotId = '' } = useParams();
  const snap = useQuery({ queryKey: snapshotKeys.detail(projectId, snapshotId), queryFn: () => goldenApi.getSnapshot(projectId, snapshotId) });
  const who = usePeople(projectId, lead);
  const crumb = (
    <div>
      <Link to={`/projects/${projectId}/snapshots`}>← All snapshots</Link>
    </div>
  );
  if (snap.isPending) return <Loading label="Loading the snapshot…" />;
  if (snap.isError)
    return (
      <div className="stack">
        {crumb}
        <ErrorState error={snap.error} onRetry={() => snap.refetch()} />
      </div>
    );
  const s = snap.data;
  const m = s.manifest;
  return (
    <div className="stack">
      {crumb}
      <Card
        title={
          <span className="batch-title">
            Snapshot #{s.id} {s.name}
          </span>
        }
        description={`Cut ${formatDateTime(s.created_at)} by ${who(s.created_by)}`}
      >
        <Stats
          testId="snapshot-stats"
          items={[
            { label: 'Pairs', value: formatCount(s.pairs) },
            { label: 'Train', value: formatCount(m.splits?.train ?? 0), note: `(${m.ratios?.train ?? 0})` },
            { label: 'Validation', value: formatCount(m.splits?.val ?? 0), note: `(${m.ratios?.val ?? 0})` },
            { label: 'Test', value: formatCount(m.splits?.test ?? 0), note: `(${m.ratios?.test ?? 0})` },
            { label: 'Seed', value: String(m.seed) },
            {
              label: 'Content hash',
              value: (
                <span className="mono small-mono" title={s.content_hash}>
                  {shortHash(s.content_hash)} <CopyButton value={s.content_hash} label="Copy hash" />
                </span>
              ),
            },
          ]}
        />
        <p className="muted small">
          {m.split_by_database ? 'Split by database: no database is in two splits.' : 'Split stratified by database × hardness.'}
        </p>
      </Card>
      <ErrorRateCard projectId={projectId} snapshotId={s.id} lead={lead} who={who} />
      <Manifest projectId={projectId} snapshot={s} />
      {lead && <Downloads projectId={projectId} snapshot={s} />}
      <SnapshotPairs projectId={projectId} snapshot={s} />
      {lead && <ExportHistory projectId={projectId} snapshotId={s.id} />}
    </div>
  );
}
