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


/**
 * How long a computation may say "running" before it is taken for the work of a stopped server (the
 * server marks such runs failed when the next one starts; pipelines.abandonedAfter).
 */
export const ABANDONED_AFTER_MS = 30 * 60_000;

/**
 * The newest computation still running in a newest-first list, if any; one running for longer than
 * ABANDONED_AFTER_MS is not waited for, so it cannot block a new computation.
 */
export function newestRunning(runs: MetricRun[], now = Date.now()): MetricRun | null {
  return runs.find((r) => r.status === 'running' && now - new Date(r.created_at).getTime() < ABANDONED_AFTER_MS) ?? null;
}

/** What the embedding name means, in words nobody can mistake. */
export function describeEmbedding(name: string): { lexical: boolean; text: string } {
  if (!name) return { lexical: false, text: 'not recorded' };
  if (name === LEXICAL_MODEL) {
    return { lexical: true, text: 'lexical fallback (hashed character n-grams), not a semantic embedding model' };
  }
  return { lexical: false, text: `embeddings model ${name}` };
}

/** The first 12 hex digits of an inputs hash: enough to tell two computations apart at a glance. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}

/** Who or what started a computation: "you", a member's email, "user #7", a pipeline run, the CLI. */
export function startedBy(run: Pick<MetricRun, 'trigger' | 'started_by' | 'pipeline_run_id'>, meId: number, emails: Map<number, string>): string {
  const person = run.started_by === null ? null : run.started_by === meId ? 'you' : (emails.get(run.started_by) ?? `user #${run.started_by}`);
  switch (run.trigger) {
    case 'pipeline':
      return run.pipeline_run_id !== null ? `after pipeline run #${run.pipeline_run_id}` : 'after a pipeline run';
    case 'cli':
      return person ? `${person}, from the command line` : 'from the command line';
    default:
      return person ?? 'the system';
  }
}

export const TRIGGER_LABELS: Record<string, string> = { manual: 'On demand', pipeline: 'After a pipeline', cli: 'Command line' };

/**
 * The change from `base` to `value` in percent of `base` (the study's "% change against the first
 * stage"); null when the base is zero and the value is not (no finite change) or either is missing.
 */
export function percentChange(value: number | null | undefined, baseValue: number | null | undefined): number | null {
  if (value == null || baseValue == null || !Number.isFinite(value) || !Number.isFinite(baseValue)) return null;
  if (baseValue === 0) return value === 0 ? 0 : null;
  return ((value - baseValue) / Math.abs(baseValue)) * 100;
}

/** A column of the stage table that has a % change: its figure, and which way is better. */
export interface StageMetric {
  key: 'nlqs' | 'mean_cosine' | 'tables' | 'columns' | 'unique_patterns' | 'entropy_bits' | 'evenness';
  label: string;
  value: (r: MetricReport) => number;
  /** A lower mean cosine means more varied questions. */
  goodWhen: 'up' | 'down';
}

export const STAGE_METRICS: StageMetric[] = [
  { key: 'nlqs', label: 'NLQs', value: (r) => r.nlqs, goodWhen: 'up' },
  { key: 'mean_cosine', label: 'Mean cosine similarity', value: (r) => r.mean_cosine, goodWhen: 'down' },
  { key: 'tables', label: 'Table coverage', value: (r) => r.tables_used, goodWhen: 'up' },
  { key: 'columns', label: 'Column coverage', value: (r) => r.columns_used, goodWhen: 'up' },
  { key: 'unique_patterns', label: 'Unique patterns', value: (r) => r.unique_patterns, goodWhen: 'up' },
  { key: 'entropy_bits', label: 'Entropy (bits)', value: (r) => r.entropy_bits, goodWhen: 'up' },
  { key: 'evenness', label: 'Evenness', value: (r) => r.evenness, goodWhen: 'up' },
];

export interface StageRow {
  key: string;
  position: number;
  stage: string;
  cumulative: boolean;
  report: MetricReport;
  /** % change of each STAGE_METRICS figure against the first row; null on the first row. */
  change: Record<StageMetric['key'], number | null>;
}

/** The table's rows: one per stage in position order, cumulative or each stage alone. */
export function stageRows(results: MetricResult[], cumulative: boolean): StageRow[] {
  const rows = results.filter((r) => r.cumulative === cumulative).sort((a, b) => a.position - b.position);
  const first = rows[0]?.report;
  return rows.map((r, i) => {
    const change = {} as StageRow['change'];
    for (const m of STAGE_METRICS) change[m.key] = i === 0 || !first ? null : percentChange(m.value(r.report), m.value(first));
    return { key: `${r.position}-${cumulative ? 'c' : 's'}`, position: r.position, stage: r.stage, cumulative, report: r.report, change };
  });
}

/** A stage's name as shown ("" is questions without a stage). */
export const stageName = (stage: string) => stage || '(no stage)';

