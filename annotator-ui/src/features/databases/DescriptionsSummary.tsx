// What a BIRD import did with the column descriptions: how many columns got one, and every repair or
// loss the description files caused (a byte-order mark, Latin-1 bytes, a row the CSV reader could not
// parse, a column the table does not have), so nothing is dropped without the lead being told.
import { formatCount, plural } from '../../components/ResultGrid';

/** The descriptions part of a BIRD import's answer (ingest.BIRDSummary); other imports lack it. */
export interface DescriptionsReport {
  columns: number;
  warnings: string[] | null;
}

export function DescriptionsSummary({ summary }: { summary: object }) {
  const descriptions = (summary as { descriptions?: DescriptionsReport }).descriptions;
  if (!descriptions) return null;
  const warnings = descriptions.warnings ?? [];
  return (
    <div data-testid="descriptions-summary">
      <p className="summary-line">
        Column descriptions: <strong>{formatCount(descriptions.columns)}</strong> {descriptions.columns === 1 ? 'column' : 'columns'}{' '}
        described{warnings.length > 0 ? `; ${plural(warnings.length, 'note')} on the description files:` : '.'}
      </p>
      {warnings.length > 0 && (
        <ul className="muted small">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
