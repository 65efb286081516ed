// A snapshot's downloads (each format × split, a plain link the browser streams) and the history of
// exports with the sha256 of the bytes sent.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { formatCount } from '../../components/ResultGrid';
import { Badge, Button, Card, type Column, QueryView, Table, WhenCell } from '../../components/ui';
import { EXPORT_FORMATS, EXPORT_SPLITS, exportUrl, goldenApi, type ExportRecord, type Snapshot } from '../../shared/golden';
import { shortHash } from '../metrics/computations';
import { snapshotKeys } from './keys';
import { SPLIT_LABELS } from './labels';
import { SnapshotLink } from './SnapshotLink';
import { usePeople } from './usePeople';

function ExportTable({ exports, projectId, showSnapshot }: { exports: ExportRecord[]; projectId: string; showSnapshot: boolean }) {
  const who = usePeople(projectId, true);
  return (
    <Table label="Exports" className="table table-compact" columns={[...(showSnapshot ? ['Snapshot'] : []), 'Format', 'Split', 'Status', { label: 'Rows', num: true }, { label: 'Bytes', num: true }, 'sha256', 'When']}>
      {exports.map((e) => (
        <tr key={e.id}>
          {showSnapshot && (
            <td>
              <SnapshotLink projectId={projectId} id={e.snapshot_id} />
            </td>
          )}
          <td>{EXPORT_FORMATS.find((f) => f.id === e.format)?.label ?? e.format}</td>
          <td>{SPLIT_LABELS[e.split] ?? e.split}</td>
          <td>
            <Badge tone={e.status === 'done' ? 'success' : e.status === 'failed' ? 'danger' : 'info'}>{e.status}</Badge>
            {e.error && <span className="text-danger small"> {e.error}</span>}
          </td>
          <td className="cell-num">{formatCount(e.rows)}</td>
          <td className="cell-num">{formatCount(e.bytes)}</td>
          <td className="mono small-mono" title={e.sha256}>
            {e.sha256 ? shortHash(e.sha256) : '—'}
          </td>
          <WhenCell at={e.created_at}> by {who(e.created_by)}</WhenCell>
        </tr>
      ))}
    </Table>
  );
}

export function ExportHistory({ projectId, snapshotId }: { projectId: string; snapshotId?: number }) {
  const exports = useQuery({ queryKey: snapshotKeys.exports(projectId), queryFn: () => goldenApi.listExports(projectId) });
  return (
    <Card
      title="Export history"
      description="Every download, newest first, with the sha256 of the bytes sent."
      actions={
        <Button size="sm" variant="ghost" onClick={() => exports.refetch()} busy={exports.isFetching && !exports.isPending}>
          Refresh
        </Button>
      }
    >
      <QueryView query={exports} loading="Loading exports…">
        {(all) => {
          const list = all.filter((e) => snapshotId === undefined || e.snapshot_id === snapshotId);
          return list.length === 0 ? (
            <p className="muted">Nothing exported yet.</p>
          ) : (
            <ExportTable exports={list} projectId={projectId} showSnapshot={snapshotId === undefined} />
          );
        }}
      </QueryView>
    </Card>
  );
}

export function Downloads({ projectId, snapshot }: { projectId: string; snapshot: Snapshot }) {
  const qc = useQueryClient();
  // The export is recorded when it starts: refresh the history a moment after a download begins.
  const downloaded = () => window.setTimeout(() => void qc.invalidateQueries({ queryKey: snapshotKeys.exports(projectId) }), 1500);
  // Each split's column says how many pairs it holds.
  const columns: Column[] = [
    'Format',
    ...EXPORT_SPLITS.map((s) => ({
      label: (
        <>
          {SPLIT_LABELS[s]} <span className="muted">({formatCount(s === 'all' ? snapshot.pairs : (snapshot.manifest.splits?.[s] ?? 0))})</span>
        </>
      ),
    })),
  ];
  return (
    <Card title="Download" description="Each format for the whole snapshot or one split; the file streams from the server.">
      <Table label="Downloads" className="table table-compact downloads-table" columns={columns}>
        {EXPORT_FORMATS.map((f) => (
          <tr key={f.id}>
            <th scope="row">{f.label}</th>
            {EXPORT_SPLITS.map((s) => (
              <td key={s}>
                <a
                  className="btn btn-secondary btn-sm"
                  href={exportUrl(projectId, snapshot.id, f.id, s)}
                  download
                  onClick={downloaded}
                  aria-label={`Download ${f.label}, ${SPLIT_LABELS[s].toLowerCase()}`}
                >
                  Download
                </a>
              </td>
            ))}
          </tr>
        ))}
      </Table>
    </Card>
  );
}
