// Metric computations as the API answers them, for the Metrics tab's tests: a project with two stages
// (human seeds, then paraphrases) over one database of four tables.
import { LEXICAL_MODEL, type MetricReport, type MetricResult, type MetricRun } from '../features/metrics/api';
import { factory } from './factory';

// The set's one database: its coverage is the whole set's.
const coverage = {
  tables_used: 1,
  tables_total: 4,
  table_share: 0.25,
  columns_used: 4,
  columns_total: 20,
  column_share: 0.2,
  unused_tables: ['stadium', 'concert', 'singer_in_concert'],
  unused_columns: ['stadium.capacity', 'concert.year'],
};

export const report = factory<MetricReport>(() => ({
  nlqs: 3,
  embedding: LEXICAL_MODEL,
  mean_cosine: 0.4,
  ...coverage,
  unique_patterns: 2,
  entropy_bits: 0.918,
  evenness: 0.918,
  hardness: { easy: 1, medium: 2, hard: 0, extra: 0, unparsed: 0 },
  clauses: { queries: 3, join: 0, where: 1, group_by: 1, having: 0, aggregate: 1, subquery: 0, window: 0, set_op: 0, cte: 0, order_by: 1, limit: 0, distinct: 1, case: 0 },
  lengths: {
    words: { count: 3, min: 9, max: 16, mean: 12.3, median: 12, p90: 15.2, histogram: [{ from: 6, to: 10, count: 1 }, { from: 11, to: 15, count: 1 }, { from: 16, to: 20, count: 1 }] },
    chars: { count: 3, min: 50, max: 90, mean: 70, median: 70, p90: 86, histogram: [] },
  },
  top_patterns: [
    { pattern: 'SELECT col, col FROM tab ORDER BY col DESC', count: 2, share: 2 / 3, example: 'SELECT name, age FROM singer ORDER BY age DESC' },
    { pattern: 'SELECT DISTINCT col FROM tab WHERE col > val', count: 1, share: 1 / 3, example: 'SELECT DISTINCT country FROM singer WHERE age > 20' },
  ],
  pattern_counts: [2, 1],
  near_duplicates: [{ a: 0, b: 2, id_a: '11', id_b: '13', cosine: 0.971, question_a: 'How many singers are there?', question_b: 'How many singers are there in total?' }],
  near_duplicate_pairs: 1,
  near_duplicates_searched: true,
  near_duplicates_complete: true,
  near_duplicate_threshold: 0.95,
  embeddings_skipped: 0,
  without_sql: 0,
  without_schema: 0,
  databases: [
    {
      database: 'concert_singer',
      queries: 3,
      ...coverage,
      tables: [
        { table: 'stadium', queries: 0 },
        { table: 'singer', queries: 3 },
        { table: 'concert', queries: 0 },
        { table: 'singer_in_concert', queries: 0 },
      ],
    },
  ],
}));

/** The dataset after the paraphrase stage: more questions, one more table, more patterns. */
export const grown = report({
  nlqs: 5,
  mean_cosine: 0.42,
  tables_used: 2,
  table_share: 0.5,
  columns_used: 6,
  column_share: 0.3,
  unique_patterns: 3,
  entropy_bits: 1.522,
  evenness: 0.96,
  hardness: { easy: 2, medium: 2, hard: 1, extra: 0, unparsed: 0 },
  pattern_counts: [2, 2, 1],
  unused_tables: ['stadium', 'singer_in_concert'],
  databases: [
    {
      ...report().databases[0],
      queries: 5,
      tables_used: 2,
      unused_tables: ['stadium', 'singer_in_concert'],
      tables: [
        { table: 'stadium', queries: 0 },
        { table: 'singer', queries: 4 },
        { table: 'concert', queries: 1 },
        { table: 'singer_in_concert', queries: 0 },
      ],
    },
  ],
});

const paraphrases = report({ nlqs: 2, mean_cosine: 0.3, tables_used: 2, table_share: 0.5, unique_patterns: 2, entropy_bits: 1, evenness: 1 });

export const results: MetricResult[] = [
  // Out of order on purpose: the table sorts by position.
  { position: 1, stage: 'paraphrase', cumulative: true, nlqs: 5, report: grown },
  { position: 0, stage: 'human-seed', cumulative: false, nlqs: 3, report: report() },
  { position: 0, stage: 'human-seed', cumulative: true, nlqs: 3, report: report() },
  { position: 1, stage: 'paraphrase', cumulative: false, nlqs: 2, report: paraphrases },
];

export const metricRun = factory<MetricRun>(() => ({
  id: 5,
  project_id: 42,
  status: 'succeeded',
  trigger: 'manual',
  pipeline_run_id: null,
  stage: null,
  embedding: LEXICAL_MODEL,
  params: {},
  error: '',
  nlqs: 5,
  inputs_hash: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  started_by: 7,
  created_at: '2025-03-01T10:00:00Z',
  finished_at: '2025-03-01T10:00:02Z',
}));
