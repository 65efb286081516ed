// The list of questions, walked with J/K, a row opening the question.
import { useEffect, useRef, type MouseEvent } from 'react';
import { Link } from 'react-router';
import { type Nlq } from '../../shared/api';
import { Badge, Table } from '../../components/ui';
import { describeOrigin, HIDDEN_SQL, STATUS_TONES, statusLabel } from '../../shared/nlqs';

export function QuestionTable({
  projectId,
  list,
  cursor,
  openId,
  linkTo,
  onOpen,
}: {
  projectId: string;
  list: Nlq[];
  cursor: number;
  openId: string | undefined;
  linkTo: (id: number) => string;
  onOpen: (index: number) => void;
}) {
  const rows = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const row = rows.current?.children[cursor] as HTMLElement | undefined;
    row?.scrollIntoView?.({ block: 'nearest' });
  }, [cursor]);
  const click = (e: MouseEvent, i: number) => {
    // Links and buttons in the row do their own thing.
    if (e.target instanceof HTMLElement && e.target.closest('a, button')) return;
    onOpen(i);
  };
  return (
    <Table label="Questions" className="table table-walk questions-table" bodyRef={rows} columns={['Question', 'Database', 'Status', 'Stage', 'Origin']}>
      {list.map((n, i) => {
        const isOpen = String(n.id) === openId;
        const cls = [i === cursor ? 'row-cursor' : '', isOpen ? 'row-open' : ''].filter(Boolean).join(' ');
        return (
          <tr key={n.id} className={cls || undefined} aria-current={isOpen ? 'true' : undefined} onClick={(e) => click(e, i)} data-testid={`question-row-${n.id}`}>
            <td className="question-cell">
              <Link to={linkTo(n.id)}>{n.question}</Link>
              {n.answers_hidden && (
                <span className="muted small-inline blind-tag" title={HIDDEN_SQL}>
                  {' '}
                  · SQL hidden
                </span>
              )}
            </td>
            <td className="nowrap">
              {n.database_id ? (
                <Link to={`/projects/${projectId}/databases/${n.database_id}`}>{n.database_name ?? n.database_id}</Link>
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              <Badge tone={STATUS_TONES[n.status] ?? 'neutral'}>{statusLabel(n.status)}</Badge>
            </td>
            <td className="nowrap muted">{n.stage}</td>
            <td className="nowrap mono small-mono">{describeOrigin(n.origin)}</td>
          </tr>
        );
      })}
    </Table>
  );
}
