// The decision panel of a review item: the verdict of an audit or the decision, what it needs, the
// cited rules, and Submit and Release.
import { useRef } from 'react';
import { RUN_SHORTCUT, SqlEditor, type SqlEditorHandle } from '../../components/SqlEditor';
import { SchemaSearch } from '../../components/SchemaSearch';
import { ResultView } from '../../components/ResultGrid';
import { Alert, Button, Loading, SelectField, TextAreaField } from '../../components/ui';
import { SAVE_SHORTCUT } from '../../shared/hotkeys';
import { DECISION_LABELS, ERROR_TYPE_LABELS, ERROR_TYPES, NO_ERROR, type Decision, type ErrorType } from '../../shared/loop';
import { isAccept } from './decision';
import { ClaimLost } from '../../components/QueueStart';
import { EditFailed, FIXES, type ReviewTaskState } from './useReviewTask';
import { bindValue } from '../../shared/forms';

export function DecisionPanel({ task, onNext }: { task: ReviewTaskState; onNext: () => void }) {
  const { projectId, a, b, dbId, audit, labelOf, decision, acceptId, verdict, errorType, setErrorType, rules, comment, setComment, finalSql, setFinalSql, question, setQuestion, invalid, setInvalid, db, guide, preview, submit, release, choose, wrong, doSubmit, noneAllowed, current, err, lost, fields, toggleRule } = task;
  const editor = useRef<SqlEditorHandle>(null);
  return (
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
          {dbId != null && (
            <SchemaSearch projectId={projectId} databaseId={dbId} onShow={(t) => editor.current?.insert(t)} onInsert={(text) => editor.current?.insert(text)} />
          )}
          <SqlEditor
            ref={editor}
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
        <TextAreaField label="New question" {...bindValue(question, setQuestion)} rows={3} error={fields.question} />
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
        ) : !current || (current.rules ?? []).length === 0 ? (
          <p className="muted small">The guidelines have no rules yet.</p>
        ) : (
          <ul className="rule-list">
            {(current.rules ?? []).map((r) => (
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
      <TextAreaField label="Comment" {...bindValue(comment, setComment)} rows={2} />
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
