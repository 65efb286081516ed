// The difference between two guideline versions: what happened to rules (by ID), then the lines,
// with long unchanged stretches folded to a few lines of context.
import { useState } from 'react';
import type { DiffHunk, GuidelineDiffData, RuleRef } from './api';

const CONTEXT = 3;

type Row = { op: DiffHunk['op']; text: string; oldNo: number | null; newNo: number | null };
type Piece = { rows: Row[] } | { folded: Row[] };

/** Rows with old/new line numbers; long equal stretches fold, keeping CONTEXT lines next to changes. */
export function diffPieces(hunks: DiffHunk[]): Piece[] {
  const pieces: Piece[] = [];
  let oldNo = 1;
  let newNo = 1;
  let open: Row[] = [];
  hunks.forEach((h, i) => {
    const rows = (h.lines ?? []).map((text) => {
      const row: Row = {
        op: h.op,
        text,
        oldNo: h.op === 'insert' ? null : oldNo++,
        newNo: h.op === 'delete' ? null : newNo++,
      };
      return row;
    });
    if (h.op !== 'equal') {
      open.push(...rows);
      return;
    }
    const head = i === 0 ? 0 : CONTEXT;
    const tail = i === hunks.length - 1 ? 0 : CONTEXT;
    if (rows.length <= head + tail + 1) {
      open.push(...rows);
      return;
    }
    open.push(...rows.slice(0, head));
    if (open.length) pieces.push({ rows: open });
    pieces.push({ folded: rows.slice(head, rows.length - tail) });
    open = rows.slice(rows.length - tail);
  });
  if (open.length) pieces.push({ rows: open });
  return pieces;
}

function RuleList({ label, tone, rules }: { label: string; tone: string; rules: RuleRef[] }) {
  if (rules.length === 0) return null;
  return (
    <div className={`gl-rule-change gl-rule-${tone}`}>
      <span className="gl-rule-change-label">{label}</span>
      <ul className="plain-list">
        {rules.map((r) => (
          <li key={r.id}>
            <strong className="mono">{r.id}</strong> {r.title}
          </li>
        ))}
      </ul>
    </div>
  );
}

function DiffRows({ rows }: { rows: Row[] }) {
  return (
    <>
      {rows.map((r, i) => (
        <tr key={i} className={`gl-diff-${r.op}`}>
          <td className="gl-diff-no">{r.oldNo ?? ''}</td>
          <td className="gl-diff-no">{r.newNo ?? ''}</td>
          <td className="gl-diff-mark" aria-label={r.op === 'insert' ? 'added' : r.op === 'delete' ? 'removed' : undefined}>
            {r.op === 'insert' ? '+' : r.op === 'delete' ? '−' : ''}
          </td>
          <td className="gl-diff-text">{r.text || '\u00a0'}</td>
        </tr>
      ))}
    </>
  );
}

function Folded({ rows }: { rows: Row[] }) {
  const [open, setOpen] = useState(false);
  if (open) return <DiffRows rows={rows} />;
  return (
    <tr className="gl-diff-fold">
      <td colSpan={4}>
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(true)}>
          Show {rows.length} unchanged {rows.length === 1 ? 'line' : 'lines'}
        </button>
      </td>
    </tr>
  );
}

export function GuidelineDiff({ diff }: { diff: GuidelineDiffData }) {
  const added = diff.rules.added ?? [];
  const removed = diff.rules.removed ?? [];
  const changed = diff.rules.changed ?? [];
  const none = added.length + removed.length + changed.length === 0;
  const from = diff.from === 0 ? 'empty' : `v${diff.from}`;
  return (
    <div className="gl-diff" data-testid="guideline-diff">
      <section aria-label="Rule changes" className="gl-rule-changes">
        {none ? (
          <p className="muted">No rule was added, removed or changed.</p>
        ) : (
          <>
            <RuleList label="Added" tone="added" rules={added} />
            <RuleList label="Changed" tone="changed" rules={changed} />
            <RuleList label="Removed" tone="removed" rules={removed} />
          </>
        )}
      </section>
      <LineDiff hunks={diff.hunks ?? []} from={from} to={`v${diff.to}`} same="The two versions have the same text." />
    </div>
  );
}

/**
 * The lines of two texts side by side in one column (added, removed, unchanged), long unchanged
 * stretches folded: a guideline's versions, a prompt before and after optimization.
 */
export function LineDiff({ hunks, from, to, same }: { hunks: DiffHunk[]; from: string; to: string; same: string }) {
  if (hunks.every((h) => h.op === 'equal')) return <p className="muted">{same}</p>;
  return (
    <div className="table-wrap">
      <table className="gl-diff-table" aria-label={`Changes from ${from} to ${to}`}>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Line in {from}</th>
            <th scope="col">Line in {to}</th>
            <th scope="col">Change</th>
            <th scope="col">Text</th>
          </tr>
        </thead>
        <tbody>
          {diffPieces(hunks).map((p, i) => ('folded' in p ? <Folded key={i} rows={p.folded} /> : <DiffRows key={i} rows={p.rows} />))}
        </tbody>
      </table>
    </div>
  );
}
