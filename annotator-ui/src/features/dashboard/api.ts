// What leads and reviewers read about a project's loop (docs/API.md "Cycles" and "Progress"): the API
// calls and the arithmetic the dashboard shows (change from one cycle to the next, totals, order).
import type { BatchRecall, Cycle, Progress } from '../../shared/api.gen';
export type { AnnotatorProgress, Cycle, Progress, QueueSizes, StageProgress } from '../../shared/api.gen';
import { request } from '../../shared/api';
import { rateChange, wilson, type Interval } from '../../shared/interval';

const base = (projectId: string | number) => `/api/v1/projects/${encodeURIComponent(String(projectId))}`;

const counts = (m: Record<string, number> | null | undefined) => m ?? {};

export const dashboardApi = {
  cycles: async (projectId: string | number): Promise<Cycle[]> => {
    const res = await request<{ cycles: Cycle[] | null }>('GET', `${base(projectId)}/cycles`);
    return (res.cycles ?? []).map((c) => ({
      ...c,
      by_decision: counts(c.by_decision),
      by_error_type: counts(c.by_error_type),
      by_rule: counts(c.by_rule),
    }));
  },
  progress: async (projectId: string | number): Promise<Progress> => {
    const res = await request<Progress>('GET', `${base(projectId)}/progress`);
    return {
      stages: (res.stages ?? []).map((s) => ({ ...s, by_status: counts(s.by_status) })),
      annotators: res.annotators ?? [],
      queues: res.queues,
    };
  },
  /** The schema recall of the newest agent batches, oldest first. */
  recall: async (projectId: string | number): Promise<BatchRecall[]> => {
    const res = await request<{ batches: BatchRecall[] | null }>('GET', `${base(projectId)}/retrieval/batches`);
    return res.batches ?? [];
  },
};


/** "v3"; version 0 is the work done before the first guideline was saved. */
export const cycleName = (version: number) => `v${version}`;

/** A cycle's disagreement rate with its 95% Wilson interval and n (the comparisons). */
export const disagreementInterval = (c: Cycle): Interval => wilson(c.disagreed, c.compared);
/** A cycle's agreement rate with its 95% Wilson interval and n. */
export const agreementInterval = (c: Cycle): Interval => wilson(c.agreed, c.compared);

/**
 * A change in a rate between two measurements: "better" or "worse" only when their 95% intervals do
 * not overlap, otherwise "unclear" (the difference is within what chance gives at these sizes).
 */
export interface RateChange {
  verdict: 'better' | 'worse' | 'unclear';
  before: Interval;
  after: Interval;
  /** The difference in percentage points (after − before). */
  points: number;
}

export function judgeChange(before: Interval, after: Interval, goodWhen: 'up' | 'down'): RateChange {
  const dir = rateChange(before, after);
  const points = (after.rate - before.rate) * 100;
  const verdict = dir === 'unclear' ? 'unclear' : (dir === goodWhen ? 'better' : 'worse');
  return { verdict, before, after, points };
}

/**
 * The change in disagreement from the cycle before; null when either cycle compared nothing (a rate
 * of nothing is no evidence either way).
 */
export function disagreementChange(cycles: Cycle[], i: number): RateChange | null {
  const cur = cycles[i];
  const prev = cycles[i - 1];
  if (!cur || !prev || cur.compared === 0 || prev.compared === 0) return null;
  return judgeChange(disagreementInterval(prev), disagreementInterval(cur), 'down');
}

/** The newest cycle with comparisons and the one with comparisons before it: did the last change help? */
export function latestComparison(cycles: Cycle[]): { current: Cycle; previous: Cycle | null } | null {
  const measured = cycles.filter((c) => c.compared > 0);
  if (measured.length === 0) return null;
  return { current: measured[measured.length - 1], previous: measured[measured.length - 2] ?? null };
}

/** A count map's entries, largest first (ties by name). */
export function byCount(m: Record<string, number>): [string, number][] {
  return Object.entries(m)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], undefined, { numeric: true }));
}

/** Every key used across the cycles' maps, most used overall first. */
export function seriesKeys(cycles: Cycle[], pick: (c: Cycle) => Record<string, number>): string[] {
  const total: Record<string, number> = {};
  for (const c of cycles) for (const [k, n] of Object.entries(pick(c))) total[k] = (total[k] ?? 0) + n;
  return byCount(total).map(([k]) => k);
}

/** 0.125 → "12.5%"; whole numbers without a decimal. */
export function formatRate(rate: number): string {
  const pct = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`;
}
