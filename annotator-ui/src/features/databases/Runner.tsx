// Running SQL on the database, with the history of what was run.
import { useQuery } from '@tanstack/react-query';
import { type Ref } from 'react';
import { api, type DbTable, type HistoryEntry, type QueryResult } from '../../shared/api';
import { plural, ResultView } from '../../components/ResultGrid';
import { RUN_SHORTCUT, SqlRunPanel, type SqlEditorHandle } from '../../components/SqlEditor';
import { ErrorState, Loading } from '../../components/ui';
import { formatDateTime, formatRelative } from '../../shared/format';
import { databaseKeys } from './keys';

// ---------- Runner ----------

export function Runner({
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
      <SqlRunPanel
        ref={editorRef}
        value={sql}
        onChange={onSqlChange}
        onRun={onRun}
        tables={tables}
        label="SQL"
        runLabel="Run"
        busy={running}
        toolbar={<span className="muted small-inline">Read-only: only SELECT queries run. Results are capped.</span>}
      >
        {refusal && (
          <p className="field-error editor-error" role="alert" data-testid="question-sql-error">
            Not saved as a question: the SQL {refusal}
          </p>
        )}
      </SqlRunPanel>
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

export function HistoryPanel({
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
