import { describe, expect, it } from 'vitest';
import { LEXICAL_MODEL, metricsApi, normalizeReport, type MetricReport } from './api';
import type { MetricReport as ServerReport } from '../../shared/api.gen';
import { describeEmbedding, newestRunning, shortHash, startedBy } from './computations';
import { clauseRows, coverageHeat, patternCounts, percentChange, stageRows } from './stages';
import { errorReply, mockApi } from '../../test/mockApi';
import { grown, metricRun, report, results } from '../../test/metricsFixtures';

describe('percent change against the first stage', () => {
  it('is the change in percent of the base, signed', () => {
    expect(percentChange(5, 4)).toBe(25);
    expect(percentChange(3, 4)).toBe(-25);
    expect(percentChange(0.42, 0.4)).toBeCloseTo(5);
  });

  it('is zero for nothing to nothing, and null where no finite change exists', () => {
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(3, 0)).toBeNull();
    expect(percentChange(null, 4)).toBeNull();
    expect(percentChange(3, undefined)).toBeNull();
    expect(percentChange(Number.NaN, 4)).toBeNull();
  });

  it('measures against the size of a negative base', () => {
    expect(percentChange(-1, -2)).toBe(50);
  });
});

describe('stage rows', () => {
  it('keeps the cumulative reports in position order, each with its change against the first', () => {
    const rows = stageRows(results, true);
    expect(rows.map((r) => r.stage)).toEqual(['human-seed', 'paraphrase']);
    expect(rows[0].change.nlqs).toBeNull();
    expect(rows[1].change.nlqs).toBeCloseTo(66.667, 2);
    expect(rows[1].change.tables).toBe(100);
    expect(rows[1].change.columns).toBe(50);
    expect(rows[1].change.unique_patterns).toBe(50);
    expect(rows[1].change.mean_cosine).toBeCloseTo(5);
  });

  it("gives each stage's own questions when asked", () => {
    const rows = stageRows(results, false);
    expect(rows.map((r) => [r.stage, r.report.nlqs])).toEqual([
      ['human-seed', 3],
      ['paraphrase', 2],
    ]);
    expect(rows[1].change.nlqs).toBeCloseTo(-33.333, 2);
  });

  it('is empty for a computation without such reports', () => {
    expect(stageRows(results.filter((r) => !r.cumulative), true)).toEqual([]);
  });
});

describe('coverage heat map', () => {
  it('has a row per table of each database and a column per stage, with the queries using it', () => {
    const heat = coverageHeat(stageRows(results, true));
    expect(heat.counts).toBe(true);
    expect(heat.stages).toEqual(['human-seed', 'paraphrase']);
    expect(heat.max).toBe(4);
    expect(heat.rows.map((r) => [r.table, r.cells.map((c) => c.count)])).toEqual([
      ['stadium', [0, 0]],
      ['singer', [3, 4]],
      ['concert', [0, 1]],
      ['singer_in_concert', [0, 0]],
    ]);
    expect(heat.unnamed).toEqual([]);
  });

  it('falls back to used or unused from the unused tables of an older run, counting the tables it cannot name', () => {
    const old = (r: MetricReport) => ({ ...r, databases: r.databases.map(({ tables: _tables, ...d }) => d) });
    const rows = stageRows(
      [
        { position: 0, stage: 'seed', cumulative: true, nlqs: 3, report: old(report()) },
        { position: 1, stage: 'more', cumulative: true, nlqs: 5, report: old(grown) },
      ],
      true,
    );
    const heat = coverageHeat(rows);
    expect(heat.counts).toBe(false);
    expect(heat.rows.map((r) => [r.table, r.cells.map((c) => c.used)])).toEqual([
      ['stadium', [false, false]],
      ['concert', [false, true]],
      ['singer_in_concert', [false, false]],
    ]);
    expect(heat.rows.every((r) => r.cells.every((c) => c.count === null))).toBe(true);
    // singer was never unused, so the run never named it.
    expect(heat.unnamed).toEqual([{ database: 'concert_singer', tables: 1 }]);
  });
});

