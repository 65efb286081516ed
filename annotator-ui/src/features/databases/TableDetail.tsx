// One table of the schema: its columns with keys and warnings, its rows, and editing it.
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api, type DbTable } from '../../shared/api';
import { plural, ResultView } from '../../components/ResultGrid';
import { ColumnDocNote } from '../../components/ColumnDoc';
import { Alert, Button, QueryView, Table } from '../../components/ui';
import { databaseKeys } from './keys';
import { tableSource } from './sql';
import { EditTable } from './EditTable';
import { keyBadges } from './SchemaBrowser';

// ---------- Table detail ----------

export function TableDetail({
  projectId,
  databaseId,
  table,
  canEdit,
  onQuery,
}: {
  projectId: string;
  databaseId: string;
  table: DbTable;
  canEdit: boolean;
  onQuery: () => void;
}) {
  const rows = useQuery({
    queryKey: databaseKeys.rows(projectId, databaseId, table.name),
    queryFn: () => api.tableRows(projectId, databaseId, table.name, 20),
  });
  const [editing, setEditing] = useState(false);
  const heading = useRef<HTMLDivElement>(null);
  const refocus = useRef(false);
  // Leaving the form puts focus back on its Edit button, so the keyboard does not lose its place.
  useEffect(() => {
    if (!editing && refocus.current) {
      refocus.current = false;
      heading.current?.querySelector<HTMLElement>('[data-edit-table]')?.focus();
    }
  }, [editing]);
  const close = () => {
    refocus.current = true;
    setEditing(false);
  };
  const warnings = table.warnings ?? [];
  return (
    <div className="stack-sm" data-testid="table-detail">
      <div className="panel" ref={heading}>
        {editing ? (
          <EditTable
            projectId={projectId}
            databaseId={databaseId}
            table={table}
            onCancel={close}
            onSaved={close}
          />
        ) : (
          <div className="panel-header panel-header-top">
            <div className="table-heading">
              <h2 className="panel-title mono">{table.name}</h2>
              <p className="muted panel-subtitle">
                {plural(table.row_count, 'row')}
                {tableSource(table) && <> · from {tableSource(table)}</>}
              </p>
              {table.summary ? (
                <p className="table-summary" data-testid="table-summary">
                  {table.summary}
                </p>
              ) : (
                canEdit && (
                  <p className="table-summary muted" data-testid="table-summary">
                    No summary yet
                  </p>
                )
              )}
            </div>
            <div className="panel-actions">
              {canEdit && (
                <Button size="sm" onClick={() => setEditing(true)} data-edit-table title="Edit the table's name and summary">
                  Edit
                </Button>
              )}
              <Button size="sm" variant="primary" onClick={onQuery}>
                Query this table
              </Button>
            </div>
          </div>
        )}
        {warnings.length > 0 && (
          <Alert tone="warning" title={plural(warnings.length, 'import warning')}>
            <ul className="warning-list">
              {warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          </Alert>
        )}
        <Table className="table table-compact" columns={['Column', 'Original header', 'Type', 'Keys']}>
          {(table.columns ?? []).map((c) => (
            <tr key={c.name}>
              <td className="mono">{c.name}</td>
              <td>
                {c.original && c.original !== c.name ? c.original : <span className="muted">—</span>}
                <ColumnDocNote column={c} />
              </td>
              <td className="mono muted">
                {c.type}
                {c.not_null && ' not null'}
              </td>
              <td>{keyBadges(table, c.name)}</td>
            </tr>
          ))}
        </Table>
      </div>
      <div className="panel">
        <div className="panel-header">
          <h2 className="panel-title">Sample rows</h2>
        </div>
        <QueryView query={rows} loading="Loading rows…">
          {(data) => (
            <ResultView result={data} label={`Sample rows of ${table.name}`} />
          )}
        </QueryView>
      </div>
    </div>
  );
}
