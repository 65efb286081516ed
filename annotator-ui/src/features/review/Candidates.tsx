// The candidates of a review item: every SQL of the question, each named by who wrote it, with its
// result on demand; any two of them compared side by side (SQL diff, results, rows only one returns).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, type NeighbourDetail, type QueryResult } from '../../shared/api';
import { formatCount, plural, ResultView, RowsTable } from '../../components/ResultGrid';
import { NeighbourDisagreement } from '../../components/NeighbourDisagreement';
import { SqlCode } from '../../components/SqlCode';
import { Alert, Badge, ErrorState, Loading } from '../../components/ui';
import { sqlDiff, type DiffPart, type ReviewCandidate } from '../../shared/loop';
import { reviewKeys } from './keys';

export interface Labelled {
  candidate: ReviewCandidate;
  label: string;
}

function DiffCode({ parts, label, testId }: { parts: DiffPart[]; label: string; testId: string }) {
  return (
    <pre className="sql-diff" aria-label={label} data-testid={testId}>
      <code>
        {parts.map((p, i) =>
          p.op === 'equal' ? (
            <span key={i}>{p.text}</span>
          ) : p.op === 'delete' ? (
            <del key={i} className="diff-del">
              {p.text}
            </del>
          ) : (
            <ins key={i} className="diff-ins">
              {p.text}
            </ins>
          ),
        )}
      </code>
    </pre>
  );
}

function RowDiff({ title, rows, count, cols }: { title: string; rows: unknown[][] | null; count?: number; cols: QueryResult['columns'] }) {
  const list = rows ?? [];
  const n = count ?? list.length;
  return (
    <div>
      <h3 className="diff-title">
        {title} ({formatCount(n)})
      </h3>
      {list.length > 0 ? <RowsTable columns={cols ?? []} rows={list} label={title} /> : <p className="muted">None.</p>}
    </div>
  );
}

/** "A", "B" or nothing: the item's own pair, as the queue put it. */
function slot(c: ReviewCandidate, aId: number | null, bId: number | null) {
  return c.id === aId ? 'A' : c.id === bId ? 'B' : null;
}

/** What each candidate row needs of the item under review: where its SQL runs, and how to pick and accept. */
interface ItemContext {
  projectId: string;
  itemId: number;
  databaseId: number | null;
  onPair: (side: 0 | 1, id: number) => void;
  onAccept: (id: number) => void;
}

/**
 * Every candidate, oldest first. The reviewer picks the two to compare (Left, Right), shows any one's
 * result, and accepts any one.
 */
export function CandidateList({
  candidates,
  aId,
  bId,
  pair,
  accepted,
  audit,
  ...item
}: ItemContext & {
  candidates: Labelled[];
  aId: number | null;
  bId: number | null;
  pair: [number | null, number | null];
  accepted: number | null;
  /** A snapshot audit: A is the snapshot's gold. */
  audit: boolean;
}) {
  return (
    <section className="panel review-candidates" aria-label="Candidates">
      <div className="panel-header">
        <h2 className="panel-title">Candidates ({candidates.length})</h2>
        <span className="muted small">Every SQL of the question, oldest first. Compare any two; accept any one.</span>
      </div>
      <ol className="review-candidate-list">
        {candidates.map((l) => (
          <CandidateRow
            key={l.candidate.id}
            {...item}
            labelled={l}
            slot={slot(l.candidate, aId, bId)}
            side={pair[0] === l.candidate.id ? 0 : pair[1] === l.candidate.id ? 1 : null}
            accepted={accepted === l.candidate.id}
            audit={audit && l.candidate.id === aId}
          />
        ))}
      </ol>
    </section>
  );
}

