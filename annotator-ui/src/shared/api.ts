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

export interface TableReport {
  name: string;
  rows: number;
  warnings?: string[] | null;
}

export interface Database {
  id: number;
  project_id: number;
  name: string;
  version: number;
  kind: 'csv' | 'sqlite' | string;
  source: { files?: string[] | null; hash?: string } | null;
  schema_name: string;
  schema_hash: string;
  table_count: number;
  row_count: number;
  report: { tables?: TableReport[] | null } | null;
  created_at: string;
  latest: boolean;
}

export interface DbColumn {
  name: string;
  original: string;
  type: string;
  not_null?: boolean;
}

export interface ForeignKey {
  columns: string[];
  ref_table: string;
  ref_columns: string[];
}

export interface DbTable {
  id: number;
  name: string;
  original: string;
  summary: string;
  row_count: number;
  columns: DbColumn[] | null;
  primary_key: string[] | null;
  foreign_keys: ForeignKey[] | null;
  warnings: string[] | null;
}

export interface ResultColumn {
  name: string;
  type: string;
}

/** A query's result, or its error (a failed or refused query still answers 200, with `error`). */
export interface QueryResult {
  columns: ResultColumn[] | null;
  rows: unknown[][] | null;
  row_count: number;
  truncated: boolean;
  elapsed_ns?: number;
  error?: string;
  fingerprint?: string;
}

export interface ResultDiff {
  only_in_gold: unknown[][] | null;
  only_in_pred: unknown[][] | null;
  only_in_gold_count?: number;
  only_in_pred_count?: number;
  first_order_difference: number;
  column_mapping: number[] | null;
}

export interface CompareResult {
  match: boolean;
  reason: string;
  order_matters: boolean;
  gold: QueryResult;
  pred: QueryResult;
  diff: ResultDiff;
}

export interface HistoryEntry {
  id: number;
  database_id: number;
  sql: string;
  row_count: number | null;
  error: string | null;
  elapsed_ms: number;
  created_at: string;
}

export interface Mismatch {
  index: number;
  db_id: string;
  query: string;
  reason: string;
}

/** What loading the sample project did: its databases (unchanged when loaded before) and plan. */
export interface SampleLoad {
  project: Project;
  databases: { database: Database; unchanged: boolean }[];
  questions_imported: number;
  plan: { selected: number; sampled: number; items: number; share: number };
}

export interface ImportSummary {
  databases: { database: Database; tables: TableReport[] | null; rows: number; unchanged: boolean }[] | null;
  questions?: {
    total: number;
    imported: number;
    existing: number;
    gold_translated?: number;
    gold_matched?: number;
    gold_match_rate?: number;
    mismatches?: Mismatch[] | null;
    sql_failed?: number;
  } | null;
}

export interface ResultPreview {
  columns: ResultColumn[] | null;
  rows: unknown[][] | null;
  row_count: number;
  truncated: boolean;
  error?: string;
}

export interface Candidate {
  id: number;
  source: string;
  sql: string;
  original_sql: string | null;
  original_dialect: string | null;
  translation: { changes?: string[] | null } | null;
  verification: { match: boolean; reason: string; sqlite?: ResultPreview; postgres?: ResultPreview } | null;
  result_fingerprint: string | null;
  row_count: number | null;
  error: string | null;
  elapsed_ms: number | null;
}

export type NlqStatus = 'new' | 'needs_review' | 'accepted' | 'rejected' | 'ambiguous';

export interface Nlq {
  id: number;
  question: string;
  stage: string;
  status: NlqStatus | string;
  /** Where the question came from, e.g. {kind: "spider", file: "dev.json", index: 12, db_id}. */
  origin: Record<string, unknown> | null;
  target_values: string[] | null;
  database_id: number | null;
  database_name: string | null;
  created_at: string;
  candidate: Candidate | null;
  /** The candidate that is the question's gold SQL, once accepted. */
  gold_candidate_id?: number | null;
  /**
   * Blind annotation: others' SQL is withheld from an annotator who has not answered the question yet
   * (`candidate` is null in lists; the history lacks others' candidates, comparisons and reviews).
   */
  answers_hidden?: boolean;
  parent_id?: number | null;
}

/** A question a person writes (`POST /nlqs`); `stage` defaults to `human-seed`. */
export interface WrittenQuestion {
  database_id: number;
  question: string;
  sql?: string;
  stage?: string;
}

/** What `POST /nlqs/:nlq/check` says about SQL written for a question. */
export interface CheckResult {
  result: QueryResult;
  /** Against the question's stored SQL, when it has SQL that runs. */
  execution_match?: { match: boolean; reason: string; against_candidate: number } | null;
  /** Against the WikiTableQuestions answer, when the question has one. */
  answer_match?: { match: boolean; reason: string; answers: string[] | null } | null;
}

