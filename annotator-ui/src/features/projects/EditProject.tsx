// Editing a project's name and description, saved with the version it was read at.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type Project } from '../../shared/api';
import { Alert, Button, Card, SubmitRow, useToast } from '../../components/ui';
import { fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { projectKeys } from './keys';
import { ProjectFields, type ProjectDraft } from './ProjectFields';

export function EditProject({ project, onDone }: { project: Project; onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [draft, setDraft] = useState<ProjectDraft>({ name: project.name, description: project.description });
  const save = useMutation({
    mutationFn: () =>
      api.updateProject(project.id, { version: project.version, name: draft.name.trim(), description: draft.description }),
    onSuccess: ({ project: updated }) => {
      qc.setQueryData(projectKeys.detail(project.id), { project: updated });
      void qc.invalidateQueries({ queryKey: projectKeys.list() });
      toast('Project saved');
      onDone();
    },
  });
  const stale = save.error instanceof ApiError && save.error.isStaleVersion;
  const fields = fieldErrors(save.error, { 409: ['name', 'A project with this name already exists.'] });
  const general = stale ? null : formError(save.error, fields);

  const reload = async () => {
    await qc.invalidateQueries({ queryKey: projectKeys.detail(project.id) });
    onDone();
  };

  const submit = handleSubmit(() => {
    save.mutate();
  });

  return (
    <Card title="Edit project">
      <form className="form" onSubmit={submit} noValidate>
        {stale && (
          <Alert
            tone="warning"
            title="This project changed since you opened it"
            action={<Button onClick={reload}>Reload</Button>}
          >
            Someone else saved a newer version. Reload to see it, then make your change again.
          </Alert>
        )}
        {general && <Alert>{general}</Alert>}
        <ProjectFields draft={draft} onChange={setDraft} errors={fields} rows={4} />
        <SubmitRow busy={save.isPending} disabled={stale} onCancel={onDone}>
          Save changes
        </SubmitRow>
      </form>
    </Card>
  );
}
