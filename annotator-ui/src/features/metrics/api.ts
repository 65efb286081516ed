// The dataset metrics (docs/API.md, Metrics): the API calls,
// the types of a computation and its reports (the JSON of metrics.Report and store.MetricRun), and the
// arithmetic the Metrics tab shows (stage rows with their change against the first stage, the coverage
// heat map and its colour scale, the pattern long tail, clause shares, who computed what).
import { ApiError, request } from '../../shared/api';

const base = (projectId: string | number) => `/api/v1/projects/${encodeURIComponent(String(projectId))}/metrics`;

/** The name `embedding` carries when the vectors are the lexical fallback, not an embeddings model. */
export const LEXICAL_MODEL = 'lexical-char-ngram-v1';

export type MetricRunStatus = 'running' | 'succeeded' | 'failed';
export type MetricTrigger = 'manual' | 'pipeline' | 'cli';

/** One computation of a project's metrics (store.MetricRun). */
export interface MetricRun {
  id: number;
  /** 1, 2, … per project, when the server numbers computations; the id stands in otherwise. */
  number?: number;
  project_id: number;
  status: MetricRunStatus;
  trigger: MetricTrigger;
  pipeline_run_id: number | null;
  /** null: every stage (and the dataset up to each); else one stage's questions only. */
  stage: string | null;
  /** The embeddings model, or LEXICAL_MODEL; empty while running. */
  embedding: string;
  params: { stage?: string; embedding?: string } | null;
  /** Why it failed (e.g. the embeddings endpoint's error); empty otherwise. */
  error: string;
  nlqs: number;
  /** SHA-256 over every question, the candidate that stood for it, and the embedding model. */
  inputs_hash: string;
  started_by: number | null;
  created_at: string;
  finished_at: string | null;
  /** Only on a single run: one report per stage, alone and cumulative. */
  results?: MetricResult[];
}

/** One stage's report: its own questions, or (cumulative) the dataset up to and including it. */
export interface MetricResult {
  position: number;
  stage: string;
  cumulative: boolean;
  nlqs: number;
  report: MetricReport;
}

export interface HardnessCounts {
  easy: number;
  medium: number;
  hard: number;
  extra: number;
  /** SQL that is not one PostgreSQL query; in no other figure. */
  unparsed: number;
}

/** Queries using each clause (metrics.ClauseCounts); `queries` is how many parsed. */
export interface ClauseCounts {
  queries: number;
  join: number;
  where: number;
  group_by: number;
  having: number;
  aggregate: number;
  subquery: number;
  window: number;
  set_op: number;
  cte: number;
  order_by: number;
  limit: number;
  distinct: number;
  case: number;
}

/** Lengths from `from` to `to`, both included (metrics.Bucket). */
export interface LengthBucket {
  from: number;
  to: number;
  count: number;
}

export interface LengthDistribution {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p90: number;
  histogram: LengthBucket[];
}

export interface PatternCount {
  pattern: string;
  count: number;
  share: number;
  /** The first query that had the pattern. */
  example: string;
}

export interface DuplicatePair {
  a: number;
  b: number;
  /** The questions' ids (NLQ ids), when the computation knew them. */
  id_a?: string;
  id_b?: string;
  cosine: number;
  question_a: string;
  question_b: string;
}

/** How many queries of the set use one table. */
export interface TableUse {
  table: string;
  queries: number;
}

/** One database's coverage (metrics.Coverage). */
export interface DatabaseCoverage {
  database?: string;
  queries: number;
  tables_used: number;
  tables_total: number;
  table_share: number;
  columns_used: number;
  columns_total: number;
  column_share: number;
  unused_tables: string[];
  unused_columns: string[];
  /** Every table with the queries that use it (unused ones with 0); absent in older runs. */
  tables?: TableUse[];
}

/** Every metric of one set of questions (metrics.Report). */
export interface MetricReport {
  nlqs: number;
  embedding: string;
  mean_cosine: number;
  tables_used: number;
  tables_total: number;
  table_share: number;
  columns_used: number;
  columns_total: number;
  column_share: number;
  unique_patterns: number;
  entropy_bits: number;
  evenness: number;
  hardness: HardnessCounts;
  clauses: ClauseCounts;
  lengths: { words: LengthDistribution; chars: LengthDistribution };
  top_patterns: PatternCount[];
  /** The count of every pattern, most frequent first; absent in older runs. */
  pattern_counts?: number[];
  unused_tables: string[];
  unused_columns: string[];
  near_duplicates: DuplicatePair[];
  near_duplicate_pairs: number;
  near_duplicate_threshold: number;
  embeddings_skipped?: number;
  without_sql: number;
  without_schema: number;
  databases: DatabaseCoverage[];
}

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
