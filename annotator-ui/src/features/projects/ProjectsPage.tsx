import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../shared/api';
import { Alert, Badge, Button, Dialog, EmptyState, PageHeader, QueryView, SubmitRow, Table, useToast } from '../../components/ui';
import { formatDate } from '../../shared/format';
import { fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { ROLE_LABELS } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { LoadSample } from './LoadSample';
import { projectKeys } from './keys';
import { ProjectFields, type ProjectDraft } from './ProjectFields';

export function ProjectsPage() {
  const { user } = useSession();
  const projects = useQuery({ queryKey: projectKeys.list(), queryFn: api.listProjects });
  const [creating, setCreating] = useState(false);

  const newButton = user.is_admin ? (
    <Button variant="primary" onClick={() => setCreating(true)}>
      New project
    </Button>
  ) : null;

  return (
    <div className="page">
      <PageHeader
        title="Projects"
        subtitle={user.is_admin ? 'All projects on this Goldset.' : 'Projects you are a member of.'}
        actions={newButton}
      />
      <QueryView query={projects} loading="Loading projects…">
        {(data) =>
          data.projects.length === 0 ? (
            <EmptyState
              title="No projects yet"
              action={
                user.is_admin ? (
                  <>
                    <LoadSample />
                    <Button onClick={() => setCreating(true)}>Create the first project</Button>
                  </>
                ) : null
              }
            >
              {user.is_admin
                ? 'Try Goldset on the sample project, or create a project of your own and add annotators, reviewers and a lead to it.'
                : 'You are not a member of any project. A project lead or an admin can add you.'}
            </EmptyState>
          ) : (
            <Table flush={false} columns={['Name', 'Description', 'My role', 'Created']}>
              {data.projects.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/projects/${p.id}`} className="strong-link">
                      {p.name}
                    </Link>
                  </td>
                  <td className="muted clamp">{p.description || '—'}</td>
                  <td>
                    <Badge tone={p.my_role}>{ROLE_LABELS[p.my_role] ?? p.my_role}</Badge>
                  </td>
                  <td className="nowrap muted">
                    <time dateTime={p.created_at}>{formatDate(p.created_at)}</time>
                  </td>
                </tr>
              ))}
            </Table>
          )
        }
      </QueryView>
      {creating && <NewProjectDialog onClose={() => setCreating(false)} />}
    </div>
  );
}

function NewProjectDialog({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<ProjectDraft>({ name: '', description: '' });
  const create = useMutation({
    mutationFn: () => api.createProject({ name: draft.name.trim(), description: draft.description.trim() }),
    onSuccess: ({ project }) => {
      void qc.invalidateQueries({ queryKey: projectKeys.list() });
      toast(`Project “${project.name}” created`);
      onClose();
      navigate(`/projects/${project.id}`);
    },
  });
  const fields = fieldErrors(create.error, { 409: ['name', 'A project with this name already exists.'] });
  const general = formError(create.error, fields);
  const submit = handleSubmit(() => {
    create.mutate();
  });
  return (
    <Dialog title="New project" onClose={onClose}>
      <form onSubmit={submit} className="form" noValidate>
        {general && <Alert>{general}</Alert>}
        <ProjectFields draft={draft} onChange={setDraft} errors={fields} rows={3} hint="Optional. What the dataset is for, which databases it covers." />
        <SubmitRow busy={create.isPending} onCancel={onClose}>
          Create project
        </SubmitRow>
      </form>
    </Dialog>
  );
}