describe('patterns, clauses and labels', () => {
  it('takes every pattern count when the run has them, else the top patterns', () => {
    expect(patternCounts(grown)).toEqual({ counts: [2, 2, 1], complete: true });
    const old = { ...grown, pattern_counts: undefined, unique_patterns: 5 };
    expect(patternCounts(old)).toEqual({ counts: [2, 1], complete: false });
  });

  it('gives each clause its share of the queries that parsed', () => {
    const rows = clauseRows(report().clauses);
    expect(rows[0]).toEqual({ key: 'join', label: 'Joins', count: 0, share: 0 });
    expect(rows.find((r) => r.key === 'where')).toMatchObject({ count: 1, share: 1 / 3 });
    expect(rows.map((r) => r.label)).toContain('CTEs (WITH)');
    expect(clauseRows({ ...report().clauses, queries: 0 }).every((r) => r.share === 0)).toBe(true);
  });

  it('names the lexical fallback so nobody takes it for a semantic model', () => {
    expect(describeEmbedding(LEXICAL_MODEL)).toEqual({
      lexical: true,
      text: 'lexical fallback (hashed character n-grams), not a semantic embedding model',
    });
    expect(describeEmbedding('text-embedding-3-small')).toEqual({ lexical: false, text: 'embeddings model text-embedding-3-small' });
  });

  it('says who or what started a computation', () => {
    const emails = new Map([[8, 'lee@example.com']]);
    expect(startedBy(metricRun({ started_by: 7 }), 7, emails)).toBe('you');
    expect(startedBy(metricRun({ started_by: 8 }), 7, emails)).toBe('lee@example.com');
    expect(startedBy(metricRun({ started_by: 9 }), 7, emails)).toBe('user #9');
    expect(startedBy(metricRun({ trigger: 'pipeline', pipeline_run_id: 12, started_by: null }), 7, emails)).toBe('after pipeline run #12');
    expect(startedBy(metricRun({ trigger: 'cli', started_by: null }), 7, emails)).toBe('from the command line');
  });

  it('shortens the inputs hash and finds the newest running computation', () => {
    expect(shortHash(metricRun().inputs_hash)).toBe('0123456789ab');
    const now = new Date('2025-03-01T10:05:00Z').getTime();
    expect(newestRunning([metricRun({ id: 9 }), metricRun({ id: 8, status: 'running' }), metricRun({ id: 7, status: 'running' })], now)?.id).toBe(8);
    expect(newestRunning([metricRun()], now)).toBeNull();
    // A run "running" for longer than a computation ever takes belongs to a stopped server.
    expect(newestRunning([metricRun({ status: 'running' })], now + 60 * 60_000)).toBeNull();
  });

  it('turns the null lists of a report into empty ones', () => {
    const raw = { ...report(), top_patterns: null, unused_tables: null, near_duplicates: null, databases: null, lengths: { words: { ...report().lengths.words, histogram: null } } };
    const r = normalizeReport(raw as unknown as ServerReport);
    expect(r.top_patterns).toEqual([]);
    expect(r.unused_tables).toEqual([]);
    expect(r.near_duplicates).toEqual([]);
    expect(r.databases).toEqual([]);
    expect(r.lengths.words.histogram).toEqual([]);
    expect(r.lengths.chars.count).toBe(0);
  });
});

describe('metrics API', () => {
  it('answers null before the first computation instead of an error', async () => {
    mockApi({ 'GET /api/v1/projects/42/metrics': errorReply(404, 'not_found', 'no metrics computed for this project yet') });
    await expect(metricsApi.latest(42)).resolves.toBeNull();
  });

  it('still fails on other errors', async () => {
    mockApi({ 'GET /api/v1/projects/42/metrics': errorReply(503, 'unavailable', 'down') });
    await expect(metricsApi.latest(42)).rejects.toMatchObject({ status: 503 });
  });

  it('asks for the lexical fallback only when told to', async () => {
    const { calls } = mockApi({ 'POST /api/v1/projects/42/metrics/runs': { status: 202, body: { run: metricRun({ status: 'running' }) } } });
    await metricsApi.compute(42, {});
    await metricsApi.compute(42, { embedding: 'lexical' });
    expect(calls.map((c) => c.body)).toEqual([{}, { embedding: 'lexical' }]);
  });
});
