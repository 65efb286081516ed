import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type User } from '../../shared/api';
import { Alert, Badge, Button, Checkbox, ConfirmMutation, Dialog, EmptyState, NameCell, PageHeader, QueryView, SecretReveal, SubmitRow, Table, TextField, useToast } from '../../components/ui';
import { countOf, formatDate } from '../../shared/format';
import { bindValue, fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { useSession } from '../../shared/session';
import { adminKeys } from './keys';

type Change = { user: User; patch: { disabled?: boolean; is_admin?: boolean } };

function describeChange({ user, patch }: Change) {
  const who = user.name || user.email;
  if (patch.disabled === true)
    return { title: 'Disable user?', confirm: 'Disable user', text: `${who} will be signed out and unable to sign in or use API tokens.`, done: `${who} disabled` };
  if (patch.disabled === false)
    return { title: 'Enable user?', confirm: 'Enable user', text: `${who} will be able to sign in again.`, done: `${who} enabled` };
  if (patch.is_admin === true)
    return { title: 'Make administrator?', confirm: 'Make admin', text: `${who} will be able to manage every user and project.`, done: `${who} is now an administrator` };
  return { title: 'Remove administrator rights?', confirm: 'Remove admin', text: `${who} will keep only their project roles.`, done: `${who} is no longer an administrator` };
}

export function UsersPage() {
  const { user: me } = useSession();
  const users = useQuery({ queryKey: adminKeys.users(), queryFn: api.listUsers });
  const [creating, setCreating] = useState(false);
  const [change, setChange] = useState<Change | null>(null);
  const [revoking, setRevoking] = useState<User | null>(null);

  return (
    <div className="page">
      <PageHeader
        title="Users"
        subtitle="Everyone who can sign in to this Goldset."
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            New user
          </Button>
        }
      />
      <QueryView query={users} loading="Loading users…">
        {(data) =>
          (data.users ?? []).length === 0 ? (
            <EmptyState title="No users">Create the first account.</EmptyState>
          ) : (
            <Table label="Users" flush={false} columns={['Name', 'Email', 'Role', 'Status', 'Created', { hidden: 'Actions' }]}>
              {data.users.map((u) => {
                const self = u.id === me.id;
                return (
                  <tr key={u.id} className={u.disabled ? 'row-muted' : undefined}>
                    <NameCell name={u.name} isMe={self} />
                    <td>{u.email}</td>
                    <td>{u.is_admin ? <Badge tone="admin">Admin</Badge> : <span className="muted">Member</span>}</td>
                    <td>
                      {u.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}
                    </td>
                    <td className="nowrap muted">{formatDate(u.created_at)}</td>
                    <td className="cell-actions">
                      <Button
                        size="sm"
                        variant="ghost"
                        disabled={self}
                        title={self ? 'You cannot change your own admin rights' : undefined}
                        onClick={() => setChange({ user: u, patch: { is_admin: !u.is_admin } })}
                        aria-label={`${u.is_admin ? 'Remove admin from' : 'Make admin'} ${u.email}`}
                      >
                        {u.is_admin ? 'Remove admin' : 'Make admin'}
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className={u.disabled ? undefined : 'text-danger'}
                        disabled={self}
                        title={self ? 'You cannot disable yourself' : undefined}
                        onClick={() => setChange({ user: u, patch: { disabled: !u.disabled } })}
                        aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        className="text-danger"
                        onClick={() => setRevoking(u)}
                        aria-label={`Revoke all API tokens of ${u.email}`}
                      >
                        Revoke all API tokens
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </Table>
          )
        }
      </QueryView>
      {creating && <NewUserDialog onClose={() => setCreating(false)} />}
      {change && <ChangeUserDialog change={change} onClose={() => setChange(null)} />}
      {revoking && <RevokeTokensDialog user={revoking} onClose={() => setRevoking(null)} />}
    </div>
  );
}

function ChangeUserDialog({ change, onClose }: { change: Change; onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const text = describeChange(change);
  const save = useMutation({
    mutationFn: () => api.updateUser(change.user.id, { version: change.user.version, ...change.patch }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: adminKeys.users() });
      toast(text.done);
      onClose();
    },
    onError: (err) => {
      if (err instanceof ApiError && err.isStaleVersion) void qc.invalidateQueries({ queryKey: adminKeys.users() });
    },
  });
  const stale = save.error instanceof ApiError && save.error.isStaleVersion;
  return (
    <ConfirmMutation
      title={text.title}
      confirmLabel={text.confirm}
      mutation={save}
      onCancel={onClose}
      error={stale ? 'This user changed since the list was loaded. The list has been reloaded; check it and try again.' : undefined}
    >
      <p>{text.text}</p>
    </ConfirmMutation>
  );
}

function RevokeTokensDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const toast = useToast();
  const who = user.name || user.email;
  const revoke = useMutation({
    mutationFn: () => api.revokeUserTokens(user.id),
    onSuccess: (res) => {
      toast(`${countOf(res.tokens_revoked, 'API token')} of ${who} revoked`);
      onClose();
    },
  });
  return (
    <ConfirmMutation title="Revoke all API tokens?" confirmLabel="Revoke all tokens" mutation={revoke} onCancel={onClose}>
      <p>
        Every API token of <strong>{who}</strong> stops working at once; this cannot be undone. Their browser sessions go
        on: disable the user to end those too.
      </p>
    </ConfirmMutation>
  );
}

function NewUserDialog({ onClose }: { onClose: () => void }) {
  const qc = useQueryClient();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [isAdmin, setIsAdmin] = useState(false);
  const [generated, setGenerated] = useState<{ email: string; password: string } | null>(null);
  const create = useMutation({
    mutationFn: () =>
      api.createUser({
        email: email.trim(),
        name: name.trim(),
        ...(password ? { password } : {}),
        ...(isAdmin ? { is_admin: true } : {}),
      }),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: adminKeys.users() });
      toast(`User ${res.user.email} created`);
      if (res.password) setGenerated({ email: res.user.email, password: res.password });
      else onClose();
    },
  });
  const fields = fieldErrors(create.error, { 409: ['email', 'A user with this email already exists.'] });
  const general = formError(create.error, fields);
  const submit = handleSubmit(() => {
    create.mutate();
  });

  if (generated) {
    return (
      <Dialog title="User created" onClose={onClose}>
        <SecretReveal label="Generated password" value={generated.password} onDone={onClose}>
          This is the generated password for <strong>{generated.email}</strong>. Pass it on safely; they can change
          it under Account.
        </SecretReveal>
      </Dialog>
    );
  }

  return (
    <Dialog title="New user" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate aria-label="New user">
        {general && <Alert>{general}</Alert>}
        <TextField label="Email" type="email" name="email" autoComplete="off" {...bindValue(email, setEmail)} error={fields.email} required />
        <TextField label="Name" name="name" autoComplete="off" {...bindValue(name, setName)} error={fields.name} />
        <TextField
          label="Password"
          type="password"
          name="new-password"
          autoComplete="new-password"
          {...bindValue(password, setPassword)}
          error={fields.password}
          hint="Leave empty to generate one; it is shown once."
        />
        <Checkbox checked={isAdmin} onChange={setIsAdmin}>
          Administrator (manages all users and projects)
        </Checkbox>
        <SubmitRow busy={create.isPending} onCancel={onClose}>
          Create user
        </SubmitRow>
      </form>
    </Dialog>
  );
}
