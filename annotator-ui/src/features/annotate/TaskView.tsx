// One claimed item: the question, the schema, the SQL editor with Run, Submit, Skip and Release, and
// the result of the last run.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type QueryResult } from '../../shared/api';
import { ResultView } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { RUN_SHORTCUT, SqlEditor, type SqlEditorHandle } from '../../components/SqlEditor';
import { Alert, Badge, Button, ErrorState, Loading, TextAreaField, useToast } from '../../components/ui';
import { SAVE_SHORTCUT, useHotkeys } from '../../shared/hotkeys';
import { drafts, loopApi, type AnnotationTask, type SubmitResult } from '../../shared/loop';
import { SchemaBrowser } from '../databases/SchemaBrowser';
import { SchemaSearch } from '../../components/SchemaSearch';
import { tableQuery } from '../databases/sql';
import { databaseKeys } from '../databases/keys';
import { GuidelinePanel, withCitation } from './GuidelinePanel';
import { ClaimLost } from '../../components/QueueStart';
import { QuestionEvidence } from '../questions/QuestionEvidence';
import { isClaimLost } from './claim';
import { SkipDialog } from './SkipDialog';
import { bindValue } from '../../shared/forms';

export function TaskView({
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
  // A question imported without a database has nothing to run SQL on: the runner says so.
  const databaseId = task.database_id;
  const db = useQuery({
    queryKey: databaseKeys.detail(projectId, databaseId ?? 'none'),
    queryFn: () => api.getDatabase(projectId, databaseId ?? 0),
    enabled: databaseId !== null,
  });
  const tables = db.data?.tables;

  useEffect(() => {
    drafts.save(projectId, itemId, sql);
  }, [projectId, itemId, sql]);

  const run = useMutation({
    mutationFn: (text: string) =>
      databaseId === null ? Promise.reject(new Error('This question has no database to run SQL on.')) : api.runQuery(projectId, databaseId, text),
  });
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
        {databaseId !== null && (
          <SchemaSearch projectId={projectId} databaseId={databaseId} onShow={(t) => editor.current?.insert(t)} onInsert={(text) => editor.current?.insert(text)} />
        )}
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
          {...bindValue(comment, setComment)}
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
        {lost && <ClaimLost message={lost.message} onNext={onNext} />}
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
