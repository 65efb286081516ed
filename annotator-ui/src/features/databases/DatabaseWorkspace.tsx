// The SQL workspace of one database: the schema beside the runner, the comparison or a table.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, type Database, type DbTable, type HistoryEntry } from '../../shared/api';
import { plural } from '../../components/ResultGrid';
import { type SqlEditorHandle } from '../../components/SqlEditor';
import { WriteQuestion } from './WriteQuestion';
import { SchemaSearch } from '../../components/SchemaSearch';
import { Badge, PageHeader } from '../../components/ui';
import { formatRelative } from '../../shared/format';
import { databaseKeys } from './keys';
import { tableQuery } from './sql';
import { Compare } from './Compare';
import { Runner, HistoryPanel } from './Runner';
import { SchemaBrowser } from './SchemaBrowser';
import { TableDetail } from './TableDetail';

type Mode = 'run' | 'compare' | 'table';

export function DatabaseWorkspace({
  projectId,
  database,
  tables,
  canEdit,
}: {
  projectId: string;
  database: Database;
  tables: DbTable[];
  canEdit: boolean;
}) {
  const qc = useQueryClient();
  const databaseId = String(database.id);
  // The open table is held by id, so a rename (here or elsewhere) keeps it open; the URL (?table=)
  // carries its current name, so a table can be linked and survives a reload.
  const [params, setParams] = useSearchParams();
  const [openId, setOpenId] = useState<number | null>(() => tables.find((t) => t.name === params.get('table'))?.id ?? null);
  const table = tables.find((t) => t.id === openId) ?? null;
  const openName = table?.name ?? null;
  const urlName = params.get('table');
  useEffect(() => {
    if (openName && openName !== urlName) {
      setParams(
        (p) => {
          const next = new URLSearchParams(p);
          next.set('table', openName);
          return next;
        },
        { replace: true },
      );
    }
  }, [openName, urlName, setParams]);
  const [mode, setMode] = useState<Mode>(() => (openId !== null ? 'table' : 'run'));
  const [sql, setSql] = useState('');
  const [gold, setGold] = useState('');
  const [pred, setPred] = useState('');
  // Why the server would not save the runner's SQL with a question; it stays until the SQL is run or saved again.
  const [sqlRefusal, setSqlRefusal] = useState<string | null>(null);
  const runner = useRef<SqlEditorHandle>(null);
  const compareTarget = useRef<SqlEditorHandle | null>(null);

  const run = useMutation({
    mutationFn: (text: string) => api.runQuery(projectId, databaseId, text),
    onSettled: () => void qc.invalidateQueries({ queryKey: databaseKeys.history(projectId, databaseId) }),
  });
  const runSql = (text: string) => {
    if (!text.trim()) return;
    setSqlRefusal(null);
    run.mutate(text);
  };

  const insert = (text: string) => {
    if (mode === 'compare' && compareTarget.current) {
      compareTarget.current.insert(text);
      return;
    }
    setMode('run');
    runner.current?.insert(text);
    // Focus once the runner is visible again (it is hidden in the other modes).
    requestAnimationFrame(() => runner.current?.focus());
  };
  const queryTable = (name: string) => {
    const q = tableQuery(name);
    setMode('run');
    setSql(q);
    runSql(q);
  };
  const showTable = (name: string) => {
    setOpenId(tables.find((t) => t.name === name)?.id ?? null);
    setMode('table');
  };
  const loadFromHistory = (entry: HistoryEntry) => {
    setMode('run');
    setSql(entry.sql);
    requestAnimationFrame(() => runner.current?.focus());
  };

  // A table that is gone (dropped by a new version, an old link) leaves the runner showing.
  const shown: Mode = mode === 'table' && !table ? 'run' : mode;

  return (
    <>
      <PageHeader
        eyebrow="Database"
        title={database.name}
        subtitle={
          <>
            v{database.version} · {database.kind.toUpperCase()} · {plural(database.table_count, 'table')} ·{' '}
            {plural(database.row_count, 'row')} · imported {formatRelative(database.created_at)}
          </>
        }
        actions={database.latest ? <Badge tone="success">Latest version</Badge> : <Badge tone="warning">Older version</Badge>}
      />
      <div className="db-layout">
        <div>
          <SchemaSearch projectId={projectId} databaseId={databaseId} onShow={showTable} onInsert={insert} />
          <SchemaBrowser
            tables={tables}
            activeTable={shown === 'table' ? openName : null}
            onInsert={insert}
            onQuery={queryTable}
            onShow={showTable}
          />
        </div>
        <section className="db-main" aria-label="Workspace">
          <div className="segmented" role="group" aria-label="Workspace mode">
            <button type="button" aria-pressed={shown === 'run'} onClick={() => setMode('run')}>
              SQL runner
            </button>
            <button
              type="button"
              aria-pressed={shown === 'compare'}
              onClick={() => {
                // Start the comparison from what is in the runner.
                if (!gold.trim() && sql.trim()) setGold(sql);
                setMode('compare');
              }}
            >
              Compare
            </button>
            {table && (
              <button type="button" aria-pressed={shown === 'table'} onClick={() => setMode('table')}>
                Table · {table.name}
              </button>
            )}
          </div>
          {/* Runner (with the question being written) and Compare stay mounted: what was typed and the results survive switching modes. */}
          <div hidden={shown !== 'run'}>
            <div className="stack-sm">
              <WriteQuestion
                projectId={projectId}
                databaseId={database.id}
                sql={sql}
                active={shown === 'run'}
                onActivate={() => setMode('run')}
                onSqlError={setSqlRefusal}
              />
              <Runner
                editorRef={runner}
                sql={sql}
                onSqlChange={setSql}
                tables={tables}
                onRun={() => runSql(sql)}
                running={run.isPending}
                result={run.data ?? null}
                error={run.error}
                refusal={sqlRefusal}
              />
            </div>
          </div>
          <div hidden={shown !== 'compare'}>
            <Compare
              projectId={projectId}
              databaseId={databaseId}
              tables={tables}
              targetRef={compareTarget}
              gold={gold}
              pred={pred}
              onGold={setGold}
              onPred={setPred}
            />
          </div>
          {shown === 'table' && table && (
            <TableDetail
              // Keyed by id: a rename keeps the same detail (and its focus) on screen.
              key={table.id}
              projectId={projectId}
              databaseId={databaseId}
              table={table}
              canEdit={canEdit}
              onQuery={() => queryTable(table.name)}
            />
          )}
        </section>
        <HistoryPanel projectId={projectId} databaseId={databaseId} onPick={loadFromHistory} />
      </div>
    </>
  );
}
