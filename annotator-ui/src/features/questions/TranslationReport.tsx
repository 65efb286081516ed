// How the imported gold SQL translated to PostgreSQL, per database.
import { useQuery } from '@tanstack/react-query';
import { api, type TranslationReport } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Card } from '../../components/ui';
import { questionKeys } from './keys';

export function TranslationReportCard({ projectId }: { projectId: string }) {
  const report = useQuery({
    queryKey: questionKeys.translationReport(projectId),
    queryFn: () => api.translationReport(projectId),
  });
  if (report.isPending || report.isError || report.data.reports.length === 0) return null;
  const reports = report.data.reports;
  const total = reports.reduce((s, r) => s + r.total, 0);
  const matched = reports.reduce((s, r) => s + r.matched, 0);
  return (
    <Card
      title="Gold SQL translation"
      description={`${formatCount(matched)} of ${formatCount(total)} imported gold queries (${pct(total ? matched / total : 0)}) give the same result on PostgreSQL as the original on SQLite.`}
    >
      <ul className="report-list" data-testid="translation-report">
        {reports.map((r) => (
          <ReportRow key={r.database_id} r={r} />
        ))}
      </ul>
    </Card>
  );
}

function pct(rate: number) {
  return `${(rate * 100).toFixed(1)}%`;
}

function ReportRow({ r }: { r: TranslationReport }) {
  return (
    <li className="report-row">
      <span className="report-name">{r.database_name}</span>
      <span className="meter report-bar" aria-hidden="true">
        <span style={{ width: `${Math.round(r.match_rate * 100)}%` }} />
      </span>
      <span className="report-figures">
        {formatCount(r.matched)}/{formatCount(r.total)} <span className="muted">({pct(r.match_rate)})</span>
      </span>
    </li>
  );
}
