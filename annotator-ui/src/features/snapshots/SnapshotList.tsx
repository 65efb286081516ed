// The project's snapshots, newest first, each with its manifest's summary.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatCount, plural } from '../../components/ResultGrid';
import { Badge, Card, EmptyState, QueryView, Table, WhenCell } from '../../components/ui';
import { goldenApi, SPLITS, type Snapshot } from '../../shared/golden';
import { shortHash } from '../metrics/computations';
import { snapshotKeys } from './keys';
import { SPLIT_LABELS } from './labels';
import { usePeople } from './usePeople';

function SplitCounts({ m }: { m: Snapshot['manifest'] }) {
  return (
    <span className="nowrap">
      {SPLITS.map((s, i) => (
        <span key={s}>
          {i > 0 && ' / '}
          <span title={SPLIT_LABELS[s]}>{formatCount(m.splits?.[s] ?? 0)}</span>
        </span>
      ))}
    </span>
  );
}

export function SnapshotList({ projectId, lead }: { projectId: string; lead: boolean }) {
  const snaps = useQuery({ queryKey: snapshotKeys.list(projectId), queryFn: () => goldenApi.listSnapshots(projectId) });
  const who = usePeople(projectId, lead);
  return (
    <Card title="Snapshots" description="Newest first. A snapshot never changes: questions edited later stay as they were in it.">
      <QueryView query={snaps} loading="Loading snapshots…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No snapshots yet">{lead ? 'Cut one with the form above.' : 'A lead cuts them.'}</EmptyState>
          ) : (
            <SnapshotTable projectId={projectId} list={list} who={who} />
          )
        }
      </QueryView>
    </Card>
  );
}

function SnapshotTable({ projectId, list, who }: { projectId: string; list: Snapshot[]; who: (id: number | null) => string }) {
  return (
    <Table label="Snapshots" columns={['Snapshot', { label: 'Pairs', num: true }, 'Train / val / test', { label: 'Seed', num: true }, 'Content hash', 'Leakage', 'Created']}>
      {list.map((s) => {
        const leak = s.manifest.leakage;
        return (
          <tr key={s.id} data-testid={`snapshot-row-${s.id}`}>
            <td>
              <Link className="strong-link" to={`/projects/${projectId}/snapshots/${s.id}`}>
                #{s.id} {s.name}
              </Link>
            </td>
            <td className="cell-num">{formatCount(s.pairs)}</td>
            <td>
              <SplitCounts m={s.manifest} />
              {s.manifest.split_by_database && <span className="muted small"> · by database</span>}
            </td>
            <td className="cell-num">{s.manifest.seed}</td>
            <td className="mono small-mono" title={s.content_hash}>
              {shortHash(s.content_hash)}
            </td>
            <td>
              {leak.near_duplicates + leak.same_sql === 0 ? (
                <span className="muted">none</span>
              ) : (
                <Badge tone="warning">
                  {plural(leak.near_duplicates, 'near-duplicate')} · {leak.same_sql} same SQL
                </Badge>
              )}
            </td>
            <WhenCell at={s.created_at}> by {who(s.created_by)}</WhenCell>
          </tr>
        );
      })}
    </Table>
  );
}
