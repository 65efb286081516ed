// The screens around a work queue's items (annotation, review): before the first item or when the queue
// is empty, and the notice that a claimed item was lost.
import type { ReactNode } from 'react';
import { Alert, Button, EmptyState, ErrorState } from './ui';

/**
 * Before the first item (`start`: its title, the button that claims one, what the work is) or, once the
 * queue said it has none (`empty`), `nothing` with a Check again button; the claim's error above, and
 * `children` below.
 */
export function QueueStart({
  next,
  onNext,
  empty,
  start,
  nothing,
  children,
}: {
  next: { isPending: boolean; isError: boolean; error: unknown };
  onNext: () => void;
  empty: boolean;
  start: { title: string; button: string; text: ReactNode };
  nothing: { title: string; text: ReactNode };
  children?: ReactNode;
}) {
  return (
    <div className="stack">
      {next.isError && <ErrorState error={next.error} onRetry={onNext} />}
      {empty ? (
        <EmptyState
          title={nothing.title}
          action={
            <Button variant="primary" onClick={onNext} busy={next.isPending}>
              Check again
            </Button>
          }
        >
          {nothing.text}
        </EmptyState>
      ) : (
        <EmptyState
          title={start.title}
          action={
            <Button variant="primary" onClick={onNext} busy={next.isPending} autoFocus>
              {start.button}
            </Button>
          }
        >
          {start.text}
        </EmptyState>
      )}
      {children}
    </div>
  );
}

/** A claimed item that is no longer the user's (`title` says why), with a button (`button`) to get another. */
export function ClaimLost({
  title = 'This item is no longer yours',
  button = 'Get a new item',
  message,
  onNext,
}: {
  title?: string;
  button?: string;
  message: string;
  onNext: () => void;
}) {
  return (
    <Alert
      title={title}
      action={
        <Button variant="primary" onClick={onNext}>
          {button}
        </Button>
      }
    >
      {message}
    </Alert>
  );
}
