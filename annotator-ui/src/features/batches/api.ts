// Requests of the batch pages that shared/api.ts does not make.
import { request, type AgentRunStatus, type BatchItems } from '../../shared/api';

/** Trajectories on one page of a batch's items. */
export const BATCH_ITEMS_PAGE = 50;

const enc = (v: string | number) => encodeURIComponent(String(v));

export interface BatchItemsQuery {
  outcome?: AgentRunStatus | '';
  /** The cursor: the id of the last trajectory of the previous page (0 or absent: the first page). */
  after?: number;
  limit?: number;
}

export const batchApi = {
  /** A page of the batch's trajectories in the order they started, with the batch's counts by outcome. */
  items: async (projectId: string | number, runId: string | number, q: BatchItemsQuery = {}): Promise<BatchItems & { items: NonNullable<BatchItems['items']> }> => {
    const params = new URLSearchParams({ limit: String(q.limit ?? BATCH_ITEMS_PAGE) });
    if (q.outcome) params.set('outcome', q.outcome);
    if (q.after) params.set('after', String(q.after));
    const res = await request<BatchItems>('GET', `/api/v1/projects/${enc(projectId)}/runs/${enc(runId)}/items?${params}`);
    return { ...res, items: (res.items ?? []).map((r) => ({ ...r, warnings: r.warnings ?? [] })), outcomes: res.outcomes ?? {} };
  },
};
