// The Review tab: claim the next item that needs judgement, see every SQL of its question (named by who
// wrote it), compare any two (SQL diff, results, rows only one returns), cite guideline rules and
// decide — accept any one, edit, rewrite, ambiguous, reject — from the keyboard. A snapshot audit is a
// verdict on one pair of a snapshot: correct, or wrong and how. Loaded on demand: it carries the SQL
// editor.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, type QueryResult } from '../../shared/api';
import { RUN_SHORTCUT, SqlEditor } from '../../components/SqlEditor';
import { ResultView } from '../../components/ResultGrid';
import { Alert, Badge, Button, Loading, SelectField, TextAreaField, useToast } from '../../components/ui';
import { guidelinesApi } from '../guidelines/api';
import { SAVE_SHORTCUT, useHotkeys } from '../../shared/hotkeys';
import { DECISION_LABELS, ERROR_TYPE_LABELS, ERROR_TYPES, labelledCandidates, loopApi, NO_ERROR, REVIEW_REASON_LABELS as REASON_LABELS, type Decision, type ErrorType, type ReviewItem } from '../../shared/loop';
import { databaseKeys } from '../databases/keys';
import { guidelineKeys } from '../guidelines/keys';
import { questionKeys } from '../questions/keys';
import { LiveTrajectory } from '../runs/Trajectory';
import { CandidateList, PairComparison } from './Candidates';
import { auditedSnapshot, isAccept, neighbourFor, validateDecision } from './decision';
import { reviewKeys } from './keys';
import { ClaimLost, QueueStart } from '../../components/QueueStart';
import { QuestionEvidence } from '../questions/QuestionEvidence';

type Fix = Exclude<Decision, 'accept' | 'accept_a' | 'accept_b'>;
const FIXES: { decision: Fix; key: string }[] = [
  { decision: 'edit', key: 'e' },
  { decision: 'rewrite_question', key: 'w' },
  { decision: 'ambiguous', key: 'm' },
  { decision: 'reject', key: 'r' },
];

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

