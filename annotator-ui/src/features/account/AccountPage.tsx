import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type Token } from '../../shared/api';
import { Alert, Badge, Button, Card, Checkbox, ConfirmDialog, EmptyState, PageHeader, QueryView, SecretReveal, SubmitRow, Table, TextField, useToast } from '../../components/ui';
import { countOf, formatDate, formatDateTime, formatRelative } from '../../shared/format';
import { bindNumber, bindValue, fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { ROLE_LABELS } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { accountKeys } from './keys';

export function AccountPage() {
  const { user, memberships } = useSession();
  return (
    <div className="page">
      <PageHeader title="Account" subtitle="Your profile, password and API tokens." />
      <div className="stack">
        <Card title="Profile">
          <dl className="details">
            <dt>Name</dt>
            <dd>{user.name || <span className="muted">—</span>}</dd>
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>{user.is_admin ? <Badge tone="admin">Administrator</Badge> : 'Member'}</dd>
            <dt>Projects</dt>
            <dd>
              {memberships.length === 0 ? (
                <span className="muted">{user.is_admin ? 'Lead in every project (admin)' : 'None'}</span>
              ) : (
                <ul className="plain-list">
                  {memberships.map((m) => (
                    <li key={m.project_id}>
                      {m.project_name} <span className="muted">· {ROLE_LABELS[m.role] ?? m.role}</span>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>Member since</dt>
            <dd>{formatDate(user.created_at)}</dd>
          </dl>
        </Card>
        <ChangePassword />
        <ApiTokens />
      </div>
    </div>
  );
}

type Passwords = { current: string; next: string; confirm: string };

const NO_PASSWORDS: Passwords = { current: '', next: '', confirm: '' };

const PASSWORD_FIELDS: { key: keyof Passwords; label: string; autoComplete: string }[] = [
  { key: 'current', label: 'Current password', autoComplete: 'current-password' },
  { key: 'next', label: 'New password', autoComplete: 'new-password' },
  { key: 'confirm', label: 'Confirm new password', autoComplete: 'new-password' },
];

function ChangePassword() {
  const toast = useToast();
  const [passwords, setPasswords] = useState(NO_PASSWORDS);
  const [revokeTokens, setRevokeTokens] = useState(true);
  const [mismatch, setMismatch] = useState(false);
  const qc = useQueryClient();
  const change = useMutation({
    mutationFn: () => api.changePassword(passwords.current, passwords.next, revokeTokens),
    onSuccess: (res) => {
      setPasswords(NO_PASSWORDS);
      void qc.invalidateQueries({ queryKey: accountKeys.tokens() });
      toast(
        revokeTokens
          ? `Password changed. Your other sessions were signed out and ${countOf(res.tokens_revoked, 'API token')} revoked.`
          : 'Password changed. Your other sessions were signed out.',
      );
    },
  });
  const fields = fieldErrors(change.error, { 401: ['current_password', 'The current password is wrong.'] });
  const general = formError(change.error, fields);
  const errors: Record<keyof Passwords, string | undefined> = {
    current: fields.current_password,
    next: fields.new_password,
    confirm: mismatch ? 'The two new passwords differ.' : undefined,
  };
  const submit = handleSubmit(() => {
    if (passwords.next !== passwords.confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    change.mutate();
  });
  return (
    <Card
      title="Change password"
      description="Changing it signs you out everywhere else. Revoking your API tokens too stops any script using them, including ones someone else may have made with your old password."
    >
      <form className="form form-narrow" onSubmit={submit} noValidate aria-label="Change password">
        {general && <Alert>{general}</Alert>}
        {PASSWORD_FIELDS.map(({ key, label, autoComplete }) => (
          <TextField
            key={key}
            label={label}
            type="password"
            autoComplete={autoComplete}
            value={passwords[key]}
            onChange={(e) => setPasswords({ ...passwords, [key]: e.target.value })}
            error={errors[key]}
            required
          />
        ))}
        <Checkbox checked={revokeTokens} onChange={setRevokeTokens}>
          Also revoke my API tokens
        </Checkbox>
        <SubmitRow busy={change.isPending} layout="start">
          Change password
        </SubmitRow>
      </form>
    </Card>
  );
}

function tokenStatus(t: Token): { label: string; tone: string } {
  if (t.revoked_at) return { label: 'Revoked', tone: 'danger' };
  if (t.expires_at && new Date(t.expires_at).getTime() < Date.now()) return { label: 'Expired', tone: 'warning' };
  return { label: 'Active', tone: 'success' };
}

export function ApiTokens() {
  const qc = useQueryClient();
  const toast = useToast();
  const tokens = useQuery({ queryKey: accountKeys.tokens(), queryFn: api.listTokens });
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);

  const create = useMutation({
    mutationFn: () => api.createToken(name.trim(), days ? Number(days) : undefined),
    onSuccess: (res) => {
      setSecret({ name: res.token.name, value: res.secret });
      setName('');
      setDays('');
      void qc.invalidateQueries({ queryKey: accountKeys.tokens() });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: number) => api.revokeToken(id),
    onSuccess: () => {
      toast(`Token “${revoking?.name}” revoked`);
      setRevoking(null);
      void qc.invalidateQueries({ queryKey: accountKeys.tokens() });
    },
  });

  const daysInvalid = days !== '' && (!Number.isInteger(Number(days)) || Number(days) < 1);
  const fields = fieldErrors(create.error, { 409: ['name'] });
  if (daysInvalid) fields.expires_in_days = 'Enter a whole number of days, 1 or more.';
  const general = formError(create.error, fields);

  const submit = handleSubmit(() => {
    if (daysInvalid) return;
    create.mutate();
  });

  return (
    <Card
      title="API tokens"
      description={
        <>
          For scripts and the CLI: send <code>Authorization: Bearer gst_…</code>. A token acts as you.
        </>
      }
    >
      {secret && (
        <SecretReveal label={`Secret of token ${secret.name}`} value={secret.value} onDone={() => setSecret(null)}>
          This is the secret of “{secret.name}”. Goldset keeps only a hash of it.
        </SecretReveal>
      )}
      <form className="form form-inline" onSubmit={submit} noValidate aria-label="Create API token">
        <TextField
          label="Token name"
          name="token-name"
          {...bindValue(name, setName)}
          placeholder="e.g. nightly export"
          error={fields.name}
          required
        />
        <TextField
          label="Expires in (days)"
          name="token-days"
          inputMode="numeric"
          {...bindNumber(days, setDays, 1)}
          placeholder="Never"
          error={fields.expires_in_days}
        />
        <SubmitRow busy={create.isPending} layout="inline">
          Create token
        </SubmitRow>
      </form>
      {general && <Alert>{general}</Alert>}

      <QueryView query={tokens} loading="Loading tokens…">
        {(data) =>
          (data.tokens ?? []).length === 0 ? (
            <EmptyState title="No API tokens">Create one above to call the API from a script.</EmptyState>
          ) : (
            <Table label="API tokens" columns={['Name', 'Prefix', 'Created', 'Expires', 'Last used', 'Status', { hidden: 'Actions' }]}>
              {data.tokens.map((t) => {
                const status = tokenStatus(t);
                return (
                  <tr key={t.id} className={t.revoked_at ? 'row-muted' : undefined}>
                    <td>{t.name}</td>
                    <td>
                      <code>{t.prefix}…</code>
                    </td>
                    <td className="nowrap muted">{formatDate(t.created_at)}</td>
                    <td className="nowrap muted">{t.expires_at ? formatDate(t.expires_at) : 'Never'}</td>
                    <td className="nowrap muted" title={formatDateTime(t.last_used_at)}>
                      {t.last_used_at ? formatRelative(t.last_used_at) : 'Never'}
                    </td>
                    <td>
                      <Badge tone={status.tone}>
                        {status.label}
                        {t.revoked_at ? ` ${formatDate(t.revoked_at)}` : ''}
                      </Badge>
                    </td>
                    <td className="cell-actions">
                      {!t.revoked_at && (
                        <Button
                          size="sm"
                          variant="ghost"
                          className="text-danger"
                          onClick={() => {
                            revoke.reset();
                            setRevoking(t);
                          }}
                          aria-label={`Revoke ${t.name}`}
                        >
                          Revoke
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </Table>
          )
        }
      </QueryView>
      {revoking && (
        <ConfirmDialog
          title="Revoke token?"
          confirmLabel="Revoke token"
          onConfirm={() => revoke.mutate(revoking.id)}
          onCancel={() => setRevoking(null)}
          busy={revoke.isPending}
          error={revoke.error ? (revoke.error instanceof ApiError ? revoke.error.message : 'Could not revoke.') : null}
        >
          <p>
            Scripts using <strong>{revoking.name}</strong> (<code>{revoking.prefix}…</code>) will stop working at once.
            This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </Card>
  );
}
