// The annotation and review API, each call a thin typed wrapper over request.
import { request } from '../api';
import { type Policy, type PolicyChanges, type PlanResult, type AnnotationItem, type AnnotationTask, type SubmitResult, type SkipReason, type AnnotatorStatus } from './annotation';
import { type ReviewItem, type DecisionBody } from './review';

const base = (projectId: string | number) => `/api/v1/projects/${encodeURIComponent(String(projectId))}`;
const enc = (v: string | number) => encodeURIComponent(String(v));

export const loopApi = {
  getPolicy: (projectId: string | number) => request<{ policy: Policy }>('GET', `${base(projectId)}/policy`),
  savePolicy: (projectId: string | number, body: PolicyChanges & { version: number }) =>
    request<{ policy: Policy }>('PUT', `${base(projectId)}/policy`, { body }),
  plan: (projectId: string | number, body: { database_id?: number; stage?: string; share?: number }) =>
    request<PlanResult>('POST', `${base(projectId)}/annotation/plan`, { body }),

  /** The next annotation item (claimed for you), or null when there is nothing to annotate (204). */
  nextAnnotation: async (projectId: string | number) =>
    (await request<AnnotationTask | undefined>('POST', `${base(projectId)}/annotation/next`)) ?? null,
  submitAnnotation: (projectId: string | number, itemId: number, body: { version: number; sql: string; elapsed_ms?: number; comment?: string }) =>
    request<SubmitResult>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/submit`, { body }),
  skipAnnotation: (projectId: string | number, itemId: number, body: { version: number; reason: SkipReason; comment?: string }) =>
    request<{ annotation: unknown }>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/skip`, { body }),
  releaseAnnotation: (projectId: string | number, itemId: number) =>
    request<void>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/release`),
  /** How far the project's annotation has come, and the caller's recent answers. */
  annotatorStatus: async (projectId: string | number) => {
    const st = await request<AnnotatorStatus>('GET', `${base(projectId)}/annotation/status`);
    return { ...st, recent: st.recent ?? [] };
  },
  /** Takes back an answer nobody acted on yet: the item is the caller's claim again. */
  reopenAnnotation: (projectId: string | number, itemId: number) =>
    request<{ item: AnnotationItem }>('POST', `${base(projectId)}/annotation/items/${enc(itemId)}/reopen`),

  /** The next review item (claimed for you), or null when there is nothing to review (204). */
  nextReview: async (projectId: string | number) =>
    (await request<{ item: ReviewItem } | undefined>('POST', `${base(projectId)}/review/next`))?.item ?? null,
  releaseReview: (projectId: string | number, itemId: number) =>
    request<void>('POST', `${base(projectId)}/review/items/${enc(itemId)}/release`),
  decide: (projectId: string | number, itemId: number, body: DecisionBody) =>
    request<{ review: unknown }>('POST', `${base(projectId)}/review/items/${enc(itemId)}/decision`, { body }),
};
