// One SQL of a question in its history: who wrote it, its result, and how it was translated.
import { Link } from 'react-router';
import { type Candidate, type HistoryCandidate } from '../../shared/api';
import { formatDateTime, formatRelative } from '../../shared/format';
import { plural, ResultPanel } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Badge } from '../../components/ui';
import { sourceLabel } from './historyNames';

export function CandidateCard({
  projectId,
  candidate: c,
  gold,
  showRun,
}: {
  projectId: string;
  candidate: HistoryCandidate;
  gold: boolean;
  showRun: boolean;
}) {
  const translated = Boolean(c.original_sql && c.original_sql.trim() !== c.sql.trim());
  return (
    <li className="candidate-card" data-testid={`candidate-${c.id}`}>
      <div className="candidate-head">
        <strong>#{c.id}</strong>
        <Badge tone={c.source === 'agent' ? 'info' : c.source === 'human' ? 'success' : 'neutral'}>{sourceLabel(c.source)}</Badge>
        {gold && <Badge tone="success">gold</Badge>}
        <span className="muted">{c.author_email ?? 'unknown author'}</span>
        <span className="muted" title={formatDateTime(c.created_at)}>
          {formatRelative(c.created_at)}
        </span>
        {showRun && c.agent_run_id != null && <Link to={`/projects/${projectId}/agent/${c.agent_run_id}`}>trajectory</Link>}
      </div>
      <SqlCode sql={c.sql} caption={translated ? 'PostgreSQL' : undefined} />
      {translated && <SqlCode sql={c.original_sql ?? ''} caption={`Original (${c.original_dialect === 'sqlite' ? 'SQLite' : (c.original_dialect ?? 'original')})`} />}
      <p className="muted small">
        {c.error ? (
          <span className="text-danger">Fails: {c.error}</span>
        ) : c.row_count != null ? (
          <>
            {plural(c.row_count, 'row')}
            {c.elapsed_ms != null && ` · ${c.elapsed_ms.toFixed(1)} ms`}
          </>
        ) : (
          'Not run'
        )}
      </p>
      <TranslationEvidence candidate={c} />
      {(c.warnings ?? []).length > 0 && (
        <ul className="warning-list">
          {(c.warnings ?? []).map((w, i) => (
            <li key={i}>
              <strong>{w.rule}</strong>: {w.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** How an imported SQLite query fared: what the translation changed, and both results when they differ. */
export function TranslationEvidence({ candidate: c }: { candidate: Candidate }) {
  const v = c.verification;
  const changes = c.translation?.changes ?? [];
  if (!v && changes.length === 0) return null;
  return (
    <div className="stack-sm">
      {changes.length > 0 && (
        <div>
          <span className="detail-label">Translation changes</span>
          <ul className="changes">
            {changes.map((ch, i) => (
              <li key={i}>{ch}</li>
            ))}
          </ul>
        </div>
      )}
      {v && (
        <div className={`verdict verdict-sm ${v.match ? 'verdict-match' : 'verdict-nomatch'}`}>
          <span className="verdict-label">{v.match ? 'MATCH' : 'NO MATCH'}</span>
          <span className="verdict-reason">{v.reason || (v.match ? 'The translation gives the same result as the original.' : '')}</span>
        </div>
      )}
      {v && !v.match && (v.sqlite || v.postgres) && (
        <div className="compare-columns">
          <ResultPanel title="Original on SQLite" level="h4" result={v.sqlite} label="SQLite result" />
          <ResultPanel title="Translation on PostgreSQL" level="h4" result={v.postgres} label="PostgreSQL result" />
        </div>
      )}
    </div>
  );
}
