// An agent batch's schema recall: for how many of its questions the agent's prompt held every table
// the question needs (those it came with and those its gold SQL reads), with the tables and the
// first prompt's tokens per question (GET …/runs/:run, `retrieval`; ARCHITECTURE.md, Schema retrieval).
import type { RetrievalReport } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';

const pct = (x: number) => `${(x * 100).toFixed(x === 1 ? 0 : 1)}%`;

export function SchemaRecall({ report, live }: { report: RetrievalReport | null | undefined; live: boolean }) {
  if (!report || report.questions === 0) return null;
  const missed = report.missed ?? [];
  return (
    <div className="accuracy" data-testid="schema-recall">
      <span className="accuracy-figure">{pct(report.recall)}</span>
      <span>
        Schema recall: the prompt held every table the question needs for{' '}
        <strong>
          {formatCount(report.complete)} / {plural(report.questions, 'question')}
        </strong>
        {live ? ' so far' : ''}
        <span className="muted">
          {' '}
          · {report.tables_mean.toFixed(1)} tables
          {report.tokens_median > 0 && <> and {formatCount(report.tokens_median)} prompt tokens (median)</>} a question
          {report.larger > 0 && report.larger < report.questions && (
            <>
              {' '}
              · {pct(report.larger_recall)} on databases with more than {report.k} tables
            </>
          )}
        </span>
        {missed.length > 0 && (
          <details>
            <summary>Questions missing a table ({formatCount(report.questions - report.complete)})</summary>
            <ul>
              {missed.slice(0, 10).map((m, i) => (
                <li key={i}>
                  {m.question} — needs <span className="mono">{(m.gold ?? []).join(', ')}</span>; the prompt had{' '}
                  <span className="mono">{(m.shown ?? []).join(', ') || 'none'}</span>
                </li>
              ))}
            </ul>
          </details>
        )}
      </span>
    </div>
  );
}
