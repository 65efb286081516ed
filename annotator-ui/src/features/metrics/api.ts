// The dataset metrics (docs/API.md, Metrics): the API calls,
// the types of a computation and its reports (the JSON of metrics.Report and store.MetricRun), and the
// arithmetic the Metrics tab shows (stage rows with their change against the first stage, the coverage
// heat map and its colour scale, the pattern long tail, clause shares, who computed what).
import { ApiError, request } from '../../shared/api';
import type * as api from '../../shared/api.gen';

const base = (projectId: string | number) => `/api/v1/projects/${encodeURIComponent(String(projectId))}/metrics`;

/** The name `embedding` carries when the vectors are the lexical fallback, not an embeddings model. */
export const LEXICAL_MODEL = 'lexical-char-ngram-v1';

export type MetricRunStatus = 'running' | 'succeeded' | 'failed';
export type MetricTrigger = 'manual' | 'pipeline' | 'cli';

export type { ClauseCounts, DuplicatePair, HardnessCounts, LengthBucket, PatternCount, TableUse } from '../../shared/api.gen';

// The server's types (shared/api.gen.ts) with Go's nil slices made arrays (or absent, where an older
// run has none), so screens never meet null; see normalizeReport.

/** One computation of a project's metrics (store.MetricRun). */
export type MetricRun = Omit<api.MetricRun, 'status' | 'trigger' | 'results'> & {
  /** 1, 2, … per project, when the server numbers computations; the id stands in otherwise. */
  number?: number;
  status: MetricRunStatus;
  trigger: MetricTrigger;
  /** Only on a single run: one report per stage, alone and cumulative. */
  results?: MetricResult[];
};

/** One stage's report: its own questions, or (cumulative) the dataset up to and including it. */
export type MetricResult = Omit<api.MetricResult, 'report'> & { report: MetricReport };

export type LengthDistribution = Omit<api.LengthDistribution, 'histogram'> & { histogram: api.LengthBucket[] };

/** One database's coverage (metrics.Coverage); `tables` is absent in older runs. */
export type DatabaseCoverage = Omit<api.DatabaseCoverage, 'unused_tables' | 'unused_columns' | 'tables'> & {
  unused_tables: string[];
  unused_columns: string[];
  tables?: api.TableUse[];
};

type ReportLists = 'lengths' | 'top_patterns' | 'pattern_counts' | 'unused_tables' | 'unused_columns' | 'near_duplicates' | 'databases';

/** Every metric of one set of questions (metrics.Report); `pattern_counts` is absent in older runs. */
export type MetricReport = Omit<api.MetricReport, ReportLists> & {
  lengths: { words: LengthDistribution; chars: LengthDistribution };
  top_patterns: api.PatternCount[];
  pattern_counts?: number[];
  unused_tables: string[];
  unused_columns: string[];
  near_duplicates: api.DuplicatePair[];
  databases: DatabaseCoverage[];
};

/** A computation as the server sends it: its reports not yet normalized. */
type ServerRun = Omit<MetricRun, 'results'> & { results?: api.MetricResult[] | null };

const EMPTY_HARDNESS: api.HardnessCounts = { easy: 0, medium: 0, hard: 0, extra: 0, unparsed: 0 };
const EMPTY_DISTRIBUTION: LengthDistribution = { count: 0, min: 0, max: 0, mean: 0, median: 0, p90: 0, histogram: [] };

function normalizeDistribution(d: api.LengthDistribution | null | undefined): LengthDistribution {
  return d ? { ...d, histogram: d.histogram ?? [] } : EMPTY_DISTRIBUTION;
}

/** Go's nil slices arrive as null: screens always get arrays. */
export function normalizeReport(r: api.MetricReport): MetricReport {
  return {
    ...r,
    hardness: { ...EMPTY_HARDNESS, ...r.hardness },
    clauses: r.clauses ?? ({ queries: 0 } as api.ClauseCounts),
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

function normalizeRun({ results, ...run }: ServerRun): MetricRun {
  return results ? { ...run, results: results.map((r) => ({ ...r, report: normalizeReport(r.report) })) } : run;
}

export const metricsApi = {
  /** The newest computation that succeeded, with its results; null before the first. */
  latest: async (projectId: string | number): Promise<MetricRun | null> => {
    try {
      const res = await request<{ run: ServerRun }>('GET', base(projectId));
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
    const res = await request<{ run: ServerRun }>('GET', `${base(projectId)}/runs/${runId}`);
    return normalizeRun(res.run);
  },
  /** Starts a computation (leads); 409 while another of the project runs. */
  compute: async (projectId: string | number, body: { embedding?: 'lexical' }): Promise<MetricRun> => {
    const res = await request<{ run: MetricRun }>('POST', `${base(projectId)}/runs`, { body });
    return res.run;
  },
};
