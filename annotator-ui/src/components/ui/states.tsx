// What a screen shows instead of its content: an alert, an error with a retry, an empty state, a
// spinner; a query's states in one piece (QueryView) and the "Load more" of a paged list.
import { type ReactNode } from 'react';
import { ApiError } from '../../shared/api';
import { Icon, Button } from './Button';

export function Alert({
  tone = 'error',
  title,
  children,
  action,
}: {
  tone?: 'error' | 'warning' | 'info' | 'success';
  title?: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className={`alert alert-${tone}`} role={tone === 'error' || tone === 'warning' ? 'alert' : 'status'}>
      <div className="alert-body">
        {title && <strong className="alert-title">{title}</strong>}
        {children && <div>{children}</div>}
      </div>
      {action && <div className="alert-action">{action}</div>}
    </div>
  );
}

/** A human sentence for an API error that a screen did not handle more specifically. */
export function describeError(err: unknown): { title: string; message: string } {
  if (err instanceof ApiError) {
    switch (err.status) {
      case 0:
        return { title: 'Server unreachable', message: err.message };
      case 403:
        if (err.code === 'csrf_failed') {
          return { title: 'Security check failed', message: 'Your session token is out of date. Reload the page and try again.' };
        }
        return {
          title: 'Not allowed',
          message: 'Your role does not allow this. Ask a project lead or an admin if you need access.',
        };
      case 404:
        return { title: 'Not found', message: 'It does not exist, or it is not visible to you.' };
      case 503:
        return {
          title: 'Database unavailable',
          message: 'The database is unavailable right now. Try again in a moment.',
        };
      default:
        return { title: 'Something went wrong', message: err.message };
    }
  }
  return { title: 'Something went wrong', message: err instanceof Error ? err.message : String(err) };
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, message } = describeError(error);
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <div className="state-panel" role="alert" data-testid={forbidden ? 'forbidden' : 'error-state'}>
      <div className={`state-icon ${forbidden ? 'state-icon-lock' : 'state-icon-error'}`} aria-hidden="true">
        <Icon name={forbidden ? 'lock' : 'alert'} />
      </div>
      <h2>{title}</h2>
      <p>{message}</p>
      {onRetry && !forbidden && (
        <Button onClick={onRetry} variant="secondary">
          Try again
        </Button>
      )}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="state-panel empty-state">
      <div className="state-icon" aria-hidden="true">
        <Icon name="empty" />
      </div>
      <h2>{title}</h2>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** What QueryView and LoadMore need of a query. */
interface ViewQuery<D> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
  data?: D;
}

/** A query's spinner while it loads, its error with a retry, then `children` of its data. */
export function QueryView<D>({ query, loading, children }: { query: ViewQuery<D>; loading?: string; children: (data: D) => ReactNode }) {
  if (query.isPending) return <Loading label={loading} />;
  if (query.isError || query.data === undefined) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  return <>{children(query.data)}</>;
}

/** "Load more" under a list read a page at a time, while there is a next page. */
export function LoadMore({
  query,
  children = 'Load more',
}: {
  query: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
  children?: ReactNode;
}) {
  if (!query.hasNextPage) return null;
  return (
    <div className="load-more">
      <Button onClick={() => query.fetchNextPage()} busy={query.isFetchingNextPage}>
        {children}
      </Button>
    </div>
  );
}
