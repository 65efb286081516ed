// Editing a table's clean name, summary and column names and descriptions.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type KeyboardEvent } from 'react';
import { api, type DbTable } from '../../shared/api';
import { Alert, Button, TextAreaField, TextField, useToast } from '../../components/ui';
import { bindValue, fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { databaseKeys } from './keys';

type DatabaseData = Awaited<ReturnType<typeof api.getDatabase>>;

/** Inline form for a table's name and summary (leads). Enter in the name saves, Escape cancels. */
export function EditTable({
  projectId,
  databaseId,
  table,
  onCancel,
  onSaved,
}: {
  projectId: string;
  databaseId: string;
  table: DbTable;
  onCancel: () => void;
  onSaved: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(table.name);
  const [summary, setSummary] = useState(table.summary ?? '');
  const [missingName, setMissingName] = useState(false);
  const save = useMutation({
    mutationFn: (body: { name?: string; summary?: string }) => api.updateTable(projectId, databaseId, table.name, body),
    onSuccess: ({ table: saved }, body) => {
      const key = databaseKeys.detail(projectId, databaseId);
      // The sidebar, the editor's completion and the open table follow at once; the refetch confirms.
      qc.setQueryData<DatabaseData>(key, (old) =>
        old && { ...old, tables: old.tables.map((t) => (t.id === saved.id ? { ...t, ...saved } : t)) },
      );
      void qc.invalidateQueries({ queryKey: key });
      if (body.name !== undefined) qc.removeQueries({ queryKey: databaseKeys.rows(projectId, databaseId, table.name) });
      toast(body.name !== undefined ? `Table renamed to ${saved.name}` : 'Summary saved');
      onSaved();
    },
  });
  const taken = save.variables?.name ?? name.trim();
  const fields = fieldErrors(save.error, { 409: ['name', `This database already has a table named “${taken}”.`] });
  if (missingName) fields.name = 'Enter a name.';
  const general = formError(save.error, fields);

  const submit = handleSubmit(() => {
    if (save.isPending) return;
    const body: { name?: string; summary?: string } = {};
    const n = name.trim();
    if (!n) {
      setMissingName(true);
      return;
    }
    setMissingName(false);
    if (n !== table.name) body.name = n;
    if (summary.trim() !== (table.summary ?? '').trim()) body.summary = summary.trim();
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    save.mutate(body);
  });
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape' && !save.isPending) {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    }
  };

  return (
    <form className="form table-edit" onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label={`Edit table ${table.name}`}>
      {general && <Alert>{general}</Alert>}
      <TextField
        label="Table name"
        name="table-name"
        value={name}
        onChange={(e) => {
          setName(e.target.value);
          setMissingName(false);
        }}
        error={fields.name}
        hint="Lower-case letters, digits and _. Renaming changes the name SQL uses."
        autoFocus
        autoComplete="off"
        spellCheck={false}
        maxLength={63}
      />
      <TextAreaField
        label="Summary"
        name="table-summary"
        rows={3}
        {...bindValue(summary, setSummary)}
        onKeyDown={(e) => {
          // Enter makes a new line here; Ctrl/Cmd-Enter saves.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            e.currentTarget.form?.requestSubmit();
          }
        }}
        error={fields.summary}
        placeholder="What one row is, and what the columns mean"
        hint="Shown with the table to everyone writing SQL for this database."
        maxLength={1000}
      />
      <div className="form-actions">
        <span className="muted small-inline form-actions-note">
          <kbd>Enter</kbd> in the name saves · <kbd>Esc</kbd> cancels
        </span>
        <Button onClick={onCancel} disabled={save.isPending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
