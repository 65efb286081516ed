// After a submission: how it compared with the agent and with other annotators, and the next item.
import { Link } from 'react-router';
import { SqlCode } from '../../components/SqlCode';
import { Alert, Badge, Button, ErrorState } from '../../components/ui';
import { useHotkeys } from '../../shared/hotkeys';
import { agreementSentence, splitComparisons, type SubmitResult } from '../../shared/loop';

const OUTCOME: Record<SubmitResult['result'], { label: string; cls: string; detail: string }> = {
  agreed: { label: 'AGREED', cls: 'verdict-match', detail: 'Every comparison gives the same result; the question is accepted with your SQL as gold.' },
  disagreed: { label: 'DISAGREED', cls: 'verdict-nomatch', detail: 'The results differ; the question goes to review with both SQLs.' },
  no_agent: {
    label: 'NO AGENT',
    cls: 'verdict-none',
    detail: 'The agent has not answered this question; your SQL is stored and is compared with its answer when it comes.',
  },
};

/** The verdict's label and explanation, including "agreed so far" while other annotators are still to submit. */
export function outcomeVerdict(result: SubmitResult) {
  const o = OUTCOME[result.result] ?? OUTCOME.no_agent;
  if (result.result === 'agreed' && (result.awaiting ?? 0) > 0) {
    return {
      ...o,
      label: 'AGREED SO FAR',
      detail: 'Everything you were compared with gives the same result; the question is accepted once the other annotators have submitted.',
    };
  }
  return o;
}

/** Each comparison of the submission: with whom, and whether the results matched. */
function ComparisonList({ result }: { result: SubmitResult }) {
  const { agent, others } = splitComparisons(result);
  const rows = [
    ...(agent ? [{ c: agent, who: 'The agent' }] : []),
    ...others.map((c, i) => ({ c, who: others.length === 1 ? 'Another annotator' : `Annotator ${i + 1}` })),
  ];
  if (rows.length === 0) return null;
  return (
    <ul className="comparison-list" aria-label="Comparisons">
      {rows.map(({ c, who }) => (
        <li key={c.id} className={c.match ? 'comparison-match' : 'comparison-nomatch'}>
          <strong>{who}</strong>: {c.match ? 'same result' : 'different result'}
          {c.reason && <span className="muted"> — {c.reason}</span>}
        </li>
      ))}
    </ul>
  );
}

export function Outcome({
  projectId,
  result,
  sql,
  onNext,
  busy,
  nextError,
}: {
  projectId: string;
  result: SubmitResult;
  sql: string;
  onNext: () => void;
  busy: boolean;
  nextError: unknown;
}) {
  const o = outcomeVerdict(result);
  useHotkeys({ n: onNext, Enter: onNext });
  const waiting = result.awaiting ?? 0;
  return (
    <div className="stack-sm" data-testid="outcome">
      <div className={`verdict ${o.cls}`} role="status" data-testid="verdict">
        <span className="verdict-label">{o.label}</span>
        <span className="verdict-reason">
          <span data-testid="agreement">{agreementSentence(result)}</span> {o.detail}
        </span>
        {waiting > 0 && <Badge tone="neutral">waiting for {waiting} more</Badge>}
        {result.audited && <Badge tone="info">sampled for audit</Badge>}
        {result.review_item_id && <Badge tone="warning">review item #{result.review_item_id}</Badge>}
      </div>
      <ComparisonList result={result} />
      <div className="compare-columns">
        <div>
          {result.agent_sql ? (
            <SqlCode sql={result.agent_sql} caption="The agent’s SQL" />
          ) : (
            <div className="panel muted empty-sql">The agent has no SQL for this question.</div>
          )}
        </div>
        <div>
          <SqlCode sql={result.candidate?.sql ?? sql} caption="Your SQL" />
          {result.candidate?.error && <Alert title="Your SQL failed">{result.candidate.error}</Alert>}
        </div>
      </div>
      {nextError != null && <ErrorState error={nextError} />}
      <div className="toolbar">
        <Button variant="primary" onClick={onNext} busy={busy} autoFocus>
          Next item <kbd>N</kbd>
        </Button>
        <Link to={`/projects/${projectId}/guidelines`}>Guidelines</Link>
      </div>
    </div>
  );
}