export interface TranslationReport {
  database_id: number;
  database_name: string;
  total: number;
  matched: number;
  mismatched: number;
  match_rate: number;
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

/** What the question list's filters can select, each value with how many questions it selects. */
export interface NlqFacets {
  statuses: Record<string, number>;
  stages: Record<string, number>;
  origins: Record<string, number>;
  error_types: Record<string, number>;
}

/** A candidate in a question's history: who wrote it (the importer, whoever started the agent). */
export interface HistoryCandidate extends Candidate {
  nlq_id?: number;
  agent_run_id?: number | null;
  pipeline_run_id?: number | null;
  warnings?: { rule: string; message: string }[] | null;
  created_at: string;
  author_id: number | null;
  author_email: string | null;
}

export interface HistoryAnnotation {
  id: number;
  item_id: number;
  nlq_id: number;
  user_id: number;
  email: string | null;
  candidate_id: number | null;
  skipped_reason: string | null;
  comment: string;
  guideline_version: number | null;
  elapsed_ms: number | null;
  created_at: string;
}

/**
 * Why two SQLs whose results were equal on the database still disagree: the first neighbour of the
 * database (the same tables with other rows) on which their results differ, with both results there.
 */
export interface NeighbourDetail {
  same?: boolean;
  /** "empty", "half", "other half", "doubled", "shifted", "boundary". */
  neighbour?: string;
  reason?: string;
  a?: QueryResult | null;
  b?: QueryResult | null;
  diff?: ResultDiff | null;
  /** Neighbours both queries ran on. */
  checked: number;
  skipped?: string[] | null;
}

export interface HistoryComparison {
  id: number;
  nlq_id: number;
  candidate_a_id: number;
  candidate_b_id: number;
  match: boolean;
  reason: string;
  /** Set when the results were equal on the database but a neighbour told them apart. */
  detail?: NeighbourDetail | null;
  guideline_version: number | null;
  created_at: string;
}

export interface HistoryReview {
  id: number;
  review_item_id: number;
  reviewer_id: number;
  reviewer_email: string | null;
  guideline_version: number | null;
  created_at: string;
  decision: string;
  /** With `accept`: the candidate accepted. */
  candidate_id?: number | null;
  error_type: string;
  rule_ids: string[] | null;
  comment: string;
  final_sql: string;
  question: string;
}

export interface HistoryReviewItem {
  id: number;
  nlq_id: number;
  reason: string;
  status: string;
  candidate_a_id: number | null;
  candidate_b_id: number | null;
  authors: number[] | null;
  claimed_by: number | null;
  lease_until: string | null;
  version: number;
  guideline_version: number | null;
  created_at: string;
  resolved_at: string | null;
  reviews: HistoryReview[];
}

/** An audit entry about the question, its annotation items or its review items. */
export interface HistoryEvent {
  id: number;
  at: string;
  action: string;
  actor_email: string | null;
  object_type: string;
  object_id: string;
  before: unknown;
  after: unknown;
}

/** Everything that happened to one question (`GET /nlqs/:nlq`), each list oldest first. */
export interface NlqHistory {
  nlq: Nlq;
  candidates: HistoryCandidate[];
  annotations: HistoryAnnotation[];
  comparisons: HistoryComparison[];
  review_items: HistoryReviewItem[];
  events: HistoryEvent[];
}

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
  writeQuestion: (projectId: string | number, body: WrittenQuestion) =>
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

export interface PurposeSettings {
  model?: string;
  temperature?: number;
  max_tokens?: number;
}

export interface ModelPrice {
  /** US dollars per million prompt tokens. */
  prompt: number;
  /** US dollars per million completion tokens. */
  completion: number;
}

export interface LlmSettings {
  base_url: string;
  model: string;
  embedding_model: string;
  temperature: number;
  max_tokens: number;
  /** Per request, in nanoseconds (0: the server's default). */
  timeout: number;
  max_retries: number;
  max_concurrency: number;
  tokens_per_minute: number;
  purposes?: Partial<Record<Purpose, PurposeSettings>> | null;
  prices?: Record<string, ModelPrice> | null;
}

export type KeySource = 'environment' | 'file' | 'none';

export interface ModelSettingsView {
  settings: LlmSettings;
  version: number;
  configured: boolean;
  key_source: KeySource;
  /** Settings that come from GOLDSET_LLM_* variables in the server's environment. */
  from_env: string[] | null;
}

export interface LlmCheck {
  ok: boolean;
  skipped?: boolean;
  error?: string;
  latency_ms: number;
  model?: string;
  dimension?: number;
}

export interface LlmTestReport {
  chat: LlmCheck;
  tool_calls: LlmCheck;
  embeddings: LlmCheck;
}

export type AgentRunStatus = 'running' | 'answered' | 'budget' | 'loop' | 'error' | 'cancelled';

export interface RuleWarning {
  rule: string;
  message: string;
}

export interface AgentStep {
  sample: number;
  index: number;
  kind: 'model' | 'tool' | string;
  /** The model's thoughts (a model turn). */
  content: string;
  tool: string;
  args: Record<string, unknown> | null;
  /** What the tool told the model. */
  result: string;
  sql: string;
  sql_result: ResultPreview | null;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  error: string;
  at: string;
}

export interface AgentRun {
  id: number;
  project_id?: number;
  database_id: number;
  nlq_id: number | null;
  pipeline_run_id: number | null;
  question: string;
  status: AgentRunStatus | string;
  stop_detail: string;
  sql: string;
  explanation: string;
  warnings: RuleWarning[] | null;
  confidence: number | null;
  samples: number;
  prompt_version: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  started_at: string;
  finished_at: string | null;
  steps?: AgentStep[] | null;
}

export type PipelineRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface AgentBatchParams {
  database_id?: number;
  stage?: string;
  status?: string;
  limit?: number;
  concurrency?: number;
  samples?: number;
}

/** The generating pipelines (docs/API.md), each started with `POST …/runs` `{kind, params}`. */
export const GENERATION_KINDS = ['complexity', 'semantic', 'paraphrase', 'qagen', 'table_metadata'] as const;
export type GenerationKind = (typeof GENERATION_KINDS)[number];

/** A generating run's parameters; every field optional (the server fills the defaults). */
export interface GenerationParams {
  from_stage?: string;
  stage?: string;
  database_id?: number;
  n?: number;
  seed?: number;
  methods?: string[];
  columns?: number;
  tables_per_chunk?: number;
  num?: number;
  sample_rows?: number;
  validate?: boolean;
  near_duplicate?: number;
  max_length?: number;
  concurrency?: number;
  annotate?: boolean;
}

/** Any run's parameters: an agent batch's, a generating run's, and `from_run` on the batch a generating run queued. */
export type RunParams = AgentBatchParams & GenerationParams & { pipeline?: string; from_run?: number };

/** What `POST …/runs/preview` renders: the prompt of the run's first item; nothing is stored. */
export interface RunPreview {
  pipeline: string;
  prompt_version: string;
  model: string;
  item: string;
  items: number;
  params: RunParams;
  messages: { role: string; content: string }[] | null;
  note?: string;
}

export interface PipelineRun {
  id: number;
  project_id?: number;
  kind: string;
  /** 1, 2, … per project and kind: what people call the run ("Evaluation #1"); the id is for URLs. */
  number?: number;
  params: RunParams | null;
  /** Generating pipelines: outputs kept as questions, and those dropped by reason. */
  kept?: number;
  dropped?: Record<string, number> | null;
  status: PipelineRunStatus | string;
  total: number;
  done: number;
  succeeded: number;
  failed: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  error: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  heartbeat_at: string | null;
}

export interface RunAccuracy {
  items: number;
  answered: number;
  evaluated: number;
  matched: number;
  accuracy: number;
}

export interface RunLogLine {
  id: number;
  at: string;
  level: string;
  message: string;
}

export interface LlmCall {
  id: number;
  at: string;
  purpose: string;
  model: string;
  run_kind: string;
  run_id: number | null;
  item_key: string;
  request?: unknown;
  response?: unknown;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  attempts: number;
  cached: boolean;
  error: string;
  cost_usd: number;
}

export interface LlmUsage {
  calls: number;
  cached_calls: number;
  failed_calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
}

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
  startAgentBatch: (projectId: string | number, params: AgentBatchParams) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/runs`, { body: { kind: 'agent', params } }),
  startGeneration: (projectId: string | number, kind: GenerationKind, params: GenerationParams) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/runs`, { body: { kind, params } }),
  previewGeneration: async (projectId: string | number, kind: GenerationKind, params: GenerationParams) => {
    const res = await request<{ preview: RunPreview }>('POST', `${projectPath(projectId)}/runs/preview`, { body: { kind, params } });
    return { preview: { ...res.preview, messages: res.preview.messages ?? [] } };
  },
  getRun: (projectId: string | number, runId: string | number) =>
    request<{ run: PipelineRun; accuracy?: RunAccuracy | null }>('GET', `${projectPath(projectId)}/runs/${enc(runId)}`),
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
