// The figures per stage as the Metrics tab shows them: the study's metrics with their direction, the
// rows and their change against the first stage, pattern counts, clause shares and the coverage heat
// map.
import type { ClauseCounts, MetricReport, MetricResult } from './api';

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
