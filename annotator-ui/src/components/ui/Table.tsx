// A table in its scrolling frame, its header row written as a list of columns.
import type { ReactNode, Ref } from 'react';
import { formatDateTime, formatRelative } from '../../shared/format';

/** A header cell: its text, or its text with `num` (right-aligned figures) or a tooltip, or a column
 * named only for screen readers (`hidden` as text, or an empty cell with an `ariaLabel`). */
export type Column = string | { label: ReactNode; num?: boolean; title?: string } | { hidden: string } | { ariaLabel: string };

export function HeadCells({ columns }: { columns: Column[] }) {
  return (
    <>
      {columns.map((c, i) =>
        typeof c === 'string' ? (
          <th key={i} scope="col">
            {c}
          </th>
        ) : 'hidden' in c ? (
          <th key={i} scope="col">
            <span className="visually-hidden">{c.hidden}</span>
          </th>
        ) : 'ariaLabel' in c ? (
          <th key={i} scope="col" aria-label={c.ariaLabel} />
        ) : (
          <th key={i} scope="col" className={c.num ? 'cell-num' : undefined} title={c.title}>
            {c.label}
          </th>
        ),
      )}
    </>
  );
}

/**
 * A table named `label` (for screen readers) with the header row of `columns` and the rows in `children`;
 * `bodyRef` reaches the rows' section (to scroll a row into view). A `flush` table (the default) meets
 * its card's edges.
 */
export function Table({
  label,
  columns,
  className = 'table',
  bodyRef,
  flush = true,
  children,
}: {
  label?: string;
  columns: Column[];
  className?: string;
  bodyRef?: Ref<HTMLTableSectionElement>;
  flush?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={flush ? 'table-wrap flush' : 'table-wrap'}>
      <table className={className} aria-label={label}>
        <thead>
          <tr>
            <HeadCells columns={columns} />
          </tr>
        </thead>
        <tbody ref={bodyRef}>{children}</tbody>
      </table>
    </div>
  );
}

/** When something happened, as "3 hours ago" with the date and time on hover; `children` follow ("by …"). */
export function WhenCell({ at, children }: { at: string | null; children?: ReactNode }) {
  return (
    <td className="nowrap muted" title={formatDateTime(at)}>
      {formatRelative(at)}
      {children}
    </td>
  );
}

/** A person's name (a dash when they have none), tagged "you" when `isMe` (the signed-in user). */
export function NameCell({ name, isMe }: { name: string; isMe: boolean }) {
  return (
    <td>
      {name || <span className="muted">—</span>}
      {isMe && <span className="you-tag">you</span>}
    </td>
  );
}

/** The row under an opened row that shows its detail across all `columns` of the table. */
export function DetailRow({ columns, id, children }: { columns: number; id?: string; children: ReactNode }) {
  return (
    <tr className="row-detail" id={id}>
      <td colSpan={columns}>{children}</td>
    </tr>
  );
}
