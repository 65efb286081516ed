// The one module that talks to the Goldset HTTP API (docs/API.md).
// Every call goes through `request`, so credentials, CSRF and the error envelope are handled once.

export type ProjectRole = 'lead' | 'reviewer' | 'annotator';
export type MyProjectRole = ProjectRole | 'admin';

export interface User {
  id: number;
  email: string;
  name: string;
  is_admin: boolean;
  disabled: boolean;
  created_at: string;
  version: number;
}

export interface Membership {
  project_id: number;
  project_name: string;
  role: ProjectRole;
}

export interface Me {
  user: User;
  csrf_token: string;
  memberships: Membership[];
}

export interface Token {
  id: number;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Project {
  id: number;
  name: string;
  description: string;
  created_at: string;
  version: number;
  my_role: MyProjectRole;
}

export interface Member {
  user_id: number;
  email: string;
  name: string;
  role: ProjectRole;
  version: number;
  created_at: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: number; email: string } | null;
  action: string;
  object_type: string;
  object_id: string;
  project_id: number | null;
  before: unknown;
  after: unknown;
  request_id: string;
}

/** An error answered by the API (or the network), with the envelope's code and field errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string>;
  readonly details: Record<string, unknown>;
  /** Seconds from the Retry-After header (429), if any. */
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    fields?: Record<string, string>;
    details?: Record<string, unknown>;
    retryAfter?: number | null;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields ?? {};
    this.details = init.details ?? {};
    this.retryAfter = init.retryAfter ?? null;
  }

  /** A 409 because the object changed since it was read (as opposed to a duplicate). */
  get isStaleVersion(): boolean {
    return (
      this.status === 409 &&
      (this.code === 'stale_version' || this.details.current_version !== undefined)
    );
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CSRF_COOKIE = 'goldset_csrf';

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Remember the CSRF token returned by login and /auth/me. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

function csrfFromCookie(): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Called when any request (other than those that opt out) answers 401. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  body?: unknown;
  /** Set false where a 401 means "wrong credentials" rather than "session gone" (login). */
  redirectOn401?: boolean;
  signal?: AbortSignal;
}

export async function request<T>(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE_METHODS.has(method)) {
    const token = csrfToken ?? csrfFromCookie();
    if (token) headers['X-CSRF-Token'] = token;
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach the Goldset server. Check your connection and try again.',
    });
  }

  if (response.ok) {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  const error = await toApiError(response);
  if (error.status === 401 && options.redirectOn401 !== false) onUnauthenticated?.();
  throw error;
}

async function toApiError(response: Response): Promise<ApiError> {
  let code = defaultCode(response.status);
  let message = response.statusText || `Request failed (${response.status})`;
  let details: Record<string, unknown> = {};
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details ?? {};
    }
  } catch {
    // Not JSON (a proxy error page, say): keep the status-derived code and message.
  }
  const fields =
    details.fields && typeof details.fields === 'object'
      ? (details.fields as Record<string, string>)
      : {};
  const retry = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  return new ApiError({
    status: response.status,
    code,
    message,
    fields,
    details,
    retryAfter: Number.isFinite(retry) ? retry : null,
  });
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_input';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'body_too_large';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return 'server_error';
  }
}

const enc = encodeURIComponent;

/** Lists may come back as null when empty; screens always get an array. */
async function list<K extends string, T>(key: K, promise: Promise<Record<K, T[] | null>>): Promise<Record<K, T[]>> {
  const res = await promise;
  return { ...res, [key]: res?.[key] ?? [] } as Record<K, T[]>;
}

function pageQuery(page: { limit?: number; before?: number }): string {
  const q = new URLSearchParams();
  if (page.limit) q.set('limit', String(page.limit));
  if (page.before) q.set('before', String(page.before));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Typed endpoints, one per row of docs/API.md. */
export const api = {
  login: async (email: string, password: string) => {
    const res = await request<{ user: User; csrf_token: string }>('POST', '/api/v1/auth/login', {
      body: { email, password },
      redirectOn401: false,
    });
    setCsrfToken(res.csrf_token);
    return res;
  },
  logout: async () => {
    try {
      await request<void>('POST', '/api/v1/auth/logout', { redirectOn401: false });
    } finally {
      setCsrfToken(null);
    }
  },
  /** The signed-in user, or null when there is no valid session. */
  me: async (): Promise<Me | null> => {
    try {
      const res = await request<Me>('GET', '/api/v1/auth/me', { redirectOn401: false });
      setCsrfToken(res.csrf_token);
      return { ...res, memberships: res.memberships ?? [] };
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        setCsrfToken(null);
        return null;
      }
      throw err;
    }
  },
  changePassword: (current_password: string, new_password: string) =>
    request<void>('PUT', '/api/v1/account/password', {
      body: { current_password, new_password },
      // A wrong current password must not look like a lost session.
      redirectOn401: false,
    }),

  listTokens: () => list('tokens', request<{ tokens: Token[] | null }>('GET', '/api/v1/account/tokens')),
  createToken: (name: string, expiresInDays?: number) =>
    request<{ token: Token; secret: string }>('POST', '/api/v1/account/tokens', {
      body: expiresInDays ? { name, expires_in_days: expiresInDays } : { name },
    }),
  revokeToken: (id: number) => request<void>('DELETE', `/api/v1/account/tokens/${enc(id)}`),

  listUsers: () => list('users', request<{ users: User[] | null }>('GET', '/api/v1/users')),
  createUser: (body: { email: string; name: string; password?: string; is_admin?: boolean }) =>
    request<{ user: User; password?: string }>('POST', '/api/v1/users', { body }),
  updateUser: (
    id: number,
    body: { version: number; name?: string; disabled?: boolean; is_admin?: boolean },
  ) => request<{ user: User }>('PATCH', `/api/v1/users/${enc(id)}`, { body }),

  listProjects: () => list('projects', request<{ projects: Project[] | null }>('GET', '/api/v1/projects')),
  createProject: (body: { name: string; description?: string }) =>
    request<{ project: Project }>('POST', '/api/v1/projects', { body }),
  getProject: (id: string | number) =>
    request<{ project: Project }>('GET', `/api/v1/projects/${enc(id)}`),
  updateProject: (
    id: string | number,
    body: { version: number; name?: string; description?: string },
  ) => request<{ project: Project }>('PATCH', `/api/v1/projects/${enc(id)}`, { body }),

  listMembers: (projectId: string | number) =>
    list('members', request<{ members: Member[] | null }>('GET', `/api/v1/projects/${enc(projectId)}/members`)),
  addMember: (projectId: string | number, email: string, role: ProjectRole) =>
    request<{ member: Member }>('POST', `/api/v1/projects/${enc(projectId)}/members`, {
      body: { email, role },
    }),
  updateMember: (projectId: string | number, userId: number, version: number, role: ProjectRole) =>
    request<{ member: Member }>(
      'PATCH',
      `/api/v1/projects/${enc(projectId)}/members/${enc(userId)}`,
      { body: { version, role } },
    ),
  removeMember: (projectId: string | number, userId: number) =>
    request<void>('DELETE', `/api/v1/projects/${enc(projectId)}/members/${enc(userId)}`),

  projectAudit: (projectId: string | number, page: { limit?: number; before?: number } = {}) =>
    list(
      'entries',
      request<{ entries: AuditEntry[] | null }>('GET', `/api/v1/projects/${enc(projectId)}/audit${pageQuery(page)}`),
    ),
  globalAudit: (page: { limit?: number; before?: number } = {}) =>
    list('entries', request<{ entries: AuditEntry[] | null }>('GET', `/api/v1/audit${pageQuery(page)}`)),
};
