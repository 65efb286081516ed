import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Token } from '../../shared/api';
import { errorReply, meReply, mockApi, plainUser } from '../../test/mockApi';
import { renderApp } from '../../test/render';

const existing: Token = {
  id: 1,
  name: 'old script',
  prefix: 'gst_ab12',
  created_at: '2025-01-04T10:00:00Z',
  expires_at: null,
  last_used_at: null,
  revoked_at: null,
};

describe('API tokens', () => {
  it('shows a new token secret exactly once, with a copy button', async () => {
    let tokens: Token[] = [existing];
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/account/tokens': () => ({ body: { tokens } }),
      'POST /api/v1/account/tokens': () => {
        const token = { ...existing, id: 2, name: 'nightly export', prefix: 'gst_cd34', expires_at: '2025-03-01T00:00:00Z' };
        tokens = [token, ...tokens];
        return { status: 201, body: { token, secret: 'gst_cd34_SECRET_VALUE' } };
      },
    });
    const user = userEvent.setup();
    renderApp('/account');

    await screen.findByText('old script');
    await user.type(screen.getByLabelText('Token name'), 'nightly export');
    await user.type(screen.getByLabelText('Expires in (days)'), '30{Enter}');

    const secret = await screen.findByRole('region', { name: /secret of token nightly export/i });
    expect(within(secret).getByTestId('secret-value')).toHaveTextContent('gst_cd34_SECRET_VALUE');
    expect(secret).toHaveTextContent(/you will not see it again/i);
    expect(within(secret).getByRole('button', { name: 'Copy' })).toBeInTheDocument();

    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({ name: 'nightly export', expires_in_days: 30 });
    expect(post?.headers['X-CSRF-Token']).toBe('csrf-from-me');
    expect(await screen.findByText('nightly export')).toBeInTheDocument();

    await user.click(within(secret).getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText('gst_cd34_SECRET_VALUE')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: /secret of token/i })).not.toBeInTheDocument();
  });

  it('sends no expiry when none is given, and revokes after confirmation', async () => {
    let tokens: Token[] = [existing];
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/account/tokens': () => ({ body: { tokens } }),
      'POST /api/v1/account/tokens': { status: 201, body: { token: { ...existing, id: 3, name: 'ci' }, secret: 'gst_x' } },
      'DELETE /api/v1/account/tokens/1': () => {
        tokens = [{ ...existing, revoked_at: '2025-02-01T00:00:00Z' }];
        return { status: 204 };
      },
    });
    const user = userEvent.setup();
    renderApp('/account');
    await user.type(await screen.findByLabelText('Token name'), 'ci{Enter}');
    await screen.findByTestId('secret-value');
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'ci' });

    await user.click(screen.getByRole('button', { name: 'Revoke old script' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke token?' });
    await user.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/v1/account/tokens/1')).toBe(true);
    expect(await screen.findByText(/^Revoked/)).toBeInTheDocument();
  });

  it('closes the confirmation with Escape without revoking', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/account/tokens': { body: { tokens: [existing] } },
    });
    const user = userEvent.setup();
    renderApp('/account');
    await user.click(await screen.findByRole('button', { name: 'Revoke old script' }));
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
  });
});

describe('change password', () => {
  async function changePassword(user: ReturnType<typeof userEvent.setup>) {
    await user.type(await screen.findByLabelText('Current password'), 'old-password-123');
    await user.type(screen.getByLabelText('New password'), 'new-password-123');
    await user.type(screen.getByLabelText('Confirm new password'), 'new-password-123{Enter}');
  }

  /** Open the account page, whose password change revokes `revoked` tokens. */
  function openAccount(revoked: number) {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/account/tokens': { body: { tokens: [existing] } },
      'PUT /api/v1/account/password': { body: { tokens_revoked: revoked } },
    });
    const user = userEvent.setup();
    renderApp('/account');
    return { calls, user };
  }

  it('by default also revokes the API tokens, and says how many', async () => {
    const { calls, user } = openAccount(2);
    expect(await screen.findByRole('checkbox', { name: 'Also revoke my API tokens' })).toBeChecked();
    await changePassword(user);

    expect(await screen.findByText(/other sessions were signed out and 2 API tokens revoked/)).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      current_password: 'old-password-123',
      new_password: 'new-password-123',
      revoke_tokens: true,
    });
    // The token list is fetched again, to show them revoked.
    await waitFor(() => expect(calls.filter((c) => c.method === 'GET' && c.path === '/api/v1/account/tokens')).toHaveLength(2));
  });

  it('keeps the API tokens when the box is unticked', async () => {
    const { calls, user } = openAccount(0);
    await user.click(await screen.findByRole('checkbox', { name: 'Also revoke my API tokens' }));
    await changePassword(user);

    expect(await screen.findByText('Password changed. Your other sessions were signed out.')).toBeInTheDocument();
    expect(calls.find((c) => c.method === 'PUT')?.body).toMatchObject({ revoke_tokens: false });
  });

  it('shows a wrong current password on its field without signing the user out', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(plainUser),
      'GET /api/v1/account/tokens': { body: { tokens: [] } },
      'PUT /api/v1/account/password': errorReply(400, 'invalid_input', 'current_password: is wrong', {
        fields: { current_password: 'is wrong' },
      }),
    });
    const user = userEvent.setup();
    renderApp('/account');
    await user.type(await screen.findByLabelText('Current password'), 'bad');
    await user.type(screen.getByLabelText('New password'), 'new-password-123');
    await user.type(screen.getByLabelText('Confirm new password'), 'new-password-123{Enter}');
    expect(await screen.findByText('is wrong')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Account', level: 1 })).toBeInTheDocument();
  });
});
