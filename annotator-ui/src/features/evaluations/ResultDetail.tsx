// One item of an evaluation opened: the gold and predicted SQL, why they differ, the rows only one of
// them returned, the judge's verdict and the tokens it took.
import { Link } from 'react-router';
import { SqlCode } from '../../components/SqlCode';
import { Alert } from '../../components/ui';
import { formatTokens } from '../../shared/format';
import { type EvalResult } from '../../shared/golden';

function RowsPreview({ title, rows }: { title: string; rows: unknown[][] | null | undefined }) {
  if (!rows?.length) return null;
  return (
    <div>
      <h3 className="diff-title">{title}</h3>
      <table className="table table-compact mono small-mono">
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((v, j) => (
                <td key={j}>{v === null ? 'NULL' : typeof v === 'object' ? JSON.stringify(v) : String(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ResultDetail({ projectId, r }: { projectId: string; r: EvalResult }) {
  return (
    <div className="stack eval-detail" data-testid="result-detail">
      <p>
        <Link to={`/projects/${projectId}/questions/${r.nlq_id}`}>Question #{r.nlq_id}</Link>: {r.question}
      </p>
      <div className="json-diff">
        <SqlCode sql={r.gold_sql} caption="Gold SQL" />
        {r.sql ? <SqlCode sql={r.sql} caption="Predicted SQL" /> : <p className="muted">No SQL in the model’s reply.</p>}
      </div>
      {!r.correct && r.reason && <p>Why not a match: {r.reason}</p>}
      {r.error && <Alert title="Error">{r.error}</Alert>}
      {r.diff && (r.diff.only_gold?.length || r.diff.only_pred?.length) ? (
        <div className="json-diff">
          <RowsPreview title={`Only in gold (of ${r.diff.gold_rows} rows)`} rows={r.diff.only_gold} />
          <RowsPreview title={`Only in predicted (of ${r.diff.pred_rows} rows)`} rows={r.diff.only_pred} />
        </div>
      ) : null}
      {r.judge !== null && (
        <p data-testid="judge-verdict">
          Judge: <strong>{r.judge ? 'answers the question' : 'does not answer the question'}</strong>
          {r.judge_reason && <span className="muted"> — {r.judge_reason}</span>}
        </p>
      )}
      <p className="muted small">
        {formatTokens(r.prompt_tokens)} prompt + {formatTokens(r.completion_tokens)} completion tokens
      </p>
    </div>
  );
}
