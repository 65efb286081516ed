// Accepting an imported benchmark's verified gold as it is, so it can be snapshotted without annotating
// it again.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../shared/api';
import { plural } from '../../components/ResultGrid';
import { Alert, Button, Card, SelectField, useToast } from '../../components/ui';
import { goldenApi } from '../../shared/golden';
import { databaseKeys } from '../databases/keys';
import { questionKeys } from '../questions/keys';
import { bindValue } from '../../shared/forms';

/** Accepts the imported questions whose gold SQL was verified by execution at import, so an existing
 * benchmark (Spider, a team's own gold set) can be snapshotted without annotating it again. */
export function AcceptImported({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [database, setDatabase] = useState('');
  const accept = useMutation({
    mutationFn: () => goldenApi.acceptImported(projectId, database ? Number(database) : undefined),
    onSuccess: (n) => {
      void qc.invalidateQueries({ queryKey: questionKeys.all(projectId) });
      toast(n === 0 ? 'No imported question was waiting with verified gold SQL' : `${plural(n, 'imported question')} accepted`);
    },
  });
  return (
    <Card
      title="Imported benchmark gold"
      description="Questions imported with gold SQL that was checked by execution at import (Spider's translated gold, a CSV's SQL) can be accepted as they are, to snapshot an existing benchmark without annotating it again. Questions with annotation or review work open are left to it; each accepted question's history says why."
    >
      <div className="toolbar">
        <SelectField label="Database" {...bindValue(database, setDatabase)}>
          <option value="">Every database</option>
          {(databases.data?.databases ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} v{d.version}
            </option>
          ))}
        </SelectField>
        <Button onClick={() => accept.mutate()} busy={accept.isPending}>
          Accept verified imported gold
        </Button>
      </div>
      {accept.isSuccess && (
        <p className="muted small" role="status">
          {plural(accept.data, 'question')} accepted: cut a snapshot with review status "imported" to take exactly these.
        </p>
      )}
      {accept.isError && <Alert>{accept.error.message}</Alert>}
    </Card>
  );
}
