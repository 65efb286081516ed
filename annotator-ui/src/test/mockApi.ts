// A fetch stand-in that answers by "METHOD /path" and records every call, for tests.
import { vi } from 'vitest';
import type { Database, Me, Project, User } from '../shared/api';

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}
type Handler = MockReply | ((call: RecordedCall) => MockReply);
export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export function mockApi(routes: Record<string, Handler>) {
  const calls: RecordedCall[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init.method ?? 'GET').toUpperCase();
    const call: RecordedCall = {
      method,
      path: url.pathname + url.search,
      headers: { ...(init.headers as Record<string, string>) },
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    calls.push(call);
    const handler = routes[`${method} ${url.pathname}${url.search}`] ?? routes[`${method} ${url.pathname}`];
    const reply: MockReply = handler
      ? typeof handler === 'function'
        ? handler(call)
        : handler
      : { status: 404, body: { error: { code: 'not_found', message: `no mock for ${method} ${url.pathname}` } } };
    const status = reply.status ?? 200;
    return new Response(status === 204 || reply.body === undefined ? null : JSON.stringify(reply.body), {
      status,
      headers: { 'Content-Type': 'application/json', ...reply.headers },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock };
}

export function errorReply(status: number, code: string, message: string, details?: Record<string, unknown>): MockReply {
  return { status, body: { error: { code, message, ...(details ? { details } : {}) } } };
}

export const adminUser: User = {
  id: 1,
  email: 'admin@example.com',
  name: 'Ada Admin',
  is_admin: true,
  disabled: false,
  created_at: '2025-01-02T10:00:00Z',
  version: 1,
};
export const plainUser: User = { ...adminUser, id: 7, email: 'ann@example.com', name: 'Ann Otator', is_admin: false };

export function meReply(user: User, memberships: Me['memberships'] = []): MockReply {
  return { body: { user, csrf_token: 'csrf-from-me', memberships } };
}

export function project(role: Project['my_role'], overrides: Partial<Project> = {}): Project {
  return {
    id: 42,
    name: 'Retail analytics',
    description: 'Questions over the retail warehouse',
    created_at: '2025-01-03T10:00:00Z',
    version: 3,
    my_role: role,
    ...overrides,
  };
}

/** The routes every page of project 42 reads first: who is signed in (Ann, not an admin) and the project with her role. */
export function projectRoutes(role: Project['my_role']): Record<string, MockReply> {
  return {
    'GET /api/v1/auth/me': meReply(plainUser),
    'GET /api/v1/projects/42': { body: { project: project(role) } },
  };
}

/** Project 42's databases, in the list of current versions and the list of every version (the run forms read both). */
export function databaseRoutes(databases: Database[]): Record<string, MockReply> {
  return {
    'GET /api/v1/projects/42/databases': { body: { databases } },
    'GET /api/v1/projects/42/databases?all_versions=true': { body: { databases } },
  };
}
