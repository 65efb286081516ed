// One target database: schema browser, table detail with sample rows (leads edit a table's name and
// summary there), SQL runner with history and "Save as a question" (the question with the runner's
// SQL), and compare (gold vs predicted by execution match).
// Loaded on demand: it carries the CodeMirror editor.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent, type Ref, type RefObject } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, type CompareResult, type Database, type DbTable, type HistoryEntry, type QueryResult } from '../../shared/api';
import { formatCount, plural, ResultView, RowsTable } from '../../components/ResultGrid';
import { RUN_SHORTCUT, SqlEditor, type SqlEditorHandle } from '../../components/SqlEditor';
import { WriteQuestion } from './WriteQuestion';
import { SchemaSearch } from '../../components/SchemaSearch';
import { ColumnDocNote } from '../../components/ColumnDoc';
import { Alert, Badge, Button, ErrorState, Loading, PageHeader, TextAreaField, TextField, useToast } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { canManageProject } from '../../shared/nav';
import { databaseKeys } from './keys';
import { projectKeys } from '../projects/keys';

// Words PostgreSQL will not take as a bare column or table name.
const RESERVED = new Set(
  'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where window with'.split(
    ' ',
  ),
);

/** An identifier as it must be written in SQL: bare when it can be, double-quoted otherwise. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function tableQuery(table: string): string {
  return `SELECT * FROM ${quoteIdent(table)} LIMIT 20`;
}

type Mode = 'run' | 'compare' | 'table';

/** Where a table came from, for people: a file's own name, not the server's upload folder. */
export function tableSource(t: Pick<DbTable, 'name' | 'original'>): string | null {
  if (!t.original || t.original === t.name) return null;
  return t.original.startsWith('/') ? t.original.slice(t.original.lastIndexOf('/') + 1) : t.original;
}

/** A header is worth repeating only when it says more than the column name (not just its case). */
function headerDiffers(c: { name: string; original: string }): boolean {
  return Boolean(c.original) && c.original.toLowerCase() !== c.name.toLowerCase();
}

export function DatabasePage() {
  const { projectId = '', databaseId = '' } = useParams();
  const project = useQuery({ queryKey: projectKeys.detail(projectId), queryFn: () => api.getProject(projectId) });
  const db = useQuery({
    queryKey: databaseKeys.detail(projectId, databaseId),
    queryFn: () => api.getDatabase(projectId, databaseId),
  });

  if (db.isPending) return <Loading label="Loading database…" />;
  const crumbs = (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <Link to="/projects">Projects</Link>
      <span aria-hidden="true">/</span>
      <Link to={`/projects/${projectId}`}>{project.data?.project.name ?? 'Project'}</Link>
      <span aria-hidden="true">/</span>
      <Link to={`/projects/${projectId}/databases`}>Databases</Link>
      {db.data && (
        <>
          <span aria-hidden="true">/</span>
          <span aria-current="page">{db.data.database.name}</span>
        </>
      )}
    </nav>
  );
  if (db.isError) {
    return (
      <div className="page">
        {crumbs}
        <ErrorState error={db.error} onRetry={() => db.refetch()} />
      </div>
    );
  }
  return (
    <div className="page page-wide">
      {crumbs}
      <DatabaseWorkspace
        projectId={projectId}
        database={db.data.database}
        tables={db.data.tables}
        canEdit={canManageProject(project.data?.project.my_role)}
      />
    </div>
  );
}

