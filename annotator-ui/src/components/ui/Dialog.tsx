// Overlays: the side drawer and the native modal dialog, with the confirm dialog built on it.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from './Button';
import { Alert } from './states';
import { formError } from '../../shared/forms';

/**
 * Remembers what had focus when an overlay mounts and gives focus back to it when the overlay unmounts,
 * unless it has left the page meanwhile. Call it before the effect that moves focus into the overlay:
 * a component's effects run in order, so the opener still has focus when this one reads it.
 */
function useReturnFocus() {
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    return () => {
      if (previous?.isConnected) previous.focus?.();
    };
  }, []);
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
  useReturnFocus();
  useEffect(() => {
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      // A dialog above the drawer closes first; an editor keeps its own Escape (completion popups).
      if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('.dialog')) return;
      if (e.target instanceof HTMLElement && e.target.closest('.cm-editor')) return;
      close.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
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
  useReturnFocus();
  // No cleanup: unmounting removes the dialog from the top layer, and a close() would send a `close`
  // event to an owner that has already moved on.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // showModal() focuses the first focusable element, which is the × button: the first field is more useful.
    const first = dialog.querySelector<HTMLElement>('input, select, textarea, button:not([data-dialog-close])');
    (first ?? dialog).focus();
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

/**
 * A ConfirmDialog whose confirm runs `mutation`, busy while it runs; under the text, `error` when the
 * screen words the failure itself, else the mutation's error.
 */
export function ConfirmMutation({
  mutation,
  error,
  ...props
}: Omit<Parameters<typeof ConfirmDialog>[0], 'onConfirm' | 'busy' | 'error'> & {
  mutation: { mutate: () => void; isPending: boolean; error: unknown };
  error?: string | null;
}) {
  return (
    <ConfirmDialog
      {...props}
      onConfirm={() => mutation.mutate()}
      busy={mutation.isPending}
      error={error !== undefined ? error : mutation.error ? formError(mutation.error, {}) : null}
    />
  );
}
