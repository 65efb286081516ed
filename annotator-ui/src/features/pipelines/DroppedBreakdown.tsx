// What a run kept and what it dropped, by reason.
import { formatCount } from '../../components/ResultGrid';
import { DROP_LABELS } from './generation';

/** Kept and dropped outputs as one bar, and a chip per drop reason. */
export function DroppedBreakdown({ kept, dropped }: { kept: number; dropped: Record<string, number> | null | undefined }) {
  const reasons = Object.entries(dropped ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const droppedTotal = reasons.reduce((s, [, n]) => s + n, 0);
  const total = kept + droppedTotal;
  if (total === 0) return <p className="muted">Nothing kept or dropped yet.</p>;
  const pct = (n: number) => `${(n / total) * 100}%`;
  return (
    <div className="dropped" data-testid="dropped">
      <div className="dropped-bar" aria-hidden="true">
        <span className="dropped-kept" style={{ width: pct(kept) }} />
        {reasons.map(([r, n], i) => (
          <span key={r} className={`dropped-seg dropped-seg-${i % 5}`} style={{ width: pct(n) }} title={`${DROP_LABELS[r] ?? r}: ${n}`} />
        ))}
      </div>
      <ul className="dropped-chips" aria-label="Kept and dropped">
        <li className="dropped-chip dropped-chip-kept">
          kept <strong>{formatCount(kept)}</strong>
        </li>
        {reasons.map(([r, n], i) => (
          <li key={r} className={`dropped-chip dropped-chip-${i % 5}`} data-reason={r}>
            {DROP_LABELS[r] ?? r} <strong>{formatCount(n)}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}
