// The frames of a page: its header, cards, lists of what a query read, figures side by side, badges
// and rule chips.
import { type ReactNode } from 'react';
import { ErrorState, EmptyState, Loading } from './states';

/** What ListTable needs of a query. */
type ListQuery = { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };

/**
 * A card listing what a query read, as a table: loading, the error with a retry, the empty state
 * ("No <plural> yet"), or the table with its head and rows.
 */
export function ListTable({
  title,
  description = 'Newest first.',
  query,
  count,
  noun,
  empty = 'Start one with the form above.',
  head,
  children,
}: {
  title: string;
  description?: string;
  query: ListQuery;
  count: number;
  /** The plural in "Loading …" and "No … yet". */
  noun: string;
  empty?: ReactNode;
  head: ReactNode;
  children: ReactNode;
}) {
  return (
    <Card title={title} description={description}>
      {query.isPending ? (
        <Loading label={`Loading ${noun}…`} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : count === 0 ? (
        <EmptyState title={`No ${noun} yet`}>{empty}</EmptyState>
      ) : (
        <div className="table-wrap flush">
          <table className="table" aria-label={title}>
            <thead>{head}</thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** Figures side by side ("Answered 12 · Failed 1 · …"), each with its label above. */
export function Stats({
  items,
  testId,
  label,
}: {
  items: { label: string; value: ReactNode; note?: ReactNode; danger?: boolean; title?: string }[];
  testId?: string;
  label?: string;
}) {
  return (
    <dl className="run-stats" data-testid={testId} aria-label={label}>
      {items.map((it) => (
        <div key={it.label}>
          <dt>{it.label}</dt>
          <dd className={it.danger ? 'text-danger' : undefined} title={it.title}>
            {it.value}
            {it.note && <span className="muted run-stat-note"> {it.note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Guideline rule IDs as chips ("R3", "R7"). */
export function RuleChips({ ids, label = 'Cited rules' }: { ids: string[] | null | undefined; label?: string }) {
  if (!ids?.length) return null;
  return (
    <span className="count-chips" aria-label={label}>
      {ids.map((id) => (
        <span key={id} className="rule-chip">
          {id}
        </span>
      ))}
    </span>
  );
}

export function Badge({ tone = 'neutral', children }: { tone?: string; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export function PageHeader({
  title,
  subtitle,
  actions,
  eyebrow,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  eyebrow?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        {eyebrow && <div className="eyebrow">{eyebrow}</div>}
        <h1>{title}</h1>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export function Card({
  title,
  description,
  children,
  actions,
}: {
  title?: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <section className="card">
      {(title || actions) && (
        <div className="card-header">
          <div>
            {title && <h2 className="card-title">{title}</h2>}
            {description && <p className="card-description">{description}</p>}
          </div>
          {actions}
        </div>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}
