import { describe, expect, it, vi } from 'vitest';
import { api, ApiError, request, setCsrfToken, setUnauthenticatedHandler } from './api';
import { errorReply, meReply, mockApi, adminUser } from '../test/mockApi';

describe('api client', () => {
  it('sends the CSRF token on unsafe methods only, with same-origin credentials', async () => {
    const { calls, fetchMock } = mockApi({
      'GET /x': { body: {} },
      'POST /x': { body: {} },
      'PUT /x': { status: 204 },
      'PATCH /x': { body: {} },
      'DELETE /x': { status: 204 },
    });
    setCsrfToken('tok-123');
    for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) await request(m, '/x', m === 'GET' ? {} : { body: {} });

    expect(calls.map((c) => [c.method, c.headers['X-CSRF-Token']])).toEqual([
      ['GET', undefined],
      ['POST', 'tok-123'],
      ['PUT', 'tok-123'],
      ['PATCH', 'tok-123'],
      ['DELETE', 'tok-123'],
    ]);
    for (const [, init] of fetchMock.mock.calls) expect(init?.credentials).toBe('same-origin');
    expect(calls[1].headers['Content-Type']).toBe('application/json');
  });

  it('remembers the token from login and from /auth/me', async () => {
    const { calls } = mockApi({
      'POST /api/v1/auth/login': { body: { user: adminUser, csrf_token: 'from-login' } },
      'GET /api/v1/auth/me': meReply(adminUser),
      'POST /api/v1/projects': { status: 201, body: { project: {} } },
    });
    await api.login('admin@example.com', 'pw');
    await api.createProject({ name: 'a' });
    expect(calls[1].headers['X-CSRF-Token']).toBe('from-login');
    await api.me();
    await api.createProject({ name: 'b' });
    expect(calls[3].headers['X-CSRF-Token']).toBe('csrf-from-me');
  });

  it('falls back to the goldset_csrf cookie when no token was returned yet', async () => {
    const { calls } = mockApi({ 'DELETE /api/v1/account/tokens/5': { status: 204 } });
    document.cookie = 'other=1';
    document.cookie = 'goldset_csrf=cookie%2Dvalue';
    await api.revokeToken(5);
    expect(calls[0].headers['X-CSRF-Token']).toBe('cookie-value');
  });

  it('turns the error envelope into a typed ApiError with field errors', async () => {
    mockApi({
      'POST /api/v1/users': errorReply(400, 'invalid_input', 'email: must be a valid address', {
        fields: { email: 'must be a valid address' },
      }),
    });
    const err = await api.createUser({ email: 'nope', name: '' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_input',
      message: 'email: must be a valid address',
      fields: { email: 'must be a valid address' },
    });
  });

  it('reads Retry-After on 429 and recognises stale versions on 409', async () => {
    mockApi({
      'POST /api/v1/auth/login': { ...errorReply(429, 'rate_limited', 'too many failed logins'), headers: { 'Retry-After': '30' } },
      'PATCH /api/v1/projects/1': errorReply(409, 'conflict', 'stale version', { current_version: 4 }),
      'POST /api/v1/projects': errorReply(409, 'conflict', 'name taken'),
    });
    const rl = (await api.login('a@b.c', 'x').catch((e: unknown) => e)) as ApiError;
    expect(rl.retryAfter).toBe(30);
    const stale = (await api.updateProject(1, { version: 3, name: 'n' }).catch((e: unknown) => e)) as ApiError;
    expect(stale.isStaleVersion).toBe(true);
    const dup = (await api.createProject({ name: 'n' }).catch((e: unknown) => e)) as ApiError;
    expect(dup.isStaleVersion).toBe(false);
  });

  it('keeps a status-derived code when the error body is not JSON', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>bad gateway</html>', { status: 503 })));
    const err = (await api.listProjects().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(503);
    expect(err.code).toBe('unavailable');
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const err = (await api.listProjects().catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(0);
    expect(err.code).toBe('network_error');
  });

  it('calls the 401 handler on a lost session, but not for a failed login or /me', async () => {
    mockApi({
      'GET /api/v1/projects': errorReply(401, 'unauthenticated', 'session expired'),
      'POST /api/v1/auth/login': errorReply(401, 'unauthenticated', 'wrong email or password'),
      'GET /api/v1/auth/me': errorReply(401, 'unauthenticated', 'no session'),
    });
    const onLost = vi.fn();
    setUnauthenticatedHandler(onLost);

    await expect(api.login('a@b.c', 'bad')).rejects.toMatchObject({ status: 401 });
    expect(await api.me()).toBeNull();
    expect(onLost).not.toHaveBeenCalled();

    await expect(api.listProjects()).rejects.toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(onLost).toHaveBeenCalledTimes(1);
  });

  it('returns undefined for 204 and builds paged audit URLs', async () => {
    const { calls } = mockApi({
      'POST /api/v1/auth/logout': { status: 204 },
      'GET /api/v1/audit': { body: { entries: [] } },
    });
    expect(await api.logout()).toBeUndefined();
    await api.globalAudit({ limit: 50, before: 99 });
    expect(calls[1].path).toBe('/api/v1/audit?limit=50&before=99');
  });
});
