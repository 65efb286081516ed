import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { formatWait } from './LoginPage';
import { adminUser, errorReply, meReply, mockApi, type MockReply } from '../../test/mockApi';
import { renderApp } from '../../test/render';

async function signIn(email: string, password: string) {
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText('Email'), email);
  await user.type(screen.getByLabelText('Password'), `${password}{Enter}`);
}

/** On the sign-in page with no session, sign in with `password` and get `reply` from the server. */
async function failToSignIn(reply: MockReply, password: string) {
  mockApi({
    'GET /api/v1/auth/me': errorReply(401, 'unauthenticated', 'no session'),
    'POST /api/v1/auth/login': reply,
  });
  renderApp('/login');
  await signIn('admin@example.com', password);
}

describe('login', () => {
  it('signs in with Enter and returns to the page the user was going to', async () => {
    let signedIn = false;
    const { calls } = mockApi({
      'GET /api/v1/auth/me': () => (signedIn ? meReply(adminUser) : errorReply(401, 'unauthenticated', 'no session')),
      'POST /api/v1/auth/login': () => {
        signedIn = true;
        return { body: { user: adminUser, csrf_token: 'csrf-1' } };
      },
      'GET /api/v1/users': { body: { users: [adminUser] } },
    });
    renderApp('/users');
    await signIn('admin@example.com', 'right-password');

    expect(await screen.findByRole('heading', { name: 'Users', level: 1 })).toBeInTheDocument();
    const login = calls.find((c) => c.path === '/api/v1/auth/login');
    expect(login?.body).toEqual({ email: 'admin@example.com', password: 'right-password' });
  });

  it('explains a wrong password', async () => {
    await failToSignIn(errorReply(401, 'unauthenticated', 'wrong email or password'), 'nope');
    expect(await screen.findByRole('alert')).toHaveTextContent(/wrong email or password/i);
    expect(screen.getByRole('heading', { name: 'Sign in' })).toBeInTheDocument();
  });

  it('tells how long to wait after too many failures', async () => {
    await failToSignIn({ ...errorReply(429, 'rate_limited', 'too many'), headers: { 'Retry-After': '42' } }, 'nope');
    expect(await screen.findByRole('alert')).toHaveTextContent('Try again in 42 seconds');
  });

  it('words long waits in minutes', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(42)).toBe('42 seconds');
    expect(formatWait(900)).toBe('15 minutes');
  });

  it('says when the database is unavailable', async () => {
    await failToSignIn(errorReply(503, 'unavailable', 'database unavailable'), 'pw');
    expect(await screen.findByRole('alert')).toHaveTextContent(/database is unavailable/i);
  });
});
