// The golden-set API: snapshots, their audits and exports, prompt versions, evaluations and
// optimizations, each call a thin typed wrapper over request that turns null lists into [].
import { request, type PipelineRun } from '../api';
import { type SnapshotRequest, type Snapshot, type Pair, type SnapshotAudit, type SnapshotErrorRate, type AuditParams, type SnapshotDiff, type ExportRecord } from './snapshots';
import { type PromptTemplate } from './prompts';
import { type EvalStart, type Evaluation, type EvalResult } from './evaluations';
import { type OptStart, type OptReport, type OptSummary } from './optimizations';

const enc = encodeURIComponent;
const projectPath = (projectId: string | number) => `/api/v1/projects/${enc(projectId)}`;

function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The download address of a snapshot in one format and split. A plain GET: the session cookie goes
 * with it (SameSite=Strict is same-site here) and GETs need no CSRF token, so a link downloads it.
 */
export function exportUrl(projectId: string | number, snapshotId: number, format: string, split: string): string {
  return `${projectPath(projectId)}/snapshots/${enc(snapshotId)}/export?format=${enc(format)}&split=${enc(split)}`;
}

// ---- Calls ----

const arr = <T>(v: T[] | null | undefined): T[] => v ?? [];

export const goldenApi = {
  listSnapshots: async (projectId: string | number) => {
    const res = await request<{ snapshots: Snapshot[] | null }>('GET', `${projectPath(projectId)}/snapshots`);
    return arr(res.snapshots);
  },
  getSnapshot: async (projectId: string | number, id: string | number) =>
    (await request<{ snapshot: Snapshot }>('GET', `${projectPath(projectId)}/snapshots/${enc(id)}`)).snapshot,
  createSnapshot: async (projectId: string | number, body: SnapshotRequest) =>
    (await request<{ snapshot: Snapshot }>('POST', `${projectPath(projectId)}/snapshots`, { body })).snapshot,
  pairs: async (projectId: string | number, id: string | number, split: string, after?: number | null, limit = 50) => {
    const res = await request<{ pairs: Pair[] | null; next_after: number | null }>(
      'GET',
      `${projectPath(projectId)}/snapshots/${enc(id)}/pairs${query({ split, after: after ?? undefined, limit })}`,
    );
    return { pairs: arr(res.pairs), next_after: res.next_after ?? null };
  },
  errorRate: async (projectId: string | number, id: string | number): Promise<SnapshotErrorRate> => {
    const res = await request<SnapshotErrorRate>('GET', `${projectPath(projectId)}/snapshots/${enc(id)}/error-rate`);
    const e = res.error_rate;
    return {
      error_rate: {
        ...e,
        strata: arr(e.strata),
        by_source: arr(e.by_source),
        by_author: arr(e.by_author),
        by_database: arr(e.by_database),
        by_error_type: e.by_error_type ?? {},
      },
      audits: arr(res.audits),
      queue: res.queue ?? { pending: 0, claimed: 0, resolved: 0 },
    };
  },
  startAudit: async (projectId: string | number, id: string | number, body: AuditParams) =>
    (await request<{ audit: SnapshotAudit }>('POST', `${projectPath(projectId)}/snapshots/${enc(id)}/audits`, { body })).audit,
  compare: async (projectId: string | number, a: string | number, b: string | number) =>
    (await request<{ diff: SnapshotDiff }>('GET', `${projectPath(projectId)}/snapshots/compare${query({ a, b })}`)).diff,
  acceptImported: async (projectId: string | number, databaseId?: number) =>
    (await request<{ accepted: number }>('POST', `${projectPath(projectId)}/nlqs/accept-imported`, {
      body: databaseId ? { database_id: databaseId } : {},
    })).accepted,
  listExports: async (projectId: string | number) =>
    arr((await request<{ exports: ExportRecord[] | null }>('GET', `${projectPath(projectId)}/exports`)).exports),

  prompts: async (projectId: string | number) => {
    const res = await request<{ current: PromptTemplate; versions: PromptTemplate[] | null }>('GET', `${projectPath(projectId)}/prompts`);
    return { current: res.current, versions: arr(res.versions) };
  },
  savePrompt: async (projectId: string | number, body: { body: string; note?: string }) =>
    (await request<{ prompt: PromptTemplate }>('POST', `${projectPath(projectId)}/prompts`, { body })).prompt,

  startEvaluation: (projectId: string | number, body: EvalStart) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/evaluations`, { body }),
  listEvaluations: async (projectId: string | number) =>
    arr((await request<{ evaluations: Evaluation[] | null }>('GET', `${projectPath(projectId)}/evaluations`)).evaluations),
  getEvaluation: (projectId: string | number, runId: string | number) =>
    request<Evaluation>('GET', `${projectPath(projectId)}/evaluations/${enc(runId)}`),
  evalResults: async (projectId: string | number, runId: string | number, outcome: string, after?: number | null, limit = 50) => {
    const res = await request<{ results: EvalResult[] | null; next_after: number | null }>(
      'GET',
      `${projectPath(projectId)}/evaluations/${enc(runId)}/results${query({ outcome, after: after ?? undefined, limit })}`,
    );
    return { results: arr(res.results), next_after: res.next_after ?? null };
  },

  startOptimization: (projectId: string | number, body: OptStart) =>
    request<{ run: PipelineRun }>('POST', `${projectPath(projectId)}/optimizations`, { body }),
  listOptimizations: async (projectId: string | number) =>
    arr((await request<{ optimizations: OptSummary[] | null }>('GET', `${projectPath(projectId)}/optimizations`)).optimizations),
  getOptimization: async (projectId: string | number, runId: string | number): Promise<OptReport> => {
    const res = await request<OptReport>('GET', `${projectPath(projectId)}/optimizations/${enc(runId)}`);
    return { ...res, candidates: arr(res.candidates), steps: arr(res.steps), diff: arr(res.diff) };
  },
  adopt: async (projectId: string | number, runId: string | number, candidateId?: number) =>
    (
      await request<{ prompt: PromptTemplate }>('POST', `${projectPath(projectId)}/optimizations/${enc(runId)}/adopt`, {
        body: candidateId ? { candidate_id: candidateId } : {},
      })
    ).prompt,
};
