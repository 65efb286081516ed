// The snapshot a run reads, the newest chosen first.
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { SelectField } from '../../components/ui';
import { goldenApi } from '../../shared/golden';
import { snapshotKeys } from './keys';

export function SnapshotSelect({ projectId, value, onChange, error }: { projectId: string; value: string; onChange: (v: string) => void; error?: string }) {
  const snaps = useQuery({ queryKey: snapshotKeys.list(projectId), queryFn: () => goldenApi.listSnapshots(projectId) });
  const list = snaps.data ?? [];
  const newest = snaps.data?.[0]?.id;
  // The newest snapshot is the usual choice.
  useEffect(() => {
    if (!value && newest !== undefined) onChange(String(newest));
  }, [value, newest, onChange]);
  return (
    <SelectField
      label="Snapshot"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error ?? (snaps.isSuccess && list.length === 0 ? 'No snapshot yet: cut one on the Snapshots tab.' : undefined)}
    >
      {list.length === 0 && <option value="">{snaps.isPending ? 'Loading…' : 'None'}</option>}
      {list.map((s) => (
        <option key={s.id} value={String(s.id)}>
          #{s.id} {s.name} ({s.manifest.splits?.train ?? 0}/{s.manifest.splits?.val ?? 0}/{s.manifest.splits?.test ?? 0})
        </option>
      ))}
    </SelectField>
  );
}

