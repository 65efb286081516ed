// The Review tab: claim the next item that needs judgement, see every SQL of its question (named by who
// wrote it), compare any two (SQL diff, results, rows only one returns), cite guideline rules and
// decide — accept any one, edit, rewrite, ambiguous, reject — from the keyboard. A snapshot audit is a
// verdict on one pair of a snapshot: correct, or wrong and how. Loaded on demand: it carries the SQL
// editor.
import { useMutation } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Badge } from '../../components/ui';
import { loopApi, REVIEW_REASON_LABELS as REASON_LABELS, type ReviewItem } from '../../shared/loop';
import { LiveTrajectory } from '../runs/Trajectory';
import { CandidateList, PairComparison } from './Candidates';
import { isAccept, neighbourFor } from './decision';
import { useReviewTask, type ReviewTaskProps } from './useReviewTask';
import { DecisionPanel } from './DecisionPanel';
import { QueueStart } from '../../components/QueueStart';
import { QuestionEvidence } from '../questions/QuestionEvidence';

export function ProjectReview() {
  const { projectId = '' } = useParams();
  const [item, setItem] = useState<ReviewItem | null | undefined>(undefined);
  const next = useMutation({ mutationFn: () => loopApi.nextReview(projectId), onSuccess: (it) => setItem(it) });
  const getNext = useCallback(() => {
    if (!next.isPending) next.mutate();
  }, [next]);

  if (!item) {
    return (
      <QueueStart
        next={next}
        onNext={getNext}
        empty={item === null}
        start={{
          title: 'Review the queue',
          button: 'Start reviewing',
          text: 'Judge disagreements, failed agent runs, warnings and audits: pick the gold SQL, cite the rules, name the error.',
        }}
        nothing={{ title: 'Nothing to review', text: 'The review queue is empty, or everything in it is claimed or was written by you.' }}
      />
    );
  }
  return <ReviewTask key={`${item.id}:${item.version}`} projectId={projectId} item={item} onNext={getNext} onReleased={() => setItem(undefined)} />;
}

function ReviewTask(props: ReviewTaskProps) {
  const { projectId, item, onNext } = props;
  const task = useReviewTask(props);
  const { a, b, dbId, audit, candidates, labelOf, pair, decision, acceptId, db, history, acceptCandidate, pick, left, right, agentRun, snap, snapName } = task;

  return (
    <div className="review-layout">
      <section className="stack-sm review-main" aria-label="Review item">
        <div className="panel task-card">
          <div className="task-meta">
            <Badge tone={item.reason === 'disagreement' ? 'warning' : item.reason === 'audit' || audit ? 'info' : 'danger'}>
              {REASON_LABELS[item.reason] ?? item.reason}
            </Badge>
            <span className="muted">Item #{item.id}</span>
            {db.data && <Badge tone="info">{db.data.database.name}</Badge>}
            {item.guideline_version != null && (
              <Link to={`/projects/${projectId}/guidelines`} target="_blank" rel="noreferrer">
                Guidelines v{item.guideline_version}
              </Link>
            )}
            {agentRun != null && item.reason !== 'agent_failed' && (
              <Link to={`/projects/${projectId}/agent/${agentRun}`} target="_blank" rel="noreferrer">
                Agent trajectory
              </Link>
            )}
          </div>
          <h2 className="task-question" data-testid="question">
            {item.question}
          </h2>
          <QuestionEvidence projectId={projectId} nlqId={item.nlq_id} />
          {audit && (
            <p className="audit-banner" data-testid="audit-banner">
              <strong>
                Audit of{' '}
                {snap ? <Link to={`/projects/${projectId}/snapshots/${snap.id}`}>{snapName}</Link> : snapName}
              </strong>
              : is this pair’s gold SQL ({labelOf(a?.id)}) right for the question? Your verdict counts towards the snapshot’s measured error rate.
            </p>
          )}
        </div>

        {item.reason === 'agent_failed' && agentRun != null && (
          <details className="panel review-trajectory" open>
            <summary className="panel-title">Why the agent failed: its trajectory</summary>
            <LiveTrajectory projectId={projectId} runId={agentRun} canSave={false} />
          </details>
        )}

        <PairComparison
          projectId={projectId}
          itemId={item.id}
          databaseId={dbId}
          left={left}
          right={right}
          neighbour={neighbourFor(history.data, pair[0], pair[1])}
        />

        <CandidateList
          projectId={projectId}
          itemId={item.id}
          databaseId={dbId}
          candidates={candidates}
          aId={a?.id ?? null}
          bId={b?.id ?? null}
          pair={pair}
          onPair={pick}
          accepted={isAccept(decision) ? acceptId : null}
          onAccept={acceptCandidate}
          audit={audit}
        />
      </section>
      <DecisionPanel task={task} onNext={onNext} />
    </div>
  );
}