function DatabaseWorkspace({
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

// ---------- Schema browser ----------

function keyBadges(table: DbTable, column: string) {
  const pk = (table.primary_key ?? []).includes(column);
  const fks = (table.foreign_keys ?? []).filter((fk) => fk.columns.includes(column));
  return (
    <>
      {pk && (
        <span className="key-badge key-pk" title="Primary key">
          PK
        </span>
      )}
      {fks.map((fk, i) => {
        const ref = `${fk.ref_table}.${fk.ref_columns[fk.columns.indexOf(column)] ?? fk.ref_columns.join(', ')}`;
        return (
          <span key={i} className="key-badge key-fk" title={`Foreign key → ${ref}`}>
            FK → {ref}
          </span>
        );
      })}
    </>
  );
}

function WarningMark({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  const text = warnings.join('\n');
  return (
    <span className="warning-mark" title={text} aria-label={`${plural(warnings.length, 'warning')}: ${text}`} role="img">
      !
    </span>
  );
}

export function SchemaBrowser({
  tables,
  activeTable,
  onInsert,
  onQuery,
  onShow,
}: {
  tables: DbTable[];
  activeTable: string | null;
  onInsert: (text: string) => void;
  onQuery: (table: string) => void;
  onShow: (table: string) => void;
}) {
  const [filter, setFilter] = useState('');
  // By id, so a renamed table stays open.
  const [expanded, setExpanded] = useState<Set<number>>(() => new Set(tables.length === 1 ? [tables[0].id] : []));
  const f = filter.trim().toLowerCase();
  const shown = f
    ? tables.filter(
        (t) =>
          t.name.includes(f) ||
          t.original.toLowerCase().includes(f) ||
          (t.columns ?? []).some((c) => c.name.includes(f) || c.original.toLowerCase().includes(f)),
      )
    : tables;
  const toggle = (id: number) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <aside className="schema" aria-label="Schema">
      <div className="schema-header">
        <h2>Tables</h2>
        <span className="muted">{formatCount(tables.length)}</span>
      </div>
      {tables.length > 6 && (
        <input
          className="input schema-filter"
          type="search"
          placeholder="Filter tables and columns"
          aria-label="Filter tables and columns"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      )}
      {tables.length === 0 ? (
        <p className="muted schema-empty">This database has no tables.</p>
      ) : shown.length === 0 ? (
        <p className="muted schema-empty">No table or column matches “{filter}”.</p>
      ) : (
        <ul className="schema-tables">
          {shown.map((t) => {
            const open = expanded.has(t.id) || Boolean(f);
            return (
              <li key={t.id} className={`schema-table${activeTable === t.name ? ' schema-table-active' : ''}`}>
                <div className="schema-table-row">
                  <button
                    type="button"
                    className="schema-toggle"
                    aria-expanded={open}
                    aria-label={`Columns of ${t.name}`}
                    onClick={() => toggle(t.id)}
                  >
                    <span aria-hidden="true">{open ? '▾' : '▸'}</span>
                  </button>
                  <button
                    type="button"
                    className="schema-name"
                    title={`Insert ${t.name} at the cursor`}
                    onClick={() => onInsert(quoteIdent(t.name))}
                  >
                    {t.name}
                  </button>
                  <WarningMark warnings={t.warnings ?? []} />
                  <span className="schema-count" title={`${formatCount(t.row_count)} rows`}>
                    {formatCount(t.row_count)}
                  </span>
                </div>
                {tableSource(t) && <div className="schema-original">from {tableSource(t)}</div>}
                {open && (
                  <div className="schema-detail">
                    <ul className="schema-columns" aria-label={`Columns of ${t.name}`}>
                      {(t.columns ?? []).map((c) => (
                        <li key={c.name}>
                          <button
                            type="button"
                            className="schema-col"
                            title={`Insert ${c.name} at the cursor`}
                            onClick={() => onInsert(quoteIdent(c.name))}
                          >
                            {c.name}
                          </button>
                          <span className="schema-coltype">{c.type}</span>
                          {keyBadges(t, c.name)}
                          {headerDiffers(c) && (
                            <div className="schema-original" data-testid="original-header">
                              “{c.original}”
                            </div>
                          )}
                          <ColumnDocNote column={c} />
                        </li>
                      ))}
                    </ul>
                    <div className="schema-actions">
                      <Button size="sm" onClick={() => onQuery(t.name)} aria-label={`Query ${t.name}`}>
                        Query
                      </Button>
                      <Button size="sm" variant="ghost" onClick={() => onShow(t.name)} aria-label={`Details of ${t.name}`}>
                        Details
                      </Button>
                    </div>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </aside>
  );
}

// ---------- Table detail ----------

function TableDetail({
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
        <div className="table-wrap flush">
          <table className="table table-compact">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Original header</th>
                <th scope="col">Type</th>
                <th scope="col">Keys</th>
              </tr>
            </thead>
            <tbody>
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
            </tbody>
          </table>
        </div>
      </div>
      <div className="panel">
        <div className="panel-header">
          <h2 className="panel-title">Sample rows</h2>
        </div>
        {rows.isPending ? (
          <Loading label="Loading rows…" />
        ) : rows.isError ? (
          <ErrorState error={rows.error} onRetry={() => rows.refetch()} />
        ) : (
          <ResultView result={rows.data} label={`Sample rows of ${table.name}`} />
        )}
      </div>
    </div>
  );
}

type DatabaseData = Awaited<ReturnType<typeof api.getDatabase>>;

/** Inline form for a table's name and summary (leads). Enter in the name saves, Escape cancels. */
function EditTable({
  projectId,
  databaseId,
  table,
  onCancel,
  onSaved,
}: {
  projectId: string;
  databaseId: string;
  table: DbTable;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(table.name);
  const [summary, setSummary] = useState(table.summary ?? '');
  const [missingName, setMissingName] = useState(false);
  const save = useMutation({
    mutationFn: (body: { name?: string; summary?: string }) => api.updateTable(projectId, databaseId, table.name, body),
    onSuccess: ({ table: saved }, body) => {
      const key = databaseKeys.detail(projectId, databaseId);
      // The sidebar, the editor's completion and the open table follow at once; the refetch confirms.
      qc.setQueryData<DatabaseData>(key, (old) =>
        old && { ...old, tables: old.tables.map((t) => (t.id === saved.id ? { ...t, ...saved } : t)) },
      );
      void qc.invalidateQueries({ queryKey: key });
      if (body.name !== undefined) qc.removeQueries({ queryKey: databaseKeys.rows(projectId, databaseId, table.name) });
      toast(body.name !== undefined ? `Table renamed to ${saved.name}` : 'Summary saved');
      onSaved();
    },
  });
  const taken = save.variables?.name ?? name.trim();
  const fields = fieldErrors(save.error, { 409: ['name', `This database already has a table named “${taken}”.`] });
  if (missingName) fields.name = 'Enter a name.';
  const general = formError(save.error, fields);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (save.isPending) return;
    const body: { name?: string; summary?: string } = {};
    const n = name.trim();
    if (!n) {
      setMissingName(true);
      return;
    }
    setMissingName(false);
    if (n !== table.name) body.name = n;
    if (summary.trim() !== (table.summary ?? '').trim()) body.summary = summary.trim();
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    save.mutate(body);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape' && !save.isPending) {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  };

  return (
    <form className="form table-edit" onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label={`Edit table ${table.name}`}>
      {general && <Alert>{general}</Alert>}
      <TextField
        label="Table name"
        name="table-name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setMissingName(false);
        }}
        error={fields.name}
        hint="Lower-case letters, digits and _. Renaming changes the name SQL uses."
        autoFocus
        autoComplete="off"
        spellCheck={false}
        maxLength={63}
      />
      <TextAreaField
        label="Summary"
        name="table-summary"
        rows={3}
        value={summary}
        onChange={(e) => setSummary(e.target.value)}
        onKeyDown={(e) => {
          // Enter makes a new line here; Ctrl/Cmd-Enter saves.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
        error={fields.summary}
        placeholder="What one row is, and what the columns mean"
        hint="Shown with the table to everyone writing SQL for this database."
        maxLength={1000}
      />
      <div className="form-actions">
        <span className="muted small-inline form-actions-note">
          <kbd>Enter</kbd> in the name saves · <kbd>Esc</kbd> cancels
        </span>
        <Button onClick={onCancel} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}

// ---------- Runner ----------

function Runner({
  editorRef,
  sql,
  onSqlChange,
  tables,
  onRun,
  running,
  result,
  error,
  refusal,
}: {
  editorRef: Ref<SqlEditorHandle>;
  sql: string;
  onSqlChange: (s: string) => void;
  tables: DbTable[];
  onRun: () => void;
  running: boolean;
  result: QueryResult | null;
  error: unknown;
  /** Why saving a question with this SQL was refused ("does not run: …"). */
  refusal: string | null;
}) {
  return (
    <div className="stack-sm">
      <div className="panel editor-panel">
        <SqlEditor
          ref={editorRef}
          value={sql}
          onChange={onSqlChange}
          onRun={onRun}
          tables={tables}
          label="SQL"
          placeholder="SELECT … — Ctrl-Space completes tables and columns"
        />
        <div className="editor-toolbar">
          <Button variant="primary" onClick={onRun} busy={running} disabled={!sql.trim()} aria-keyshortcuts="Control+Enter Meta+Enter">
            Run <kbd>{RUN_SHORTCUT}</kbd>
          </Button>
          <span className="muted small-inline">Read-only: only SELECT queries run. Results are capped.</span>
        </div>
        {refusal && (
          <p className="field-error editor-error" role="alert" data-testid="question-sql-error">
            Not saved as a question: the SQL {refusal}
          </p>
        )}
      </div>
      <div className="panel result-panel" aria-live="polite" aria-busy={running}>
        {error ? (
          <ErrorState error={error} />
        ) : result ? (
          <div className={running ? 'stale' : undefined}>
            <ResultView result={result} label="Query result" />
          </div>
        ) : running ? (
          <Loading label="Running…" />
        ) : (
          <p className="muted result-placeholder">
            Write a query and press <kbd>{RUN_SHORTCUT}</kbd>. Click a table or column on the left to insert its name.
          </p>
        )}
      </div>
    </div>
  );
}

// ---------- History ----------

function HistoryPanel({
  projectId,
  databaseId,
  onPick,
}: {
  projectId: string;
  databaseId: string;
  onPick: (e: HistoryEntry) => void;
}) {
  const history = useQuery({
    queryKey: databaseKeys.history(projectId, databaseId),
    queryFn: () => api.queryHistory(projectId, databaseId),
  });
  return (
    <aside className="history" aria-label="History">
      <div className="schema-header">
        <h2>History</h2>
        {history.isFetching && !history.isPending && <span className="spinner spinner-tiny" aria-hidden="true" />}
      </div>
      {history.isPending ? (
        <Loading label="Loading history…" />
      ) : history.isError ? (
        <p className="muted schema-empty">Could not load your history.</p>
      ) : history.data.history.length === 0 ? (
        <p className="muted schema-empty">Queries you run here are kept in your history.</p>
      ) : (
        <ul className="history-list">
          {history.data.history.map((h) => (
            <li key={h.id}>
              <button type="button" className="history-item" onClick={() => onPick(h)} title="Load into the editor">
                <code className="history-sql">{h.sql}</code>
                <span className="history-meta">
                  <span title={formatDateTime(h.created_at)}>{formatRelative(h.created_at)}</span>
                  {h.error ? (
                    <span className="text-danger">error</span>
                  ) : (
                    <span>{plural(h.row_count ?? 0, 'row')}</span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

// ---------- Compare ----------

function Compare({
  projectId,
  databaseId,
  tables,
  targetRef,
  gold,
  pred,
  onGold,
  onPred,
}: {
  projectId: string;
  databaseId: string;
  tables: DbTable[];
  targetRef: RefObject<SqlEditorHandle | null>;
  gold: string;
  pred: string;
  onGold: (s: string) => void;
  onPred: (s: string) => void;
}) {
  const goldEditor = useRef<SqlEditorHandle>(null);
  const predEditor = useRef<SqlEditorHandle>(null);
  const qc = useQueryClient();
  const compare = useMutation({
    mutationFn: () => api.compare(projectId, databaseId, gold, pred),
    onSettled: () => void qc.invalidateQueries({ queryKey: databaseKeys.history(projectId, databaseId) }),
  });
  const ready = gold.trim() !== '' && pred.trim() !== '';
  const go = () => {
    if (ready && !compare.isPending) compare.mutate();
  };
  // Clicking in the sidebar inserts into whichever editor was used last.
  const track = (which: 'gold' | 'pred') => () => {
    targetRef.current = (which === 'gold' ? goldEditor : predEditor).current;
  };

  return (
    <div className="stack-sm">
      <div className="compare-editors">
        <div className="panel editor-panel" onFocusCapture={track('gold')}>
          <div className="editor-label">Gold SQL</div>
          <SqlEditor ref={goldEditor} value={gold} onChange={onGold} onRun={go} tables={tables} label="Gold SQL" minLines={5} />
        </div>
        <div className="panel editor-panel" onFocusCapture={track('pred')}>
          <div className="editor-label">Predicted SQL</div>
          <SqlEditor ref={predEditor} value={pred} onChange={onPred} onRun={go} tables={tables} label="Predicted SQL" minLines={5} />
        </div>
      </div>
      <div className="editor-toolbar editor-toolbar-bare">
        <Button variant="primary" onClick={go} busy={compare.isPending} disabled={!ready} aria-keyshortcuts="Control+Enter Meta+Enter">
          Compare <kbd>{RUN_SHORTCUT}</kbd>
        </Button>
        <span className="muted small-inline">Execution match: same rows, any column order; row order only when gold has ORDER BY.</span>
      </div>
      {compare.isError && <ErrorState error={compare.error} />}
      {compare.data && <CompareView result={compare.data} />}
    </div>
  );
}

function countOf(list: unknown[][] | null, n: number | undefined) {
  return n ?? list?.length ?? 0;
}

export function CompareView({ result }: { result: CompareResult }) {
  const d = result.diff;
  const onlyGold = d.only_in_gold ?? [];
  const onlyPred = d.only_in_pred ?? [];
  const goldCount = countOf(d.only_in_gold, d.only_in_gold_count);
  const predCount = countOf(d.only_in_pred, d.only_in_pred_count);
  const order = d.first_order_difference;
  const goldCols = useMemo(() => result.gold.columns ?? [], [result.gold.columns]);
  const predCols = useMemo(() => result.pred.columns ?? [], [result.pred.columns]);
  return (
    <div className="stack-sm" data-testid="compare-result">
      <div className={`verdict ${result.match ? 'verdict-match' : 'verdict-nomatch'}`} role="status" data-testid="verdict">
        <span className="verdict-label">{result.match ? 'MATCH' : 'NO MATCH'}</span>
        <span className="verdict-reason">{result.reason}</span>
        {result.order_matters && <Badge tone="info">row order matters</Badge>}
      </div>
      {!result.match && (goldCount > 0 || predCount > 0 || order >= 0) && (
        <div className="panel" data-testid="diff">
          <div className="panel-header">
            <h2 className="panel-title">Difference</h2>
          </div>
          {order >= 0 && (
            <p className="diff-order">
              Same rows in a different order: the first difference is at row <strong>{order + 1}</strong> (highlighted below).
            </p>
          )}
          <div className="compare-columns">
            <div>
              <h3 className="diff-title">Only in gold ({formatCount(goldCount)})</h3>
              {onlyGold.length > 0 ? (
                <RowsTable columns={goldCols} rows={onlyGold} label="Rows only in gold" />
              ) : (
                <p className="muted">None.</p>
              )}
              {goldCount > onlyGold.length && <p className="muted small">Showing {formatCount(onlyGold.length)}.</p>}
            </div>
            <div>
              <h3 className="diff-title">Only in predicted ({formatCount(predCount)})</h3>
              {onlyPred.length > 0 ? (
                <RowsTable columns={predCols} rows={onlyPred} label="Rows only in predicted" />
              ) : (
                <p className="muted">None.</p>
              )}
              {predCount > onlyPred.length && <p className="muted small">Showing {formatCount(onlyPred.length)}.</p>}
            </div>
          </div>
        </div>
      )}
      <div className="compare-columns">
        <div className="panel">
          <div className="panel-header">
            <h2 className="panel-title">Gold result</h2>
          </div>
          <ResultView result={result.gold} label="Gold result" highlight={order >= 0 ? order : undefined} />
        </div>
        <div className="panel">
          <div className="panel-header">
            <h2 className="panel-title">Predicted result</h2>
          </div>
          <ResultView result={result.pred} label="Predicted result" highlight={order >= 0 ? order : undefined} />
        </div>
      </div>
    </div>
  );
}
