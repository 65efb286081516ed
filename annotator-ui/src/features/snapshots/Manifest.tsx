// What a snapshot holds and how it was split: pairs per database and split, hardness per split,
// leakage across splits, and the guideline and database versions.
import { Link } from 'react-router';
import { StackedBarChart } from '../../components/charts';
import { formatCount, plural } from '../../components/ResultGrid';
import { Badge, Card, Table } from '../../components/ui';
import { HARDNESS, SPLITS, type Snapshot } from '../../shared/golden';
import { shortHash } from '../metrics/computations';
import { SPLIT_LABELS, HARDNESS_LABELS } from './labels';

export function Manifest({ projectId, snapshot: s }: { projectId: string; snapshot: Snapshot }) {
  const m = s.manifest;
  const dbs = Object.entries(m.databases ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const levels = [...HARDNESS, ...Object.keys(m.hardness ?? {}).filter((h) => !(HARDNESS as readonly string[]).includes(h))].filter((h) => m.hardness?.[h]);
  const leaks = m.leakage?.examples ?? [];
  return (
    <Card title="Manifest" description="What the snapshot holds and how it was split.">
      <div className="stack">
        <Table label="Pairs per database and split" className="table table-compact" columns={['Database', ...SPLITS.map((sp) => ({ label: SPLIT_LABELS[sp], num: true })), { label: 'Total', num: true }]}>
          {dbs.map(([name, counts]) => (
            <tr key={name} data-testid={`db-row-${name}`}>
              <th scope="row">{name}</th>
              {SPLITS.map((sp) => (
                <td key={sp} className="cell-num">
                  {formatCount(counts[sp] ?? 0)}
                </td>
              ))}
              <td className="cell-num">{formatCount(SPLITS.reduce((n, sp) => n + (counts[sp] ?? 0), 0))}</td>
            </tr>
          ))}
        </Table>
        <div className="chart-grid">
          <StackedBarChart
            title="Hardness per split"
            groups={SPLITS.map((sp) => ({
              key: sp,
              label: SPLIT_LABELS[sp],
              values: Object.fromEntries(levels.map((h) => [h, m.hardness?.[h]?.[sp] ?? 0])),
            }))}
            series={levels.map((h) => ({ key: h, label: HARDNESS_LABELS[h] ?? h }))}
            empty="No pairs."
          />
        </div>
        <section aria-label="Leakage">
          <h3 className="card-subtitle">Leakage across splits</h3>
          <p data-testid="leakage">
            {plural(m.leakage?.near_duplicates ?? 0, 'near-duplicate question pair')} (lexical cosine ≥ 0.95) ·{' '}
            {plural(m.leakage?.same_sql ?? 0, 'pair')} with the same normalized SQL
          </p>
          {leaks.length > 0 && (
            <Table label="Leakage examples" className="table table-compact" columns={['Kind', 'Question A', 'Question B', { label: 'Cosine', num: true }]}>
              {leaks.map((l, i) => (
                <tr key={i}>
                  <td>{l.kind === 'same_sql' ? 'Same SQL' : 'Near-duplicate'}</td>
                  <td>
                    <Link to={`/projects/${projectId}/questions/${l.a}`}>Question #{l.a}</Link> <Badge>{l.split_a}</Badge>
                  </td>
                  <td>
                    <Link to={`/projects/${projectId}/questions/${l.b}`}>Question #{l.b}</Link> <Badge>{l.split_b}</Badge>
                  </td>
                  <td className="cell-num">{l.cosine ? l.cosine.toFixed(3) : '—'}</td>
                </tr>
              ))}
            </Table>
          )}
        </section>
        <section aria-label="Versions">
          <h3 className="card-subtitle">Versions</h3>
          <p>
            Guidelines in force when cut: {m.guideline_version ? `v${m.guideline_version}` : 'none written'}
            {(m.guideline_versions ?? []).length > 0 && (
              <span className="muted"> · cited by the pairs: {(m.guideline_versions ?? []).map((v) => `v${v}`).join(', ')}</span>
            )}
          </p>
          {(m.database_versions ?? []).length > 0 && (
            <Table label="Database versions" className="table table-compact" columns={['Database', { label: 'Version', num: true }, 'Schema hash', { label: 'Pairs', num: true }]}>
              {(m.database_versions ?? []).map((d) => (
                <tr key={d.id}>
                  <td>{d.name}</td>
                  <td className="cell-num">v{d.version}</td>
                  <td className="mono small-mono" title={d.schema_hash}>
                    {shortHash(d.schema_hash)}
                  </td>
                  <td className="cell-num">{formatCount(d.pairs)}</td>
                </tr>
              ))}
            </Table>
          )}
          {Object.keys(m.stages ?? {}).length > 0 && (
            <p className="muted small">
              Stages:{' '}
              {Object.entries(m.stages ?? {})
                .map(([st, n]) => `${st} ${n}`)
                .join(', ')}
            </p>
          )}
        </section>
      </div>
    </Card>
  );
}
