// How questions (NLQs) read on every screen: status names and colours, where a question came from,
// and the list filters as they live in the URL.
import type { Nlq, NlqFilter } from './api';

export const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  needs_review: 'Needs review',
  accepted: 'Accepted',
  rejected: 'Rejected',
  ambiguous: 'Ambiguous',
};

export const STATUS_TONES: Record<string, string> = {
  new: 'info',
  needs_review: 'warning',
  accepted: 'success',
  rejected: 'danger',
  ambiguous: 'neutral',
};

export const statusLabel = (status: string) => STATUS_LABELS[status] ?? status.replace(/_/g, ' ');

/** Where a question came from, the way people cite it: "spider dev.json #12", "wtq nt-0". */
export function describeOrigin(origin: Nlq['origin']): string {
  if (!origin) return '—';
  const o = origin as Record<string, string | number | undefined>;
  switch (o.kind) {
    case 'spider':
      return `spider ${o.file ?? ''} #${o.index ?? '?'}`.replace(/\s+/g, ' ');
    case 'bird':
      return `bird ${o.file ?? ''} #${o.question_id ?? o.index ?? '?'}`.replace(/\s+/g, ' ');
    case 'wtq':
      return `wtq ${o.id ?? ''}`.trim();
    case 'csv':
      return `${o.file ?? 'csv'}${o.line !== undefined ? ` line ${o.line}` : ''}`;
    default:
      return o.kind ? String(o.kind) : JSON.stringify(origin);
  }
}

/** The list filters that live in the URL's query string (paging does not: it is per visit). */
export const FILTER_KEYS = ['q', 'status', 'stage', 'origin', 'database', 'error_type'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type NlqFilters = Partial<Record<FilterKey, string>>;

export function filtersFromParams(params: URLSearchParams): NlqFilters {
  const out: NlqFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k)?.trim();
    if (v) out[k] = v;
  }
  return out;
}

/** The filters as the list endpoint's query (database is an id there). */
export function toNlqFilter(f: NlqFilters): NlqFilter {
  return {
    q: f.q,
    status: f.status,
    stage: f.stage,
    origin: f.origin,
    database: f.database,
    error_type: f.error_type,
  };
}

/** What a blind annotator sees where others' SQL would be, before they annotate the question. */
export const HIDDEN_SQL = 'SQL hidden until you annotate this question (blind annotation).';
