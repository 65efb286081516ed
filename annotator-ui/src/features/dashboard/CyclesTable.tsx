// The table of cycles: one row per guideline version, what it annotated, agreed and reviewed.
import { Link } from 'react-router';
import { formatCount } from '../../components/ResultGrid';
import { RuleChips, Table } from '../../components/ui';
import { agreementInterval, byCount, cycleName, disagreementChange, disagreementInterval, formatRate, type Cycle } from './api';
import { ChangeBadge, IntervalNote } from './Rates';
import { formatDate, formatDateTime } from '../../shared/format';
import { errorTypeLabel } from '../../shared/loop';

function Counts({ counts, label }: { counts: Record<string, number>; label: (k: string) => string }) {
  const entries = byCount(counts);
  if (entries.length === 0) return <span className="muted">—</span>;
  return (
    <span className="count-chips">
      {entries.map(([k, n]) => (
        <span key={k} className="count-chip">
          {label(k)} <strong>{n}</strong>
        </span>
      ))}
    </span>
  );
}

export function CyclesTable({ projectId, cycles }: { projectId: string; cycles: Cycle[] }) {
  const base = `/projects/${projectId}/guidelines`;
  return (
    <Table label="Cycles" columns={['Cycle', 'What changed', { label: 'Annotated', num: true }, { label: 'Agreement', num: true }, { label: 'Disagreement', num: true }, { label: 'Reviews', num: true }, 'By error type', 'Cited rules']}>
      {cycles.map((c, i) => {
        const v = c.guideline_version;
        const prev = cycles[i - 1];
        return (
          <tr key={v} data-testid={`cycle-${v}`}>
            <th scope="row" className="nowrap">
              {v === 0 ? 'v0' : <Link to={`${base}?version=${v}`}>{cycleName(v)}</Link>}
              {c.started_at && (
                <div className="muted small" title={`Started ${formatDateTime(c.started_at)}`}>
                  {formatDate(c.started_at)}
                </div>
              )}
            </th>
            <td className="cycle-summary">
              {v === 0 ? (
                <span className="muted">Before the first guidelines</span>
              ) : (
                <>
                  {c.summary || <span className="muted">No summary</span>}{' '}
                  <Link className="small nowrap" to={`${base}/diff?from=${v - 1}&to=${v}`}>
                    diff
                  </Link>
                </>
              )}
            </td>
            <td className="cell-num">
              {formatCount(c.annotated)}
              {c.skipped > 0 && <div className="muted small">+{formatCount(c.skipped)} skipped</div>}
            </td>
            <td className="cell-num">
              {c.compared ? formatRate(c.agreement_rate) : <span className="muted">—</span>}
              {c.compared > 0 && <div className="muted small">{`${formatCount(c.agreed)} of ${formatCount(c.compared)}`}</div>}
              {c.compared > 0 && <IntervalNote interval={agreementInterval(c)} />}
            </td>
            <td className="cell-num nowrap" data-testid="disagreement">
              {c.compared ? (
                <>
                  <span>{formatRate(c.disagreement_rate)}</span>
                  <IntervalNote interval={disagreementInterval(c)} />
                  <ChangeBadge change={disagreementChange(cycles, i)} against={prev ? cycleName(prev.guideline_version) : ''} />
                </>
              ) : (
                <span className="muted" title="Nothing was compared in this cycle">
                  —
                </span>
              )}
            </td>
            <td className="cell-num">{formatCount(c.reviews)}</td>
            <td>
              <Counts counts={c.by_error_type} label={errorTypeLabel} />
            </td>
            <td>
              {byCount(c.by_rule).length === 0 ? (
                <span className="muted">—</span>
              ) : (
                <span className="count-chips">
                  {byCount(c.by_rule).map(([r, n]) => (
                    <span key={r} className="count-chip">
                      <RuleChips ids={[r]} label={`Rule ${r}`} /> <strong>{n}</strong>
                    </span>
                  ))}
                </span>
              )}
            </td>
          </tr>
        );
      })}
    </Table>
  );
}
