import { useInfiniteQuery } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import type { AuditEntry } from '../shared/api';
import { formatDateTime, formatRelative } from '../shared/format';
import { toggled } from '../shared/toggle';
import { Badge, Button, DetailRow, EmptyState, ErrorState, Loading, LoadMore, Table } from './ui';

const PAGE_SIZE = 50;

type Fetch = (page: { limit: number; before?: number }) => Promise<{ entries: AuditEntry[] }>;

/** "project.update" → "Project update"; actions are dotted machine names. */
export function humanAction(action: string): string {
  const words = action.replace(/[._]/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function actionTone(action: string): string {
  if (/(delete|remove|revoke|disable)/.test(action)) return 'danger';
  if (/(create|add|login)/.test(action)) return 'success';
  if (/(update|change|patch|enable)/.test(action)) return 'info';
  return 'neutral';
}

/** A JSON value under a caption (an audit entry's before or after). */
export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <figure className="json-block">
      <figcaption>{label}</figcaption>
      {value === null || value === undefined ? (
        <p className="muted">— none —</p>
      ) : (
        <pre>{JSON.stringify(value, null, 2)}</pre>
      )}
    </figure>
  );
}

/** The audit log, newest first, with older pages on demand and each entry's before/after expandable. */
export function AuditLog({
  queryKey,
  fetchPage,
  showProject,
  projectNames,
}: {
  queryKey: readonly unknown[];
  fetchPage: Fetch;
  /** Show a Project column; names are looked up here when known. */
  showProject?: boolean;
  projectNames?: Map<number, string>;
}) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const log = useInfiniteQuery({
    queryKey,
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => fetchPage({ limit: PAGE_SIZE, before: pageParam }),
    getNextPageParam: (last) =>
      last.entries.length < PAGE_SIZE ? undefined : last.entries[last.entries.length - 1]?.id,
  });

  if (log.isPending) return <Loading label="Loading activity…" />;
  if (log.isError) return <ErrorState error={log.error} onRetry={() => log.refetch()} />;

  const entries = log.data.pages.flatMap((p) => p.entries ?? []);
  if (entries.length === 0) {
    return <EmptyState title="No activity yet">Changes will be listed here as people make them.</EmptyState>;
  }

  const toggle = (id: number) => setOpen((s) => toggled(s, id));
  const columns = showProject ? 6 : 5;

  return (
    <>
      <Table className="table audit-table" flush={false} columns={['When', 'Who', 'Action', 'Object', ...(showProject ? ['Project'] : []), { hidden: 'Details' }]}>
        {entries.map((e) => {
          const expanded = open.has(e.id);
          return (
            <Fragment key={e.id}>
              <tr className={expanded ? 'row-expanded' : undefined}>
                <td className="nowrap">
                  <time dateTime={e.at} title={formatDateTime(e.at)}>
                    {formatRelative(e.at)}
                  </time>
                </td>
                <td>{e.actor ? e.actor.email : <span className="muted">system</span>}</td>
                <td>
                  <Badge tone={actionTone(e.action)}>{humanAction(e.action)}</Badge>
                </td>
                <td>
                  <span className="mono">
                    {e.object_type} #{e.object_id}
                  </span>
                </td>
                {showProject && (
                  <td>
                    {e.project_id === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <Link to={`/projects/${e.project_id}`}>
                        {projectNames?.get(e.project_id) ?? `Project #${e.project_id}`}
                      </Link>
                    )}
                  </td>
                )}
                <td className="cell-actions">
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => toggle(e.id)}
                    aria-expanded={expanded}
                    aria-controls={`audit-${e.id}`}
                  >
                    {expanded ? 'Hide changes' : 'Show changes'}
                  </Button>
                </td>
              </tr>
              {expanded && (
                <DetailRow columns={columns} id={`audit-${e.id}`}>
                  <div className="json-diff">
                    <JsonBlock label="Before" value={e.before} />
                    <JsonBlock label="After" value={e.after} />
                  </div>
                  <p className="muted small">
                    {formatDateTime(e.at)}
                    {e.request_id && (
                      <>
                        {' · request '}
                        <span className="mono">{e.request_id}</span>
                      </>
                    )}
                  </p>
                </DetailRow>
              )}
            </Fragment>
          );
        })}
      </Table>
      <LoadMore query={log}>Load older entries</LoadMore>
    </>
  );
}
