import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { adminUser, errorReply, meReply, mockApi, plainUser } from '../../test/mockApi';
import { renderApp } from '../../test/render';

describe('users (admin)', () => {
  it('shows a generated password once when none was given', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/users': { body: { users: [adminUser] } },
      'POST /api/v1/users': { status: 201, body: { user: plainUser, password: 'generated-Pa55' } },
    });
    const user = userEvent.setup();
    renderApp('/users');
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = screen.getByRole('dialog', { name: 'New user' });
    await user.type(within(dialog).getByLabelText('Email'), 'ann@example.com');
    await user.type(within(dialog).getByLabelText('Name'), 'Ann Otator{Enter}');

    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ email: 'ann@example.com', name: 'Ann Otator' });
    expect(await screen.findByTestId('secret-value')).toHaveTextContent('generated-Pa55');
    await user.click(screen.getByRole('button', { name: 'I have copied it' }));
    expect(screen.queryByText('generated-Pa55')).not.toBeInTheDocument();
  });

  it('shows a duplicate email on the field', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/users': { body: { users: [adminUser] } },
      'POST /api/v1/users': errorReply(409, 'conflict', 'email taken'),
    });
    const user = userEvent.setup();
    renderApp('/users');
    await user.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = screen.getByRole('dialog', { name: 'New user' });
    await user.type(within(dialog).getByLabelText('Email'), 'admin@example.com{Enter}');
    expect(await within(dialog).findByText(/already exists/i)).toBeInTheDocument();
  });

  it('disables a user with the version it read', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/users': { body: { users: [adminUser, { ...plainUser, version: 5 }] } },
      'PATCH /api/v1/users/7': { body: { user: { ...plainUser, disabled: true, version: 6 } } },
    });
    const user = userEvent.setup();
    renderApp('/users');
    expect(await screen.findByRole('button', { name: 'Disable admin@example.com' })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Disable ann@example.com' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Disable user' }));
    await screen.findByText('Ann Otator disabled');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ version: 5, disabled: true });
  });

  it('revokes all API tokens of a user after confirmation', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/users': { body: { users: [adminUser, plainUser] } },
      'DELETE /api/v1/users/7/tokens': { body: { tokens_revoked: 2 } },
    });
    const user = userEvent.setup();
    renderApp('/users');
    await user.click(await screen.findByRole('button', { name: 'Revoke all API tokens of ann@example.com' }));
    const dialog = screen.getByRole('dialog', { name: 'Revoke all API tokens?' });
    expect(dialog).toHaveTextContent(/Ann Otator stops working at once/);
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    await user.click(within(dialog).getByRole('button', { name: 'Revoke all tokens' }));
    expect(await screen.findByText('2 API tokens of Ann Otator revoked')).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const del = calls.find((c) => c.method === 'DELETE');
    expect(del?.path).toBe('/api/v1/users/7/tokens');
    expect(del?.headers['X-CSRF-Token']).toBe('csrf-from-me');
  });

  it('revokes nothing when the confirmation is cancelled', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/users': { body: { users: [adminUser, plainUser] } },
    });
    const user = userEvent.setup();
    renderApp('/users');
    await user.click(await screen.findByRole('button', { name: 'Revoke all API tokens of ann@example.com' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
  });
});
