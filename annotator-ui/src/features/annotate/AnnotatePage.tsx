// The Annotate tab: claim the next question, write its SQL blind (the agent's answer is revealed only
// after submitting), preview it with Ctrl/Cmd-Enter, submit with Ctrl/Cmd-S, see the outcome, N for
// the next; G shows the guidelines beside the editor.
// Loaded on demand: it carries the SQL editor.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, type QueryResult } from '../../shared/api';
import { ResultView } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { RUN_SHORTCUT, SqlEditor, type SqlEditorHandle } from '../../components/SqlEditor';
import { Alert, Badge, Button, Dialog, EmptyState, ErrorState, Loading, TextAreaField, useToast } from '../../components/ui';
import { SAVE_SHORTCUT, useHotkeys } from '../../shared/hotkeys';
import { agreementSentence, drafts, loopApi, splitComparisons, SKIP_REASONS, type AnnotationTask, type SkipReason, type SubmitResult } from '../../shared/loop';
import { SchemaBrowser } from '../databases/SchemaBrowser';
import { tableQuery } from '../databases/sql';
import { databaseKeys } from '../databases/keys';
import { GuidelinePanel, withCitation } from './GuidelinePanel';
import { MyWork } from './MyWork';
import { QuestionEvidence } from '../questions/QuestionEvidence';

/** A 409 on the loop's items: the claim expired, someone else holds it, or it is already done. */
export function isClaimLost(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 409;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'empty' }
  | { kind: 'task'; task: AnnotationTask; claimedAt: number }
  | { kind: 'outcome'; task: AnnotationTask; result: SubmitResult; sql: string };

export function ProjectAnnotate() {
  const { projectId = '' } = useParams();
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const next = useMutation({
    mutationFn: () => loopApi.nextAnnotation(projectId),
    onSuccess: (task) => setPhase(task ? { kind: 'task', task, claimedAt: Date.now() } : { kind: 'empty' }),
  });
  const getNext = useCallback(() => {
    if (!next.isPending) next.mutate();
  }, [next]);

  if (phase.kind === 'idle' || phase.kind === 'empty') {
    return (
      <div className="stack">
        {next.isError && <ErrorState error={next.error} onRetry={getNext} />}
        {phase.kind === 'empty' ? (
          <EmptyState
            title="Nothing to annotate right now"
            action={
              <Button variant="primary" onClick={getNext} busy={next.isPending}>
                Check again
              </Button>
            }
          >
            Every question planned for annotation is taken or done. A lead plans more from the project overview.
          </EmptyState>
        ) : (
          <EmptyState
            title="Annotate questions"
            action={
              <Button variant="primary" onClick={getNext} busy={next.isPending} autoFocus>
                Start annotating
              </Button>
            }
          >
            Write the SQL that answers each question. You work blind: the agent’s answer is shown only after you submit.
          </EmptyState>
        )}
        <MyWork projectId={projectId} onReopened={getNext} />
      </div>
    );
  }
  if (phase.kind === 'outcome') {
    return (
      <div className="stack">
        <Outcome projectId={projectId} result={phase.result} sql={phase.sql} onNext={getNext} busy={next.isPending} nextError={next.error} />
        <MyWork projectId={projectId} onReopened={getNext} />
      </div>
    );
  }
  return (
    <TaskView
      key={phase.task.item.id}
      projectId={projectId}
      task={phase.task}
      claimedAt={phase.claimedAt}
      onSubmitted={(result, sql) => setPhase({ kind: 'outcome', task: phase.task, result, sql })}
      onNext={getNext}
      onReleased={() => setPhase({ kind: 'idle' })}
    />
  );
}

