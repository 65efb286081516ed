// The dashboard's view of quality: the newest snapshot's error rate as its audits measured it, with
// the breakdowns by source of the gold (agent, people, import), by annotator and by database — the
// same figures as the snapshot's page, where a lead asks for an audit.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Card, EmptyState, ErrorState, Loading, QueryView } from '../../components/ui';
import { goldenApi } from '../../shared/golden';
import { ErrorRateDetails, errorRateSentence } from '../snapshots/ErrorRate';
import { snapshotKeys } from '../snapshots/keys';

export function SnapshotErrorRateCard({ projectId }: { projectId: string }) {
  const snapshots = useQuery({ queryKey: snapshotKeys.list(projectId), queryFn: () => goldenApi.listSnapshots(projectId) });
  const newest = snapshots.data?.[0];
  const rate = useQuery({
    queryKey: snapshotKeys.errorRate(projectId, newest?.id ?? 0),
    queryFn: () => goldenApi.errorRate(projectId, newest!.id),
    enabled: newest !== undefined,
  });
  return (
    <Card
      title="Error rate"
      description="How many pairs of the newest golden snapshot are wrong, measured by reviewers auditing a random sample — by source of the gold SQL, by annotator and by database, each with its 95% interval."
    >
      <QueryView query={snapshots} loading="Loading snapshots…">
        {() =>
          !newest ? (
            <EmptyState title="No snapshot yet">A lead cuts golden snapshots on the Snapshots tab; audits of one measure its error rate.</EmptyState>
          ) : rate.isPending ? (
            <Loading label="Loading the error rate…" />
          ) : rate.isError ? (
            <ErrorState error={rate.error} onRetry={() => rate.refetch()} />
          ) : (
            <div className="stack">
              <p className={`error-rate-headline${rate.data.error_rate.rate === null ? ' muted' : ''}`} data-testid="dashboard-error-rate">
                <Link to={`/projects/${projectId}/snapshots/${newest.id}`}>
                  Snapshot #{newest.id} “{newest.name}”
                </Link>
                : {errorRateSentence(rate.data.error_rate)}
              </p>
              {rate.data.error_rate.audited > 0 && <ErrorRateDetails e={rate.data.error_rate} />}
            </div>
          )
        }
      </QueryView>
    </Card>
  );
}