function CandidateRow({
  projectId,
  itemId,
  databaseId,
  labelled: { candidate: c, label },
  slot,
  side,
  onPair,
  accepted,
  onAccept,
  audit,
}: ItemContext & {
  labelled: Labelled;
  slot: 'A' | 'B' | null;
  side: 0 | 1 | null;
  accepted: boolean;
  audit: boolean;
}) {
  const [open, setOpen] = useState(false);
  const run = useQuery({
    queryKey: reviewKeys.run(projectId, itemId, c.id),
    queryFn: () => api.runQuery(projectId, databaseId!, c.sql),
    enabled: open && databaseId != null,
    staleTime: Infinity,
  });
  return (
    <li className={`review-candidate${accepted ? ' is-accepted' : ''}`} data-testid={`candidate-${c.id}`} aria-label={label}>
      <div className="review-candidate-head">
        <strong>{label}</strong>
        {slot && <Badge tone="info">{slot}</Badge>}
        {audit && <Badge tone="warning">the snapshot’s gold</Badge>}
        {accepted && <Badge tone="success">to accept</Badge>}
        <span className="muted small">
          #{c.id} · {c.error ? <span className="text-danger">fails</span> : c.row_count != null ? plural(c.row_count, 'row') : 'not run'}
        </span>
        <span className="toolbar-spacer" />
        <span className="btn-group" role="group" aria-label={`Compare ${label}`}>
          <button type="button" className={`btn btn-sm ${side === 0 ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={side === 0} onClick={() => onPair(0, c.id)}>
            Left
          </button>
          <button type="button" className={`btn btn-sm ${side === 1 ? 'btn-primary' : 'btn-secondary'}`} aria-pressed={side === 1} onClick={() => onPair(1, c.id)}>
            Right
          </button>
        </span>
        {databaseId != null && (
          <button type="button" className="btn btn-sm btn-ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
            {open ? 'Hide result' : 'Result'}
          </button>
        )}
        <button
          type="button"
          className={`btn btn-sm ${accepted ? 'btn-primary' : 'btn-secondary'}`}
          aria-pressed={accepted}
          aria-label={`Accept ${label}`}
          onClick={() => onAccept(c.id)}
        >
          Accept
        </button>
      </div>
      <SqlCode sql={c.sql} />
      {c.error && <Alert title="This SQL failed">{c.error}</Alert>}
      {open &&
        (run.isPending ? (
          <Loading label="Running…" />
        ) : run.isError ? (
          <ErrorState error={run.error} onRetry={() => run.refetch()} />
        ) : (
          <ResultView result={run.data} label={`Result of ${label}`} />
        ))}
    </li>
  );
}

/** Two candidates side by side: the SQL diff, then (on the database) the verdict, the rows only one returns and both results. */
export function PairComparison({
  projectId,
  itemId,
  databaseId,
  left,
  right,
  neighbour,
}: {
  projectId: string;
  itemId: number;
  databaseId: number | null;
  left: Labelled | null;
  right: Labelled | null;
  neighbour: NeighbourDetail | null;
}) {
  const both = Boolean(left && right && databaseId != null);
  const compare = useQuery({
    queryKey: reviewKeys.compare(projectId, itemId, left?.candidate.id ?? 0, right?.candidate.id ?? 0),
    queryFn: () => api.compare(projectId, databaseId!, left!.candidate.sql, right!.candidate.sql),
    enabled: both,
    staleTime: Infinity,
  });
  const single = left ?? right;
  const singleRun = useQuery({
    queryKey: reviewKeys.run(projectId, itemId, single?.candidate.id ?? 0),
    queryFn: () => api.runQuery(projectId, databaseId!, single!.candidate.sql),
    enabled: !both && Boolean(single) && databaseId != null,
    staleTime: Infinity,
  });
  const diff = left && right ? sqlDiff(left.candidate.sql, right.candidate.sql) : null;
  const sides: [Labelled | null, DiffPart[] | null, string][] = [
    [left, diff?.a ?? null, 'sql-left'],
    [right, diff?.b ?? null, 'sql-right'],
  ];
  return (
    <section className="stack-sm" aria-label="Comparison">
      <div className="compare-columns" data-testid="sql-side-by-side">
        {sides.map(([l, parts, testId]) => (
          <figure key={testId} className="sql-block">
            <figcaption>
              <span>{l ? l.label : 'Pick a candidate'}</span>
              {l?.candidate.row_count != null && <span className="muted"> · {plural(l.candidate.row_count, 'row')}</span>}
            </figcaption>
            {l ? (
              <DiffCode parts={parts ?? [{ op: 'equal', text: l.candidate.sql }]} label={`SQL of ${l.label}`} testId={testId} />
            ) : (
              <p className="muted empty-sql">Choose “Left” or “Right” on a candidate below.</p>
            )}
          </figure>
        ))}
      </div>
      {databaseId == null ? null : both ? (
        compare.isPending ? (
          <Loading label="Running both candidates…" />
        ) : compare.isError ? (
          <ErrorState error={compare.error} onRetry={() => compare.refetch()} />
        ) : (
          <div className="stack-sm" data-testid="review-results">
            <div className={`verdict verdict-sm ${compare.data.match ? 'verdict-match' : 'verdict-nomatch'}`} role="status">
              <span className="verdict-label">{compare.data.match ? 'SAME RESULT' : 'DIFFERENT RESULTS'}</span>
              <span className="verdict-reason">{compare.data.reason}</span>
            </div>
            {compare.data.match && neighbour && <NeighbourDisagreement detail={neighbour} labelA={left!.label} labelB={right!.label} />}
            {!compare.data.match && (
              <div className="compare-columns">
                <RowDiff title={`Rows only in ${left!.label}`} rows={compare.data.diff.only_in_gold} count={compare.data.diff.only_in_gold_count} cols={compare.data.gold.columns} />
                <RowDiff title={`Rows only in ${right!.label}`} rows={compare.data.diff.only_in_pred} count={compare.data.diff.only_in_pred_count} cols={compare.data.pred.columns} />
              </div>
            )}
            <div className="compare-columns">
              <div className="panel">
                <ResultView result={compare.data.gold} label={`Result of ${left!.label}`} />
              </div>
              <div className="panel">
                <ResultView result={compare.data.pred} label={`Result of ${right!.label}`} />
              </div>
            </div>
          </div>
        )
      ) : single ? (
        singleRun.isPending ? (
          <Loading label="Running the candidate…" />
        ) : singleRun.isError ? (
          <ErrorState error={singleRun.error} />
        ) : (
          <div className="panel">
            <ResultView result={singleRun.data} label={`Result of ${single.label}`} />
          </div>
        )
      ) : null}
    </section>
  );
}