function TaskView({
  projectId,
  task,
  claimedAt,
  onSubmitted,
  onNext,
  onReleased,
}: {
  projectId: string;
  task: AnnotationTask;
  claimedAt: number;
  onSubmitted: (result: SubmitResult, sql: string) => void;
  onNext: () => void;
  onReleased: () => void;
}) {
  const toast = useToast();
  const itemId = task.item.id;
  const [restored] = useState(() => drafts.load(projectId, itemId));
  const [sql, setSql] = useState(restored ?? '');
  const [skipping, setSkipping] = useState(false);
  const [comment, setComment] = useState('');
  const editor = useRef<SqlEditorHandle>(null);
  const db = useQuery({
    queryKey: databaseKeys.detail(projectId, task.database_id),
    queryFn: () => api.getDatabase(projectId, task.database_id),
  });
  const tables = db.data?.tables;

  useEffect(() => {
    drafts.save(projectId, itemId, sql);
  }, [projectId, itemId, sql]);

  const run = useMutation({ mutationFn: (text: string) => api.runQuery(projectId, task.database_id, text) });
  const submit = useMutation({
    mutationFn: () =>
      loopApi.submitAnnotation(projectId, itemId, {
        version: task.item.version,
        sql,
        elapsed_ms: Math.max(0, Math.round(Date.now() - claimedAt)),
        comment: comment.trim() || undefined,
      }),
    onSuccess: (result) => {
      drafts.clear(projectId, itemId);
      onSubmitted(result, sql);
    },
  });
  const release = useMutation({
    mutationFn: () => loopApi.releaseAnnotation(projectId, itemId),
    onSuccess: () => {
      toast('Item released');
      onReleased();
    },
  });

  const doRun = () => {
    if (sql.trim()) run.mutate(sql);
  };
  const doSubmit = () => {
    if (sql.trim() && !submit.isPending) submit.mutate();
  };
  useHotkeys({ 'Mod-s': doSubmit, k: () => setSkipping(true) }, !skipping);

  const lost = isClaimLost(submit.error) ? submit.error : null;
  const sqlError = submit.error instanceof ApiError ? submit.error.fields.sql : undefined;

  return (
    <div className="annotate-layout">
      <aside className="annotate-side">
        {db.isPending ? <Loading label="Loading schema…" /> : db.isError ? <ErrorState error={db.error} /> : (
          <SchemaBrowser
            tables={tables ?? []}
            activeTable={null}
            onInsert={(text) => editor.current?.insert(text)}
            onQuery={(t) => {
              setSql(tableQuery(t));
              run.mutate(tableQuery(t));
            }}
            onShow={(t) => editor.current?.insert(t)}
          />
        )}
        {task.guideline_version ? <GuidelinePanel
            projectId={projectId}
            version={task.guideline_version}
            hotkeys={!skipping}
            onCite={(id) => setComment((c) => withCitation(c, id))}
          /> : null}
      </aside>
      <section className="stack-sm annotate-main" aria-label="Annotation">
        <div className="panel task-card">
          <div className="task-meta">
            <span className="muted">Item #{itemId}</span>
            {db.data && <Badge tone="info">{db.data.database.name}</Badge>}
            {task.guideline_version ? (
              <Link to={`/projects/${projectId}/guidelines`} target="_blank" rel="noreferrer">
                Guidelines v{task.guideline_version}
              </Link>
            ) : (
              <Link to={`/projects/${projectId}/guidelines`}>No guidelines yet</Link>
            )}
            {task.blind ? <Badge tone="neutral">Blind</Badge> : <Badge tone="warning">Not blind</Badge>}
          </div>
          <h2 className="task-question" data-testid="question">
            {task.question}
          </h2>
          <QuestionEvidence projectId={projectId} nlqId={task.item.nlq_id} />
          {(task.target_values?.length ?? 0) > 0 && (
            <p className="muted small">This question has a reference answer; it stays hidden so it does not steer your SQL.</p>
          )}
        </div>
        {!task.blind && task.agent_sql && <SqlCode sql={task.agent_sql} caption="The agent’s SQL (blind mode is off)" />}
        {restored && <p className="muted small" role="status">Restored your draft for this item.</p>}
        <SqlEditor
          ref={editor}
          value={sql}
          onChange={setSql}
          onRun={doRun}
          tables={tables ?? []}
          label="Your SQL"
          placeholder="SELECT … — write the SQL that answers the question"
          minLines={8}
        />
        <TextAreaField
          label="Comment for reviewers (optional)"
          hint="Say what was ambiguous or which reading you chose; reviewers see it next to your SQL."
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          rows={2}
          maxLength={2000}
        />
        <div className="toolbar">
          <Button onClick={doRun} busy={run.isPending} disabled={!sql.trim()}>
            Run <kbd>{RUN_SHORTCUT}</kbd>
          </Button>
          <Button variant="primary" onClick={doSubmit} busy={submit.isPending} disabled={!sql.trim()}>
            Submit <kbd>{SAVE_SHORTCUT}</kbd>
          </Button>
          <Button onClick={() => setSkipping(true)}>
            Skip… <kbd>K</kbd>
          </Button>
          <span className="toolbar-spacer" />
          <Button variant="ghost" onClick={() => release.mutate()} busy={release.isPending}>
            Release
          </Button>
        </div>
        {lost && (
          <Alert
            title="This item is no longer yours"
            action={
              <Button variant="primary" onClick={onNext}>
                Get a new item
              </Button>
            }
          >
            {lost.message}
          </Alert>
        )}
        {sqlError && <Alert title="SQL not accepted">{sqlError}</Alert>}
        {submit.isError && !lost && !sqlError && <ErrorState error={submit.error} />}
        {release.isError && <Alert>{release.error.message}</Alert>}
        <div className="panel result-panel">
          {run.isPending ? (
            <Loading label="Running…" />
          ) : run.data ? (
            <ResultView result={run.data as QueryResult} label="Query result" />
          ) : run.isError ? (
            <ErrorState error={run.error} />
          ) : (
            <p className="muted result-placeholder">
              Press <kbd>{RUN_SHORTCUT}</kbd> to preview the result; <kbd>{SAVE_SHORTCUT}</kbd> submits.
            </p>
          )}
        </div>
      </section>
      {skipping && (
        <SkipDialog
          projectId={projectId}
          task={task}
          onClose={() => setSkipping(false)}
          onSkipped={() => {
            drafts.clear(projectId, itemId);
            toast('Question skipped');
            onNext();
          }}
          onNext={onNext}
        />
      )}
    </div>
  );
}

