// The one module that talks to the Goldset HTTP API (docs/API.md).
// Every call goes through `request`, so credentials, CSRF and the error envelope are handled once.

// The API's own types are generated from the Go types (api.gen.ts, `make types`).
import type {
  ProjectRole,
  User,
  Membership,
  Token,
  Project,
  Member,
  AuditEntry,
  Database,
  DbTable,
  QueryResult,
  ResultDiff,
  HistoryEntry,
  ImportSummary,
  Nlq,
  WrittenQuestion,
  TranslationReport,
  NlqFacets,
  NlqHistory,
  LlmSettings,
  ModelSettingsView,
  LlmTestReport,
  AgentRun,
  AgentBatchParams,
  GenerationParams,
  RunPreview,
  PipelineRun,
  RunAccuracy,
  RetrievalReport,
  LlmCall,
  LlmUsage,
} from './api.gen';
export type * from './api.gen';

export interface Me {
  user: User;
  csrf_token: string;
  memberships: Membership[];
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

  /** A 409 because no language model endpoint is set (an admin sets one in Settings → Language model). */
  get isLlmNotConfigured(): boolean {
    return this.status === 409 && this.code === 'llm_not_configured';
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
  let text = '';
  try {
    text = await response.text();
  } catch {
    // An unreadable body: the status alone has to do.
  }
  return errorFromBody(response.status, response.statusText, text, response.headers.get('Retry-After'));
}

/** The error envelope (or, failing that, the status) as an ApiError; shared by fetch and XHR uploads. */
function errorFromBody(status: number, statusText: string, text: string, retryAfter: string | null): ApiError {
  let code = defaultCode(status);
  let message = statusText || `Request failed (${status})`;
  let details: Record<string, unknown> = {};
  try {
    const body = JSON.parse(text) as {
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
  const retry = Number.parseInt(retryAfter ?? '', 10);
  return new ApiError({
    status,
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

// ---- Target databases (docs/API.md "Target databases") ----

export type ImportKind = 'csv' | 'sqlite' | 'spider' | 'bird' | 'wtq' | 'questions';

/** A query's result, or its error (a failed or refused query still answers 200, with `error`). */
export interface CompareResult {
  match: boolean;
  reason: string;
  order_matters: boolean;
  gold: QueryResult;
  pred: QueryResult;
  diff: ResultDiff;
}

/** What loading the sample project did: its databases (unchanged when loaded before) and plan. */
export interface SampleLoad {
  project: Project;
  databases: { database: Database; unchanged: boolean }[];
  questions_imported: number;
  plan: { selected: number; sampled: number; items: number; share: number };
}

/** A question a person writes (`POST /nlqs`); `stage` defaults to `human-seed`. */
/** What `POST /nlqs/:nlq/check` says about SQL written for a question. */
export interface CheckResult {
  result: QueryResult;
  /** Against the question's stored SQL, when it has SQL that runs. */
  execution_match?: { match: boolean; reason: string; against_candidate: number } | null;
  /** Against the WikiTableQuestions answer, when the question has one. */
  answer_match?: { match: boolean; reason: string; answers: string[] | null } | null;
}

export interface NlqFilter {
  status?: string;
  database?: number | string;
  stage?: string;
  /** The origin's kind: spider, wtq, csv, agent-try, … */
  origin?: string;
  /** Questions a reviewer decided with this error type. */
  error_type?: string;
  /** A case-insensitive substring of the question. */
  q?: string;
  before?: number;
  limit?: number;
}

/** An audit entry about the question, its annotation items or its review items. */
/** Everything that happened to one question (`GET /nlqs/:nlq`), each list oldest first. */
/** Where an upload is: sending bytes (with a fraction when the size is known), then waiting for the server. */
export type UploadProgress = { phase: 'uploading'; loaded: number; total: number | null } | { phase: 'processing' };

/**
 * POST a multipart import through XMLHttpRequest, the one browser API that reports upload
 * progress. Same credentials, CSRF header and error envelope as `request`.
 */
export function uploadImport(
  projectId: string | number,
  form: { kind: ImportKind; files: File[]; name?: string; database?: string },
  onProgress?: (p: UploadProgress) => void,
): Promise<ImportSummary> {
  const body = new FormData();
  body.append('kind', form.kind);
  if (form.name) body.append('name', form.name);
  if (form.database) body.append('database', form.database);
  for (const f of form.files) body.append('files', f, f.name);

  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/projects/${enc(projectId)}/imports`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    const token = csrfToken ?? csrfFromCookie();
    if (token) xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.upload.onprogress = (e) =>
      onProgress?.({ phase: 'uploading', loaded: e.loaded, total: e.lengthComputable ? e.total : null });
    xhr.upload.onload = () => onProgress?.({ phase: 'processing' });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText) as ImportSummary);
        } catch {
          reject(new ApiError({ status: xhr.status, code: 'server_error', message: 'The server answered with something that is not JSON.' }));
        }
        return;
      }
      const error = errorFromBody(xhr.status, xhr.statusText, xhr.responseText, xhr.getResponseHeader('Retry-After'));
      if (error.status === 401) onUnauthenticated?.();
      reject(error);
    };
    xhr.onerror = () =>
      reject(
        new ApiError({
          status: 0,
          code: 'network_error',
          message: 'The upload did not reach the Goldset server. Check your connection and try again.',
        }),
      );
    xhr.send(body);
  });
}

const dbPath = (projectId: string | number, databaseId: string | number) =>
  `/api/v1/projects/${enc(projectId)}/databases/${enc(databaseId)}`;

function nlqQuery(f: NlqFilter): string {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.database) q.set('database', String(f.database));
  if (f.stage) q.set('stage', f.stage);
  if (f.origin) q.set('origin', f.origin);
  if (f.error_type) q.set('error_type', f.error_type);
  if (f.q) q.set('q', f.q);
  if (f.before) q.set('before', String(f.before));
  if (f.limit) q.set('limit', String(f.limit));
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
  changePassword: (current_password: string, new_password: string, revoke_tokens: boolean) =>
    request<{ tokens_revoked: number }>('PUT', '/api/v1/account/password', {
      body: { current_password, new_password, revoke_tokens },
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
  revokeUserTokens: (id: number) => request<{ tokens_revoked: number }>('DELETE', `/api/v1/users/${enc(id)}/tokens`),

  listProjects: () => list('projects', request<{ projects: Project[] | null }>('GET', '/api/v1/projects')),
  createProject: (body: { name: string; description?: string }) =>
    request<{ project: Project }>('POST', '/api/v1/projects', { body }),
  loadSample: () => request<SampleLoad>('POST', '/api/v1/sample'),
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

  listDatabases: (projectId: string | number, allVersions = false) =>
    list(
      'databases',
      request<{ databases: Database[] | null }>(
        'GET',
        `/api/v1/projects/${enc(projectId)}/databases${allVersions ? '?all_versions=true' : ''}`,
      ),
    ),
  importFiles: uploadImport,
  getDatabase: async (projectId: string | number, databaseId: string | number) => {
    const res = await request<{ database: Database; tables: DbTable[] | null }>('GET', dbPath(projectId, databaseId));
    return { database: res.database, tables: res.tables ?? [] };
  },
  tableRows: (projectId: string | number, databaseId: string | number, table: string, limit = 20) =>
    request<QueryResult>('GET', `${dbPath(projectId, databaseId)}/tables/${enc(table)}/rows?limit=${limit}`),
  /** Rename a table (in the database too) and/or set its summary: send only what changed. */
  updateTable: (
    projectId: string | number,
    databaseId: string | number,
    table: string,
    body: { name?: string; summary?: string },
  ) => request<{ table: DbTable }>('PATCH', `${dbPath(projectId, databaseId)}/tables/${enc(table)}`, { body }),
  runQuery: (projectId: string | number, databaseId: string | number, sql: string) =>
    request<QueryResult>('POST', `${dbPath(projectId, databaseId)}/query`, { body: { sql } }),
  compare: (projectId: string | number, databaseId: string | number, gold_sql: string, pred_sql: string) =>
    request<CompareResult>('POST', `${dbPath(projectId, databaseId)}/compare`, { body: { gold_sql, pred_sql } }),
  queryHistory: (projectId: string | number, databaseId: string | number) =>
    list('history', request<{ history: HistoryEntry[] | null }>('GET', `${dbPath(projectId, databaseId)}/history`)),
  listNlqs: (projectId: string | number, filter: NlqFilter = {}) =>
    list('nlqs', request<{ nlqs: Nlq[] | null }>('GET', `/api/v1/projects/${enc(projectId)}/nlqs${nlqQuery(filter)}`)),
  nlqFacets: async (projectId: string | number): Promise<NlqFacets> => {
    const res = await request<Partial<Record<keyof NlqFacets, Record<string, number> | null>>>(
      'GET',
      `/api/v1/projects/${enc(projectId)}/nlqs/facets`,
    );
    return {
      statuses: res?.statuses ?? {},
      stages: res?.stages ?? {},
      origins: res?.origins ?? {},
      error_types: res?.error_types ?? {},
    };
  },
  nlqHistory: async (projectId: string | number, nlqId: number | string): Promise<NlqHistory> => {
    const res = await request<NlqHistory>('GET', `/api/v1/projects/${enc(projectId)}/nlqs/${enc(nlqId)}`);
    return {
      nlq: res.nlq,
      candidates: res.candidates ?? [],
      annotations: res.annotations ?? [],
      comparisons: res.comparisons ?? [],
      review_items: (res.review_items ?? []).map((it) => ({ ...it, reviews: it.reviews ?? [] })),
      events: res.events ?? [],
    };
  },
  /**
   * Write a question about a database, with SQL or without. The SQL is run first: SQL that does not
   * run is refused (400 `fields.sql`), and a question already asked about the database is a 409.
   */
  writeQuestion: (projectId: string | number, body: Pick<WrittenQuestion, 'database_id' | 'question'> & Partial<WrittenQuestion>) =>
    request<{ nlq: Nlq; result?: QueryResult }>('POST', `/api/v1/projects/${enc(projectId)}/nlqs`, { body }),
  checkSql: (projectId: string | number, nlqId: number, sql: string) =>
    request<CheckResult>('POST', `/api/v1/projects/${enc(projectId)}/nlqs/${enc(nlqId)}/check`, { body: { sql } }),
  translationReport: (projectId: string | number) =>
    list(
      'reports',
      request<{ reports: TranslationReport[] | null }>('GET', `/api/v1/projects/${enc(projectId)}/translation-report`),
    ),
};

// ---- Language models and the agent (docs/API.md "Language models and the agent") ----

export const PURPOSES = ['agent', 'generator', 'validator', 'critic', 'editor', 'judge', 'target', 'optimizer', 'embeddings'] as const;
export type Purpose = (typeof PURPOSES)[number];

export type KeySource = 'environment' | 'file' | 'none';

/** The generating pipelines (docs/API.md), each started with `POST …/runs` `{kind, params}`. */
export const GENERATION_KINDS = ['complexity', 'semantic', 'paraphrase', 'qagen', 'table_metadata'] as const;
export type GenerationKind = (typeof GENERATION_KINDS)[number];

/** What `POST …/runs/preview` renders: the prompt of the run's first item; nothing is stored. */
export interface LlmCallQuery {
  run_kind?: string;
  run_id?: number | string;
  before?: number;
  bodies?: boolean;
}

const projectPath = (projectId: string | number) => `/api/v1/projects/${enc(projectId)}`;

function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** An agent run as the screens use it: warnings and steps always arrays. */
function normalizeRun(run: AgentRun): AgentRun {
  return { ...run, warnings: run.warnings ?? [], steps: run.steps ?? undefined };
}

/** SSE endpoints (GET, `text/event-stream`): opened with EventSource, not `request`. */
export const streams = {
  agentRun: (projectId: string | number, runId: string | number) =>
    `${projectPath(projectId)}/agent/runs/${enc(runId)}/stream`,
  pipelineRun: (projectId: string | number, runId: string | number) =>
    `${projectPath(projectId)}/runs/${enc(runId)}/events`,
};

export const llmApi = {
  getSettings: () => request<ModelSettingsView>('GET', '/api/v1/settings/llm'),
  /** `api_key`: leave out to keep the key; "" removes it. */
  saveSettings: (body: { version: number; settings: LlmSettings; api_key?: string }) =>
    request<ModelSettingsView>('PUT', '/api/v1/settings/llm', { body }),
  testConnection: () => request<LlmTestReport>('POST', '/api/v1/settings/llm/test'),

  ask: async (projectId: string | number, body: { database_id: number; question: string; samples?: number }) => {
    const res = await request<{ run: AgentRun }>('POST', `${projectPath(projectId)}/agent/ask`, { body });
    return { run: normalizeRun(res.run) };
  },
  listAgentRuns: async (
    projectId: string | number,
    filter: { batch?: number | string; status?: string; before?: number } = {},
  ) => {
    const res = await list(
      'runs',
      request<{ runs: AgentRun[] | null }>('GET', `${projectPath(projectId)}/agent/runs${query(filter)}`),
    );
    return { runs: res.runs.map(normalizeRun) };
  },
  getAgentRun: async (projectId: string | number, runId: string | number) => {
    const res = await request<{ run: AgentRun }>('GET', `${projectPath(projectId)}/agent/runs/${enc(runId)}`);
    return { run: { ...normalizeRun(res.run), steps: res.run.steps ?? [] } };
  },
  saveAgentRun: (projectId: string | number, runId: string | number, question?: string) =>
    request<{ nlq: Nlq }>('POST', `${projectPath(projectId)}/agent/runs/${enc(runId)}/save`, {
      body: question ? { question } : {},
    }),

  /** `kind` "" lists every kind of run. */
  listRuns: (projectId: string | number, kind = 'agent') =>
    list('runs', request<{ runs: PipelineRun[] | null }>('GET', `${projectPath(projectId)}/runs${query({ kind })}`)),
  startAgentBatch: (projectId: string | number, params: Partial<AgentBatchParams>) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/runs`, { body: { kind: 'agent', params } }),
  startGeneration: (projectId: string | number, kind: GenerationKind, params: Partial<GenerationParams>) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/runs`, { body: { kind, params } }),
  previewGeneration: async (projectId: string | number, kind: GenerationKind, params: Partial<GenerationParams>) => {
    const res = await request<{ preview: RunPreview }>('POST', `${projectPath(projectId)}/runs/preview`, { body: { kind, params } });
    return { preview: { ...res.preview, messages: res.preview.messages ?? [] } };
  },
  getRun: (projectId: string | number, runId: string | number) =>
    request<{ run: PipelineRun; accuracy?: RunAccuracy | null; retrieval?: RetrievalReport | null }>('GET', `${projectPath(projectId)}/runs/${enc(runId)}`),
  cancelRun: (projectId: string | number, runId: string | number) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/runs/${enc(runId)}/cancel`),
  resumeRun: (projectId: string | number, runId: string | number, retryFailed = false) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/runs/${enc(runId)}/resume`, {
      body: retryFailed ? { retry_failed: true } : {},
    }),
  listCalls: async (projectId: string | number, q: LlmCallQuery = {}) => {
    const res = await request<{ calls: LlmCall[] | null; usage: LlmUsage }>(
      'GET',
      `${projectPath(projectId)}/llm-calls${query({ run_kind: q.run_kind, run_id: q.run_id, before: q.before, bodies: q.bodies })}`,
    );
    return { calls: res.calls ?? [], usage: res.usage };
  },
};