/** The counts of every pattern, most frequent first; older runs only have the top ones. */
export function patternCounts(report: MetricReport): { counts: number[]; complete: boolean } {
  if (report.pattern_counts) return { counts: [...report.pattern_counts].sort((a, b) => b - a), complete: true };
  return { counts: report.top_patterns.map((p) => p.count).sort((a, b) => b - a), complete: report.top_patterns.length >= report.unique_patterns };
}

export const CLAUSES: { key: Exclude<keyof ClauseCounts, 'queries'>; label: string }[] = [
  { key: 'join', label: 'Joins' },
  { key: 'where', label: 'WHERE' },
  { key: 'group_by', label: 'GROUP BY' },
  { key: 'having', label: 'HAVING' },
  { key: 'aggregate', label: 'Aggregates' },
  { key: 'subquery', label: 'Subqueries' },
  { key: 'window', label: 'Window functions' },
  { key: 'set_op', label: 'Set operations' },
  { key: 'cte', label: 'CTEs (WITH)' },
  { key: 'order_by', label: 'ORDER BY' },
  { key: 'limit', label: 'LIMIT' },
  { key: 'distinct', label: 'DISTINCT' },
  { key: 'case', label: 'CASE' },
];

/** Each clause with the queries that use it and their share of the queries that parsed. */
export function clauseRows(c: ClauseCounts): { key: string; label: string; count: number; share: number }[] {
  return CLAUSES.map(({ key, label }) => {
    const count = c[key] ?? 0;
    return { key, label, count, share: c.queries > 0 ? count / c.queries : 0 };
  });
}

export const HARDNESS_LEVELS = [
  { key: 'easy', label: 'Easy' },
  { key: 'medium', label: 'Medium' },
  { key: 'hard', label: 'Hard' },
  { key: 'extra', label: 'Extra hard' },
] as const;

// ---------- Coverage heat map ----------

/** One table's row: per stage, the queries that use it (null when only "used" is known). */
export interface HeatRow {
  database: string;
  table: string;
  cells: { count: number | null; used: boolean }[];
}

export interface CoverageHeat {
  stages: string[];
  rows: HeatRow[];
  max: number;
  /** false: an older run without per-table counts; cells only say used or unused. */
  counts: boolean;
  /** Per database, tables never listed as unused in an older run, so unnamed (used at every stage). */
  unnamed: { database: string; tables: number }[];
}

/**
 * The heat map over tables (rows, by database) and stages (columns) from the stage rows. With per-table
 * counts every table is a row; an older run names only unused tables, so a table is "used" at a stage
 * where it is not listed as unused, and tables never unused anywhere are counted, not named.
 */
export function coverageHeat(rows: StageRow[]): CoverageHeat {
  const stages = rows.map((r) => stageName(r.stage));
  const counts = rows.length > 0 && rows.every((r) => r.report.databases.every((d) => d.tables !== undefined));
  const order: string[] = [];
  const byKey = new Map<string, HeatRow>();
  const totals = new Map<string, number>();
  const rowFor = (database: string, table: string) => {
    const key = `${database}\u0000${table}`;
    let row = byKey.get(key);
    if (!row) {
      row = { database, table, cells: rows.map(() => ({ count: counts ? 0 : null, used: !counts })) };
      byKey.set(key, row);
      order.push(key);
    }
    return row;
  };
  let max = 0;
  rows.forEach((r, i) => {
    for (const d of r.report.databases) {
      const db = d.database ?? '';
      totals.set(db, Math.max(totals.get(db) ?? 0, d.tables_total));
      if (counts) {
        for (const t of d.tables ?? []) {
          rowFor(db, t.table).cells[i] = { count: t.queries, used: t.queries > 0 };
          max = Math.max(max, t.queries);
        }
      } else {
        for (const t of d.unused_tables) rowFor(db, t);
      }
    }
  });
  if (!counts) {
    // A named table is unused where it is listed, used elsewhere — where its database was measured.
    rows.forEach((r, i) => {
      const measured = new Map(r.report.databases.map((d) => [d.database ?? '', new Set(d.unused_tables)]));
      for (const key of order) {
        const row = byKey.get(key)!;
        const unused = measured.get(row.database);
        row.cells[i] = { count: null, used: unused !== undefined && !unused.has(row.table) };
      }
    });
  }
  const out = order.map((k) => byKey.get(k)!);
  const unnamed = counts
    ? []
    : [...totals].map(([database, total]) => ({ database, tables: total - out.filter((r) => r.database === database).length })).filter((u) => u.tables > 0);
  return { stages, rows: out, max, counts, unnamed };
}

/** What people call a computation: "Computation #3". */
export const computationName = (r: Pick<MetricRun, 'id' | 'number'>) => `Computation #${r.number ?? r.id}`;