function SkipDialog({
  projectId,
  task,
  onClose,
  onSkipped,
  onNext,
}: {
  projectId: string;
  task: AnnotationTask;
  onClose: () => void;
  onSkipped: () => void;
  onNext: () => void;
}) {
  const [reason, setReason] = useState<SkipReason | null>(null);
  const [comment, setComment] = useState('');
  const skip = useMutation({
    mutationFn: () =>
      loopApi.skipAnnotation(projectId, task.item.id, {
        version: task.item.version,
        reason: reason!,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      }),
    onSuccess: onSkipped,
  });
  const confirm = () => {
    if (reason && !skip.isPending) skip.mutate();
  };
  useHotkeys({
    '1': () => setReason('ambiguous'),
    '2': () => setReason('unanswerable'),
    '3': () => setReason('bad_question'),
    Enter: confirm,
    'Mod-s': confirm,
  });
  const lost = isClaimLost(skip.error) ? skip.error : null;
  return (
    <Dialog
      title="Skip this question"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" onClick={confirm} disabled={!reason} busy={skip.isPending}>
            Skip question <kbd>↵</kbd>
          </Button>
        </>
      }
    >
      <fieldset className="skip-reasons">
        <legend>Why? Press 1, 2 or 3.</legend>
        {SKIP_REASONS.map((r) => (
          <label key={r.reason} className="choice">
            <input type="radio" name="skip-reason" value={r.reason} checked={reason === r.reason} onChange={() => setReason(r.reason)} />
            <kbd>{r.key}</kbd> {r.label}
          </label>
        ))}
      </fieldset>
      <TextAreaField label="Comment (optional)" value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
      {lost ? (
        <Alert
          title="This item is no longer yours"
          action={
            <Button variant="primary" onClick={onNext}>
              Get a new item
            </Button>
          }
        >
          {lost.message}
        </Alert>
      ) : skip.isError ? (
        <Alert>{skip.error instanceof ApiError && skip.error.fields.reason ? skip.error.fields.reason : skip.error.message}</Alert>
      ) : null}
    </Dialog>
  );
}

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

function Outcome({
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
