// The small design system: buttons, fields, alerts, dialogs, toasts, empty states.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type Ref,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { ApiError } from '../shared/api';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

const ICONS = {
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5zM12 15v2',
  alert: 'M12 8v5M12 16.5v.5M10.3 3.9 2.4 18a2 2 0 0 0 1.7 3h15.8a2 2 0 0 0 1.7-3L13.7 3.9a2 2 0 0 0-3.4 0z',
  empty: 'M3 13h5l2 3h4l2-3h5M5 5h14l2 8v6H3v-6z',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  cross: 'M6.5 6.5l11 11M17.5 6.5l-11 11',
};

/** Line icons drawn inline, so no icon font or emoji font is needed. */
export function Icon({ name }: { name: keyof typeof ICONS }) {
  return (
    <svg viewBox="0 0 24 24" className="icon" aria-hidden="true">
      <path d={ICONS[name]} />
    </svg>
  );
}

export function Button({
  variant = 'secondary',
  size,
  busy,
  children,
  className,
  disabled,
  type = 'button',
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: 'sm'; busy?: boolean }) {
  const cls = ['btn', `btn-${variant}`, size === 'sm' ? 'btn-sm' : '', className ?? '']
    .filter(Boolean)
    .join(' ');
  return (
    <button type={type} className={cls} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      {children}
    </button>
  );
}

interface FieldShell {
  label: string;
  error?: string;
  hint?: ReactNode;
}

function FieldFrame({
  id,
  label,
  error,
  hint,
  children,
}: FieldShell & { id: string; children: ReactNode }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: ReactNode) {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export function TextField({
  label,
  error,
  hint,
  id: givenId,
  ...rest
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = givenId ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <input
        id={id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      />
    </FieldFrame>
  );
}

export function TextAreaField({
  label,
  error,
  hint,
  id: givenId,
  ...rest
}: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement> & { ref?: Ref<HTMLTextAreaElement> }) {
  const auto = useId();
  const id = givenId ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <textarea
        id={id}
        className="input textarea"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      />
    </FieldFrame>
  );
}

export function SelectField({
  label,
  error,
  hint,
  id: givenId,
  children,
  ...rest
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const id = givenId ?? auto;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <select
        id={id}
        className="input select"
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, hint)}
        {...rest}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

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

/** A compact labelled select for a list's filter bar. */
export function FilterSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <label className="filter">
      <span>{label}</span>
      <select className="input select select-compact" value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </label>
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

/**
 * A panel over the right side of the page (a question's history): Escape or the close button closes it,
 * focus moves in when it opens and goes back where it was when it closes. The page behind stays usable.
 */
export function Drawer({
  title,
  onClose,
  children,
  actions,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  actions?: ReactNode;
}) {
  const titleId = useId();
  const ref = useRef<HTMLElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      // A dialog above the drawer closes first; an editor keeps its own Escape (completion popups).
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('.dialog')) return;
      if (e.target instanceof HTMLElement && e.target.closest('.cm-editor')) return;
      close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (previous?.isConnected) previous.focus?.();
    };
  }, []);
  return (
    <aside className="drawer" role="dialog" aria-modal="false" aria-labelledby={titleId} ref={ref} tabIndex={-1}>
      <div className="drawer-header">
        <h2 id={titleId}>{title}</h2>
        <div className="drawer-actions">
          {actions}
          <button type="button" className="icon-btn" onClick={onClose} aria-label="Close" title="Close (Esc)">
            ×
          </button>
        </div>
      </div>
      <div className="drawer-body">{children}</div>
    </aside>
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

/**
 * A modal dialog on the native `<dialog>` (`showModal()`): the browser puts it in the top layer and makes
 * the rest of the page inert, so focus stays inside; Escape (the dialog's `cancel`) or a click on the
 * backdrop asks the owner to close it. Focus moves to the first field (or button other than ×) and goes
 * back to the opener when the dialog unmounts. The owner decides: the dialog is open while it is rendered.
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
}) {
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first focusable element, which is the × button: the first field is more useful.
    const first = dialog.querySelector<HTMLElement>('input, select, textarea, button:not([data-dialog-close])');
    (first ?? dialog).focus();
    return () => {
      // Unmounting removes the dialog from the top layer; no close() here, so no `close` event reaches
      // an owner that has already moved on.
      if (previous?.isConnected) previous.focus?.();
    };
  }, []);
  return (
    <dialog
      className="dialog"
      aria-labelledby={titleId}
      ref={ref}
      tabIndex={-1}
      onCancel={(e) => {
        // The owner unmounts the dialog; the browser must not close it behind React's back.
        e.preventDefault();
        onClose();
      }}
      // Chrome closes anyway on a second Escape without user activation between (close watchers).
      onClose={(e) => e.currentTarget.isConnected && onClose()}
      // A press on the backdrop lands on the <dialog> itself: its content covers the whole box.
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-btn" onClick={onClose} aria-label="Close" data-dialog-close>
          ×
        </button>
      </div>
      <div className="dialog-body">{children}</div>
      {footer && <div className="dialog-footer">{footer}</div>}
    </dialog>
  );
}

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
  error,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  busy?: boolean;
  error?: string | null;
}) {
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      footer={
        <>
          <Button onClick={onCancel}>Cancel</Button>
          <Button variant="danger" onClick={onConfirm} busy={busy}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      {error && <Alert>{error}</Alert>}
    </Dialog>
  );
}

export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Button size="sm" onClick={copy} aria-live="polite">
      {copied ? 'Copied' : label}
    </Button>
  );
}

/** A secret shown exactly once (token secret, generated password). */
export function SecretReveal({
  label,
  value,
  children,
  onDone,
}: {
  label: string;
  value: string;
  children: ReactNode;
  onDone: () => void;
}) {
  return (
    <div className="secret" role="region" aria-label={label}>
      <div className="secret-warning">
        <strong>Copy it now — you will not see it again.</strong> {children}
      </div>
      <div className="secret-row">
        <code className="secret-value" data-testid="secret-value">
          {value}
        </code>
        <CopyButton value={value} />
      </div>
      <div className="secret-footer">
        <Button variant="primary" size="sm" onClick={onDone}>
          I have copied it
        </Button>
      </div>
    </div>
  );
}

// Toasts: short confirmations of things that happened ("Member added").
interface Toast {
  id: number;
  tone: 'success' | 'error' | 'info';
  message: ReactNode;
}
const ToastContext = createContext<(message: ReactNode, tone?: Toast['tone']) => void>(() => {});

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (message: ReactNode, tone: Toast['tone'] = 'success') => {
      const id = nextId.current++;
      setToasts((ts) => [...ts.slice(-3), { id, tone, message }]);
      window.setTimeout(() => dismiss(id), tone === 'error' ? 8000 : 4000);
    },
    [dismiss],
  );
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" aria-live="polite" aria-relevant="additions">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.tone}`} role={t.tone === 'error' ? 'alert' : 'status'}>
            <span>{t.message}</span>
            <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast() {
  return useContext(ToastContext);
}