function ReviewTask({
  projectId,
  item,
  onNext,
  onReleased,
}: {
  projectId: string;
  item: ReviewItem;
  onNext: () => void;
  onReleased: () => void;
}) {
  const toast = useToast();
  const a = item.candidate_a;
  const b = item.candidate_b;
  const dbId = item.database_id;
  const audit = item.reason === 'snapshot_audit';
  const candidates = labelledCandidates(item);
  const byId = new Map(candidates.map((l) => [l.candidate.id, l]));
  const labelOf = (id: number | null | undefined) => (id != null ? (byId.get(id)?.label ?? `#${id}`) : '');
  // A and B side by side; with A alone (an audit's gold), A beside the first other candidate.
  const [pair, setPair] = useState<[number | null, number | null]>(() => {
    if (a && b) return [a.id, b.id];
    const others = candidates.map((l) => l.candidate.id).filter((id) => id !== a?.id);
    return a ? [a.id, others[0] ?? null] : [others[0] ?? null, others[1] ?? null];
  });
  const [decision, setDecision] = useState<Decision | null>(null);
  const [acceptId, setAcceptId] = useState<number | null>(null);
  const [verdict, setVerdict] = useState<'correct' | 'wrong' | null>(null);
  const [errorType, setErrorType] = useState<ErrorType | ''>('');
  const [rules, setRules] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [finalSql, setFinalSql] = useState(a?.sql ?? b?.sql ?? candidates[0]?.candidate.sql ?? '');
  const [question, setQuestion] = useState(item.question);
  const [invalid, setInvalid] = useState<string | null>(null);

  const db = useQuery({
    queryKey: databaseKeys.detail(projectId, dbId),
    queryFn: () => api.getDatabase(projectId, dbId!),
    enabled: dbId != null,
  });
  const guide = useQuery({ queryKey: guidelineKeys.all(projectId), queryFn: () => guidelinesApi.list(projectId) });
  // The question's stored comparisons: one may explain a pair the database cannot tell apart.
  const history = useQuery({
    queryKey: questionKeys.history(projectId, item.nlq_id),
    queryFn: () => api.nlqHistory(projectId, item.nlq_id),
    enabled: candidates.length > 1,
  });
  const snapshot = useQuery({
    queryKey: reviewKeys.auditedSnapshot(projectId, item.id),
    queryFn: () => auditedSnapshot(projectId, item),
    enabled: audit,
    staleTime: Infinity,
  });
  const preview = useMutation({ mutationFn: (text: string) => api.runQuery(projectId, dbId!, text) });

  const submit = useMutation({
    mutationFn: async () => {
      if (decision === 'edit' && dbId != null) {
        // The final SQL runs first: a failing edit is shown, not sent.
        const res = await api.runQuery(projectId, dbId, finalSql);
        preview.reset();
        if (res.error) throw new EditFailed(res);
      }
      return loopApi.decide(projectId, item.id, {
        version: item.version,
        decision: decision!,
        ...(decision === 'accept' && acceptId != null ? { candidate_id: acceptId } : {}),
        error_type: errorType as ErrorType,
        ...(rules.length ? { rule_ids: rules } : {}),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...(decision === 'edit' ? { final_sql: finalSql } : {}),
        ...(decision === 'rewrite_question' ? { question: question.trim() } : {}),
      });
    },
    onSuccess: () => {
      toast(audit ? 'Verdict saved' : 'Decision saved');
      onNext();
    },
  });
  const release = useMutation({
    mutationFn: () => loopApi.releaseReview(projectId, item.id),
    onSuccess: () => {
      toast('Item released');
      onReleased();
    },
  });

  const choose = (d: Decision) => {
    if (d === 'accept_a' && !a) return;
    if (d === 'accept_b' && !b) return;
    setDecision(d);
    setAcceptId(d === 'accept_a' ? a!.id : d === 'accept_b' ? b!.id : null);
    if (audit) {
      const correct = d === 'accept_a';
      setVerdict(correct ? 'correct' : 'wrong');
      setErrorType((t) => (correct ? NO_ERROR : t === NO_ERROR ? '' : t));
    } else if (!isAccept(d) && errorType === NO_ERROR) setErrorType('');
    setInvalid(null);
  };
  /** Accept any candidate: A and B keep their own decisions, any other is "accept" with its id. */
  const acceptCandidate = (id: number) => {
    if (id === a?.id) return choose('accept_a');
    if (id === b?.id) return choose('accept_b');
    choose('accept');
    setAcceptId(id);
  };
  const wrong = () => {
    setVerdict('wrong');
    if (decision === 'accept_a') setDecision(null);
    if (errorType === NO_ERROR) setErrorType('');
    setInvalid(null);
  };
  const pick = (side: 0 | 1, id: number) =>
    setPair(([l, r]) => {
      const other = side === 0 ? r : l;
      const kept = other === id ? (side === 0 ? l : r) : other;
      return side === 0 ? [id, kept] : [kept, id];
    });
  const doSubmit = () => {
    if (submit.isPending) return;
    const why = validateDecision({ reason: item.reason, decision, errorType, finalSql, question });
    setInvalid(why);
    if (!why) submit.mutate();
  };
  const noneAllowed = isAccept(decision) && (audit ? verdict === 'correct' : item.reason === 'audit');
  const keys: Record<string, () => void> = { 'Mod-s': doSubmit };
  if (audit) {
    keys.c = () => choose('accept_a');
    keys.x = wrong;
  } else {
    keys.a = () => choose('accept_a');
    keys.b = () => choose('accept_b');
  }
  for (const f of FIXES) keys[f.key] = () => choose(f.decision);
  ERROR_TYPES.forEach((t, i) => {
    keys[String(i + 1)] = () => {
      setErrorType(t);
      setInvalid(null);
    };
  });
  if (noneAllowed) keys['0'] = () => setErrorType(NO_ERROR);
  useHotkeys(keys);

  const left = pair[0] != null ? (byId.get(pair[0]) ?? null) : null;
  const right = pair[1] != null ? (byId.get(pair[1]) ?? null) : null;
  const current = guide.data?.current ?? null;
  const err = submit.error;
  const lost = err instanceof ApiError && err.status === 409 ? err : null;
  const fields = err instanceof ApiError && err.status === 400 ? err.fields : {};
  const toggleRule = (id: string) => setRules((r) => (r.includes(id) ? r.filter((x) => x !== id) : [...r, id]));
  const agentRun = item.agent_run_id ?? candidates.find((l) => l.candidate.agent_run_id)?.candidate.agent_run_id ?? null;
  const snap = snapshot.data;
  const snapName = snap ? `snapshot #${snap.id}${snap.name ? ` “${snap.name}”` : ''}` : 'a snapshot';

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

      <aside className="panel decision-panel" aria-label="Decision">
        <h2 className="panel-title">{audit ? 'Verdict' : 'Decision'}</h2>
        {audit ? (
          <>
            <div className="decision-buttons" role="group" aria-label="Verdict">
              <button
                type="button"
                className={`btn btn-sm ${verdict === 'correct' ? 'btn-primary' : 'btn-secondary'}`}
                aria-pressed={verdict === 'correct'}
                disabled={!a}
                onClick={() => choose('accept_a')}
              >
                Correct <kbd>C</kbd>
              </button>
              <button type="button" className={`btn btn-sm ${verdict === 'wrong' ? 'btn-danger' : 'btn-secondary'}`} aria-pressed={verdict === 'wrong'} onClick={wrong}>
                Wrong <kbd>X</kbd>
              </button>
            </div>
            {verdict === 'correct' && <p className="muted small">The gold stays; the error type is “No error”.</p>}
            {verdict === 'wrong' && (
              <>
                <p className="muted small">How should the question end? Fix the SQL, rewrite the question, mark it ambiguous or reject it — or accept another candidate.</p>
                <FixButtons decision={decision} onChoose={choose} />
              </>
            )}
          </>
        ) : (
          <>
            <div className="decision-buttons" role="group" aria-label="Decision">
              {(['accept_a', 'accept_b'] as const).map((d) => {
                const c = d === 'accept_a' ? a : b;
                return (
                  <button
                    key={d}
                    type="button"
                    className={`btn btn-sm ${decision === d ? 'btn-primary' : 'btn-secondary'}`}
                    aria-pressed={decision === d}
                    disabled={!c}
                    title={c ? labelOf(c.id) : undefined}
                    onClick={() => choose(d)}
                  >
                    {DECISION_LABELS[d]} <kbd>{d === 'accept_a' ? 'A' : 'B'}</kbd>
                  </button>
                );
              })}
            </div>
            <FixButtons decision={decision} onChoose={choose} />
          </>
        )}
        {isAccept(decision) && acceptId != null && (
          <p className="accept-choice" data-testid="accept-choice">
            Accept <strong>{labelOf(acceptId)}</strong>’s SQL as the gold
            {decision === 'accept_a' ? ' (A)' : decision === 'accept_b' ? ' (B)' : ''}.
          </p>
        )}
        {decision === 'edit' && (
          <div className="stack-sm">
            <SqlEditor
              value={finalSql}
              onChange={setFinalSql}
              onRun={() => finalSql.trim() && dbId != null && preview.mutate(finalSql)}
              tables={db.data?.tables ?? []}
              label="Final SQL"
              minLines={5}
            />
            <p className="muted small">
              <kbd>{RUN_SHORTCUT}</kbd> previews; it runs again before the decision is sent.
            </p>
            {fields.final_sql && <Alert title="The final SQL failed">{fields.final_sql}</Alert>}
            {submit.error instanceof EditFailed && <Alert title="The final SQL failed">{submit.error.message}</Alert>}
            {preview.data && <ResultView result={preview.data} label="Final SQL result" />}
          </div>
        )}
        {decision === 'rewrite_question' && (
          <TextAreaField label="New question" value={question} onChange={(e) => setQuestion(e.target.value)} rows={3} error={fields.question} />
        )}
        {(!audit || verdict === 'wrong') && (
          <SelectField
            label="Error type (1–9)"
            value={errorType}
            onChange={(e) => {
              setErrorType(e.target.value as ErrorType);
              setInvalid(null);
            }}
            error={fields.error_type}
            required
          >
            <option value="">Choose…</option>
            {noneAllowed && <option value={NO_ERROR}>0. {ERROR_TYPE_LABELS[NO_ERROR]}</option>}
            {ERROR_TYPES.map((t, i) => (
              <option key={t} value={t}>
                {i + 1}. {ERROR_TYPE_LABELS[t]}
              </option>
            ))}
          </SelectField>
        )}
        <fieldset className="rule-picker">
          <legend>
            Cited rules{current ? ` (guidelines v${current.version})` : ''}
          </legend>
          {guide.isPending ? (
            <Loading label="Loading rules…" />
          ) : !current || current.rules.length === 0 ? (
            <p className="muted small">The guidelines have no rules yet.</p>
          ) : (
            <ul className="rule-list">
              {current.rules.map((r) => (
                <li key={r.id}>
                  <label className="choice" title={r.text}>
                    <input type="checkbox" checked={rules.includes(r.id)} onChange={() => toggleRule(r.id)} />
                    <strong>{r.id}</strong> {r.title}
                  </label>
                </li>
              ))}
            </ul>
          )}
          {fields.rule_ids && <p className="field-error">{fields.rule_ids}</p>}
        </fieldset>
        <TextAreaField label="Comment" value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
        {invalid && <Alert>{invalid}</Alert>}
        {fields.decision && <Alert>{fields.decision}</Alert>}
        {fields.candidate_id && <Alert>{fields.candidate_id}</Alert>}
        {lost ? (
          <ClaimLost title={lost.isStaleVersion ? 'This item changed since you opened it' : undefined} button="Get next" message={lost.message} onNext={onNext} />
        ) : err && !(err instanceof EditFailed) && Object.keys(fields).length === 0 ? (
          <Alert>{err.message}</Alert>
        ) : null}
        <div className="toolbar">
          <Button variant="primary" onClick={doSubmit} busy={submit.isPending}>
            {audit ? 'Submit verdict' : 'Submit decision'} <kbd>{SAVE_SHORTCUT}</kbd>
          </Button>
          <Button variant="ghost" onClick={() => release.mutate()} busy={release.isPending}>
            Release
          </Button>
        </div>
        {release.isError && <Alert>{release.error.message}</Alert>}
      </aside>
    </div>
  );
}

/** Edit & accept, Rewrite question, Ambiguous, Reject. */
function FixButtons({ decision, onChoose }: { decision: Decision | null; onChoose: (d: Decision) => void }) {
  return (
    <div className="decision-buttons" role="group" aria-label="Other decisions">
      {FIXES.map((f) => (
        <button
          key={f.decision}
          type="button"
          className={`btn btn-sm ${decision === f.decision ? 'btn-primary' : 'btn-secondary'}`}
          aria-pressed={decision === f.decision}
          onClick={() => onChoose(f.decision)}
        >
          {DECISION_LABELS[f.decision]} <kbd>{f.key.toUpperCase()}</kbd>
        </button>
      ))}
    </div>
  );
}

class EditFailed extends Error {
  constructor(result: QueryResult) {
    super(result.error ?? 'The final SQL failed.');
    this.name = 'EditFailed';
  }
}

