// A comparison whose SQLs gave the same rows on the database but not on one of its neighbours (the same
// tables with other rows, docs/ARCHITECTURE.md "Agreement"): which neighbour, and the rows that tell
// the two apart, each side named by who wrote it.
import type { NeighbourDetail } from '../shared/api';
import { formatCount, RowsTable } from './ResultGrid';

const NEIGHBOURS: Record<string, string> = {
  empty: 'every table empty',
  half: 'about half of each table’s rows',
  'other half': 'the other half of each table’s rows',
  doubled: 'every row twice',
  shifted: 'numbers and dates of non-key columns moved',
  boundary: 'values set to the literals the queries compare with',
};

/** True when a comparison's detail is a neighbour's disagreement worth showing. */
export function isNeighbourDisagreement(d: NeighbourDetail | null | undefined): d is NeighbourDetail {
  return Boolean(d && !d.same && d.neighbour);
}

export function NeighbourDisagreement({ detail: d, labelA, labelB }: { detail: NeighbourDetail; labelA: string; labelB: string }) {
  const name = d.neighbour ?? '';
  const cols = d.a?.columns ?? d.b?.columns ?? [];
  const onlyA = d.diff?.only_in_gold ?? [];
  const onlyB = d.diff?.only_in_pred ?? [];
  const side = (title: string, rows: unknown[][], count: number | undefined, columns = cols) => (
    <div>
      <h4 className="diff-title">
        {title} ({formatCount(count ?? rows.length)})
      </h4>
      {rows.length > 0 ? <RowsTable columns={columns ?? []} rows={rows} label={title} /> : <p className="muted small">None.</p>}
    </div>
  );
  return (
    <div className="neighbour-disagreement" data-testid="neighbour-disagreement">
      <p className="neighbour-title">
        <strong>Equal on the database, but not on its ‘{name}’ neighbour</strong>
        {NEIGHBOURS[name] && <span className="muted"> ({NEIGHBOURS[name]})</span>}
      </p>
      {d.reason && <p className="muted small">{d.reason}</p>}
      <div className="compare-columns">
        {side(`Only in ${labelA}’s result there`, onlyA, d.diff?.only_in_gold_count, d.a?.columns ?? cols)}
        {side(`Only in ${labelB}’s result there`, onlyB, d.diff?.only_in_pred_count, d.b?.columns ?? cols)}
      </div>
      <p className="muted small">
        On the database itself both return the same rows
        {d.checked > 0 ? `; ${d.checked === 1 ? '1 neighbour was' : `${d.checked} neighbours were`} checked` : ''}.
      </p>
    </div>
  );
}
