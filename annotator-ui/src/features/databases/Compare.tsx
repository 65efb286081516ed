// Comparing a gold and a predicted SQL on the database: the verdict, the rows only one returned, and
// both results side by side.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, type RefObject } from 'react';
import { api, type CompareResult, type DbTable } from '../../shared/api';
import { formatCount, ResultPanel, RowsTable } from '../../components/ResultGrid';
import { RUN_SHORTCUT, SqlEditor, type SqlEditorHandle } from '../../components/SqlEditor';
import { Badge, Button, ErrorState } from '../../components/ui';
import { databaseKeys } from './keys';

// ---------- Compare ----------

export function Compare({
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
            <OnlyIn side="gold" columns={goldCols} rows={onlyGold} count={goldCount} />
            <OnlyIn side="predicted" columns={predCols} rows={onlyPred} count={predCount} />
          </div>
        </div>
      )}
      <div className="compare-columns">
        {(
          [
            ['Gold result', result.gold],
            ['Predicted result', result.pred],
          ] as const
        ).map(([title, r]) => (
          <ResultPanel key={title} title={title} result={r} label={title} highlight={order >= 0 ? order : undefined} />
        ))}
      </div>
    </div>
  );
}

/** The rows only one side returned (at most the first ones the server sent), or "None.". */
function OnlyIn({ side, columns, rows, count }: { side: string; columns: CompareResult['gold']['columns']; rows: unknown[][]; count: number }) {
  return (
    <div>
      <h3 className="diff-title">
        Only in {side} ({formatCount(count)})
      </h3>
      {rows.length > 0 ? <RowsTable columns={columns ?? []} rows={rows} label={`Rows only in ${side}`} /> : <p className="muted">None.</p>}
      {count > rows.length && <p className="muted small">Showing {formatCount(rows.length)}.</p>}
    </div>
  );
}
