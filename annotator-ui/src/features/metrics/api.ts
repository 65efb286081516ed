// The dataset metrics (docs/API.md, Metrics): the API calls,
// the types of a computation and its reports (the JSON of metrics.Report and store.MetricRun), and the
// arithmetic the Metrics tab shows (stage rows with their change against the first stage, the coverage
// heat map and its colour scale, the pattern long tail, clause shares, who computed what).
import type { ClauseCounts, HardnessCounts, LengthDistribution, MetricReport, MetricRun } from '../../shared/api.gen';
export type { ClauseCounts, DatabaseCoverage, DuplicatePair, HardnessCounts, LengthBucket, LengthDistribution, MetricReport, MetricResult, MetricRun, PatternCount, TableUse } from '../../shared/api.gen';
import { ApiError, request } from '../../shared/api';

const base = (projectId: string | number) => `/api/v1/projects/${encodeURIComponent(String(projectId))}/metrics`;

/** The name `embedding` carries when the vectors are the lexical fallback, not an embeddings model. */
export const LEXICAL_MODEL = 'lexical-char-ngram-v1';

export type MetricRunStatus = 'running' | 'succeeded' | 'failed';
export type MetricTrigger = 'manual' | 'pipeline' | 'cli';

const EMPTY_HARDNESS: HardnessCounts = { easy: 0, medium: 0, hard: 0, extra: 0, unparsed: 0 };
const EMPTY_DISTRIBUTION: LengthDistribution = { count: 0, min: 0, max: 0, mean: 0, median: 0, p90: 0, histogram: [] };

function normalizeDistribution(d: LengthDistribution | null | undefined): LengthDistribution {
  return d ? { ...d, histogram: d.histogram ?? [] } : EMPTY_DISTRIBUTION;
}

/** Go's nil slices arrive as null: screens always get arrays. */
export function normalizeReport(r: MetricReport): MetricReport {
  return {
    ...r,
    hardness: { ...EMPTY_HARDNESS, ...r.hardness },
    clauses: r.clauses ?? ({ queries: 0 } as ClauseCounts),
    lengths: { words: normalizeDistribution(r.lengths?.words), chars: normalizeDistribution(r.lengths?.chars) },
    top_patterns: r.top_patterns ?? [],
    pattern_counts: r.pattern_counts ?? undefined,
    unused_tables: r.unused_tables ?? [],
    unused_columns: r.unused_columns ?? [],
    near_duplicates: r.near_duplicates ?? [],
    databases: (r.databases ?? []).map((d) => ({
      ...d,
      unused_tables: d.unused_tables ?? [],
      unused_columns: d.unused_columns ?? [],
      tables: d.tables ?? undefined,
    })),
  };
}

function normalizeRun(run: MetricRun): MetricRun {
  return run.results ? { ...run, results: run.results.map((r) => ({ ...r, report: normalizeReport(r.report) })) } : run;
}

export const metricsApi = {
  /** The newest computation that succeeded, with its results; null before the first. */
  latest: async (projectId: string | number): Promise<MetricRun | null> => {
    try {
      const res = await request<{ run: MetricRun }>('GET', base(projectId));
      return normalizeRun(res.run);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }
  },
  /** Every computation, newest first, without results. */
  runs: async (projectId: string | number): Promise<MetricRun[]> => {
    const res = await request<{ runs: MetricRun[] | null }>('GET', `${base(projectId)}/runs`);
    return res.runs ?? [];
  },
  run: async (projectId: string | number, runId: number): Promise<MetricRun> => {
    const res = await request<{ run: MetricRun }>('GET', `${base(projectId)}/runs/${runId}`);
    return normalizeRun(res.run);
  },
  /** Starts a computation (leads); 409 while another of the project runs. */
  compute: async (projectId: string | number, body: { embedding?: 'lexical' }): Promise<MetricRun> => {
    const res = await request<{ run: MetricRun }>('POST', `${base(projectId)}/runs`, { body });
    return res.run;
  },
};
