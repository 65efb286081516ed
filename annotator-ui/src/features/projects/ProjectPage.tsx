import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, NavLink, Outlet, useOutletContext, useParams } from 'react-router';
import { api, ApiError, type Member, type Project, type ProjectRole } from '../../shared/api';
import { AuditLog } from '../../components/AuditLog';
import { LoopPolicyCard } from './LoopPolicy';
import { RetrievalSettingsCard } from './RetrievalSettings';
import { Alert, Badge, Button, Card, ConfirmDialog, EmptyState, ErrorState, Loading, PageHeader, SelectField, Table, TextAreaField, TextField, useToast } from '../../components/ui';
import { formatDate, formatDateTime } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { canManageProject, projectTabs, ROLE_LABELS } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { projectKeys } from './keys';

const PROJECT_ROLES: ProjectRole[] = ['annotator', 'reviewer', 'lead'];

function useProjectId(): string {
  const { projectId } = useParams();
  return projectId ?? '';
}

export function useProject(): Project {
  return useOutletContext<{ project: Project }>().project;
}

export function ProjectLayout() {
  const projectId = useProjectId();
  const project = useQuery({ queryKey: projectKeys.detail(projectId), queryFn: () => api.getProject(projectId) });

  if (project.isPending) return <Loading label="Loading project…" />;
  if (project.isError) {
    return (
      <div className="page">
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <Link to="/projects">Projects</Link>
        </nav>
        <ErrorState error={project.error} onRetry={() => project.refetch()} />
      </div>
    );
  }
  const p = project.data.project;
  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/projects">Projects</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{p.name}</span>
      </nav>
      <PageHeader
        title={p.name}
        subtitle={p.description || undefined}
        actions={<Badge tone={p.my_role}>You: {ROLE_LABELS[p.my_role] ?? p.my_role}</Badge>}
      />
      <nav className="tabs" aria-label="Project sections">
        {projectTabs(p.id, p.my_role).map((t) => (
          // Overview only on its own page; the others stay active on their sub-pages (a run, a batch).
          <NavLink key={t.to} to={t.to} end={t.to === `/projects/${p.id}`} className="tab">
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet context={{ project: p }} />
    </div>
  );
}

export function ProjectOverview() {
  const project = useProject();
  const [editing, setEditing] = useState(false);
  const canEdit = canManageProject(project.my_role);
  return (
    <div className="stack">
      {editing ? (
        <EditProject project={project} onDone={() => setEditing(false)} />
      ) : (
        <Card
          title="About this project"
          actions={
            canEdit ? (
              <Button size="sm" onClick={() => setEditing(true)}>
                Edit
              </Button>
            ) : null
          }
        >
          <dl className="details">
            <dt>Name</dt>
            <dd>{project.name}</dd>
            <dt>Description</dt>
            <dd className="prewrap">{project.description || <span className="muted">No description.</span>}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(project.created_at)}</dd>
            <dt>Your role</dt>
            <dd>{ROLE_LABELS[project.my_role] ?? project.my_role}</dd>
          </dl>
        </Card>
      )}
      {canEdit && <LoopPolicyCard projectId={String(project.id)} />}
      {canEdit && <RetrievalSettingsCard projectId={String(project.id)} />}
    </div>
  );
}

function EditProject({ project, onDone }: { project: Project; onDone: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState(project.name);
  const [description, setDescription] = useState(project.description);
  const save = useMutation({
    mutationFn: () =>
      api.updateProject(project.id, { version: project.version, name: name.trim(), description }),
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

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };

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
        <TextField label="Name" name="name" value={name} onChange={(e) => setName(e.target.value)} error={fields.name} required />
        <TextAreaField
          label="Description"
          name="description"
          rows={4}
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={fields.description}
        />
        <div className="form-actions">
          <Button onClick={onDone}>Cancel</Button>
          <Button type="submit" variant="primary" busy={save.isPending} disabled={stale}>
            Save changes
          </Button>
        </div>
      </form>
    </Card>
  );
}

export function ProjectMembers() {
  const project = useProject();
  const { user } = useSession();
  const projectId = String(project.id);
  const members = useQuery({ queryKey: projectKeys.members(projectId), queryFn: () => api.listMembers(projectId) });
  const [removing, setRemoving] = useState<Member | null>(null);

  if (members.isPending) return <Loading label="Loading members…" />;
  if (members.isError) return <ErrorState error={members.error} onRetry={() => members.refetch()} />;

  const list = members.data.members ?? [];
  return (
    <div className="stack">
      <AddMember projectId={projectId} />
      <Card title="Members" description={`${list.length} ${list.length === 1 ? 'person' : 'people'} in this project`}>
        {list.length === 0 ? (
          <EmptyState title="No members yet">Add annotators, reviewers and leads with the form above.</EmptyState>
        ) : (
          <Table columns={['Name', 'Email', 'Role', 'Added', { hidden: 'Actions' }]}>
            {list.map((m) => (
              <MemberRow
                key={m.user_id}
                projectId={projectId}
                member={m}
                isMe={m.user_id === user.id}
                onRemove={() => setRemoving(m)}
              />
            ))}
          </Table>
        )}
      </Card>
      {removing && <RemoveMember projectId={projectId} member={removing} onClose={() => setRemoving(null)} />}
    </div>
  );
}

function MemberRow({
  projectId,
  member,
  isMe,
  onRemove,
}: {
  projectId: string;
  member: Member;
  isMe: boolean;
  onRemove: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const change = useMutation({
    mutationFn: (role: ProjectRole) => api.updateMember(projectId, member.user_id, member.version, role),
    onSuccess: ({ member: m }) => {
      void qc.invalidateQueries({ queryKey: projectKeys.members(projectId) });
      toast(`${m.name || m.email} is now ${ROLE_LABELS[m.role].toLowerCase()}`);
    },
    onError: (err) => {
      if (err instanceof ApiError && err.isStaleVersion) {
        toast('This member changed since the list was loaded; the list has been reloaded.', 'error');
        void qc.invalidateQueries({ queryKey: projectKeys.members(projectId) });
      } else {
        toast(err instanceof ApiError ? err.message : 'Could not change the role.', 'error');
      }
    },
  });
  const label = member.name || member.email;
  return (
    <tr>
      <td>
        {member.name || <span className="muted">—</span>}
        {isMe && <span className="you-tag">you</span>}
      </td>
      <td className="muted">{member.email}</td>
      <td>
        <label className="visually-hidden" htmlFor={`role-${member.user_id}`}>
          Role of {label}
        </label>
        <select
          id={`role-${member.user_id}`}
          className="input select select-compact"
          value={member.role}
          disabled={change.isPending}
          onChange={(e) => change.mutate(e.target.value as ProjectRole)}
        >
          {PROJECT_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </select>
      </td>
      <td className="nowrap muted">{formatDate(member.created_at)}</td>
      <td className="cell-actions">
        <Button size="sm" variant="ghost" className="text-danger" onClick={onRemove} aria-label={`Remove ${label}`}>
          Remove
        </Button>
      </td>
    </tr>
  );
}

function RemoveMember({ projectId, member, onClose }: { projectId: string; member: Member; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const remove = useMutation({
    mutationFn: () => api.removeMember(projectId, member.user_id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: projectKeys.members(projectId) });
      toast(`${member.name || member.email} removed from the project`);
      onClose();
    },
  });
  // A 409 here means the project would be left without a lead; the server's message says so and what to do.
  const error = remove.error ? formError(remove.error, {}) : null;
  return (
    <ConfirmDialog
      title="Remove member?"
      confirmLabel="Remove member"
      onConfirm={() => remove.mutate()}
      onCancel={onClose}
      busy={remove.isPending}
      error={error}
    >
      <p>
        <strong>{member.name || member.email}</strong> will lose access to this project. Their past work stays.
      </p>
    </ConfirmDialog>
  );
}

function AddMember({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('annotator');
  const add = useMutation({
    mutationFn: () => api.addMember(projectId, email.trim(), role),
    onSuccess: ({ member }) => {
      void qc.invalidateQueries({ queryKey: projectKeys.members(projectId) });
      toast(`${member.name || member.email} added as ${ROLE_LABELS[member.role].toLowerCase()}`);
      setEmail('');
      add.reset();
    },
  });
  const fields = fieldErrors(add.error, {
    404: ['email', 'No user has this email. An admin can create the account under Users.'],
    409: ['email', 'This person is already a member of the project.'],
  });
  const general = formError(add.error, fields);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <Card title="Add a member" description="The person needs a Goldset account first.">
      <form className="form form-inline" onSubmit={submit} noValidate aria-label="Add a member">
        <TextField
          label="Email"
          type="email"
          name="member-email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fields.email}
          placeholder="name@example.com"
          required
        />
        <SelectField label="Role" name="member-role" value={role} onChange={(e) => setRole(e.target.value as ProjectRole)} error={fields.role}>
          {PROJECT_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </SelectField>
        <div className="form-inline-submit">
          <Button type="submit" variant="primary" busy={add.isPending}>
            Add member
          </Button>
        </div>
      </form>
      {general && <Alert>{general}</Alert>}
    </Card>
  );
}

export function ProjectActivity() {
  const project = useProject();
  const projectId = String(project.id);
  return (
    <AuditLog
      queryKey={['audit', 'project', projectId]}
      fetchPage={(page) => api.projectAudit(projectId, page)}
    />
  );
}
