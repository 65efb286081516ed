// A project's name and description: the fields of the new-project dialog and of the edit form.
import { TextAreaField, TextField } from '../../components/ui';

export interface ProjectDraft {
  name: string;
  description: string;
}

export function ProjectFields({
  draft,
  onChange,
  errors,
  rows,
  hint,
}: {
  draft: ProjectDraft;
  onChange: (draft: ProjectDraft) => void;
  errors: Record<string, string>;
  rows: number;
  hint?: string;
}) {
  return (
    <>
      <TextField label="Name" name="name" required value={draft.name} onChange={(e) => onChange({ ...draft, name: e.target.value })} error={errors.name} />
      <TextAreaField
        label="Description"
        name="description"
        rows={rows}
        value={draft.description}
        onChange={(e) => onChange({ ...draft, description: e.target.value })}
        error={errors.description}
        hint={hint}
      />
    </>
  );
}
