// A project's members (leads manage them): their roles, changing a role, removing a member, adding one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type Member, type ProjectRole } from '../../shared/api';
import { Alert, Button, Card, ConfirmMutation, EmptyState, ErrorState, Loading, NameCell, SelectField, SubmitRow, Table, TextField, useToast } from '../../components/ui';
import { formatDate } from '../../shared/format';
import { bindValue, fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { ROLE_LABELS } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { projectKeys } from './keys';
import { useProject } from './ProjectPage';

const PROJECT_ROLES: ProjectRole[] = ['annotator', 'reviewer', 'lead'];

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
      <NameCell name={member.name} isMe={isMe} />
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
  return (
    <ConfirmMutation title="Remove member?" confirmLabel="Remove member" mutation={remove} onCancel={onClose}>
      <p>
        <strong>{member.name || member.email}</strong> will lose access to this project. Their past work stays.
      </p>
    </ConfirmMutation>
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
  const submit = handleSubmit(() => {
    add.mutate();
  });
  return (
    <Card title="Add a member" description="The person needs a Goldset account first.">
      <form className="form form-inline" onSubmit={submit} noValidate aria-label="Add a member">
        <TextField
          label="Email"
          type="email"
          name="member-email"
          {...bindValue(email, setEmail)}
          error={fields.email}
          placeholder="name@example.com"
          required
        />
        <SelectField label="Role" name="member-role" {...bindValue(role, setRole)} error={fields.role}>
          {PROJECT_ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </SelectField>
        <SubmitRow busy={add.isPending} layout="inline">
          Add member
        </SubmitRow>
      </form>
      {general && <Alert>{general}</Alert>}
    </Card>
  );
}
