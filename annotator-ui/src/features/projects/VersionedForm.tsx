// A project settings form that saves with the version it was read at (loop policy, retrieval).
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { type ReactNode } from 'react';
import { ApiError } from '../../shared/api';
import { Alert, Button, useToast } from '../../components/ui';
import { handleSubmit } from '../../shared/forms';

/**
 * Saving the settings read with `queryKey`: the save, whose answer (the settings at their new version)
 * replaces the query's data and is told with the toast `saved`; the fields a failed save names, so
 * each field shows its own error; and the reload offered when someone else saved first.
 */
export function useVersionedSave<T>(queryKey: QueryKey, save: () => Promise<T>, saved: string) {
  const qc = useQueryClient();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: save,
    onSuccess: (res) => {
      qc.setQueryData(queryKey, res);
      toast(saved);
    },
  });
  return {
    save: mutation,
    fields: mutation.error instanceof ApiError ? mutation.error.fields : {},
    reload: () => qc.invalidateQueries({ queryKey }),
  };
}

/**
 * The form: its fields (`children`), then why the save failed when no field says so, or that someone
 * saved first (with a Reload); then the save button and the version in force.
 */
export function VersionedForm({
  label,
  save,
  stale,
  onReload,
  version,
  saveLabel,
  children,
}: {
  label: string;
  save: { mutate: () => void; isPending: boolean; error: unknown };
  /** The alert's title when someone else saved first, e.g. "Someone changed the policy". */
  stale: string;
  onReload: () => void;
  version: number;
  saveLabel: string;
  children: ReactNode;
}) {
  const err = save.error instanceof ApiError ? save.error : null;
  return (
    <form
      onSubmit={handleSubmit(() => save.mutate())}
      aria-label={label}
      className="stack-sm"
    >
      {children}
      {err?.isStaleVersion ? (
        <Alert title={stale} action={<Button onClick={onReload}>Reload</Button>}>
          Reload to see their values, then save again.
        </Alert>
      ) : err && Object.keys(err.fields).length === 0 ? (
        <Alert>{err.message}</Alert>
      ) : null}
      <div className="toolbar">
        <Button type="submit" variant="primary" busy={save.isPending}>
          {saveLabel}
        </Button>
        <span className="muted small">{version === 0 ? 'Defaults (never saved)' : `Version ${version}`}</span>
      </div>
    </form>
  );
}
