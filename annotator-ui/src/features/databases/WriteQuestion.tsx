// "Save as a question" beside the SQL runner: a member writes a question about the database and saves it
// with the SQL in the runner (POST /nlqs). The server runs the SQL first and refuses SQL that does not
// run, so what is stored can be checked; that error belongs under the editor, so it is handed up
// (onSqlError) rather than shown here. Nothing typed is cleared except the question, once it is saved.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, ApiError } from '../../shared/api';
import { fieldErrors, formError } from '../../shared/forms';
import { SAVE_QUESTION_SHORTCUT, useHotkeys } from '../../shared/hotkeys';
import { RUN_SHORTCUT_LABEL } from '../../shared/shortcuts';
import { formatCount, plural } from '../../components/ResultGrid';
import { Alert, Button, TextAreaField } from '../../components/ui';
import { questionKeys } from '../questions/keys';

/** The server's limit, which counts UTF-8 bytes (a letter outside ASCII counts for two or more). */
export const QUESTION_MAX_BYTES = 2000;

const utf8 = new TextEncoder();

/** How a 409 names the question already asked: "…already asked about this database (question 12)". */
const NAMED_QUESTION = /\(question (\d+)\)/;

/** The 409's message with the question it names as a link to that question's history. */
function DuplicateMessage({ message, projectId }: { message: string; projectId: string }) {
  const m = NAMED_QUESTION.exec(message);
  if (!m) return <>{message}</>;
  const before = message.slice(0, m.index);
  const after = message.slice(m.index + m[0].length);
  return (
    <>
      {before}(<Link to={`/projects/${projectId}/questions/${m[1]}`}>question {m[1]}</Link>){after}
    </>
  );
}

export function WriteQuestion({
  projectId,
  databaseId,
  sql,
  active,
  onActivate,
  onSqlError,
}: {
  projectId: string;
  databaseId: number;
  /** The runner's SQL, saved with the question (blank: the question is saved without SQL). */
  sql: string;
  /** Whether the runner (and this form with it) is on screen. */
  active: boolean;
  /** Bring the runner back on screen (the shortcut was pressed in another mode). */
  onActivate: () => void;
  /** The server's word on the SQL ("does not run: …"), or null when a new save starts. */
  onSqlError: (message: string | null) => void;
}) {
  const qc = useQueryClient();
  const field = useRef<HTMLTextAreaElement>(null);
  const [question, setQuestion] = useState('');
  // Checked here before anything is sent; the server's own field error shows otherwise.
  const [problem, setProblem] = useState<string | null>(null);
  const hasSql = sql.trim() !== '';

  const write = useMutation({
    mutationFn: (draft: { question: string; sql: string }) =>
      api.writeQuestion(projectId, {
        database_id: databaseId,
        question: draft.question,
        ...(draft.sql ? { sql: draft.sql } : {}),
      }),
    onMutate: () => onSqlError(null),
    onSuccess: (_, draft) => {
      // Cleared only if it still reads as saved: what was typed meanwhile is kept.
      setQuestion((q) => (q.trim() === draft.question ? '' : q));
      void qc.invalidateQueries({ queryKey: questionKeys.all(projectId) });
      void qc.invalidateQueries({ queryKey: questionKeys.facets(projectId) });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.fields.sql) onSqlError(err.fields.sql);
    },
  });

  const size = utf8.encode(question.trim()).length;
  const submit = () => {
    if (write.isPending) return;
    const q = question.trim();
    const invalid = !q
      ? 'Write the question first.'
      : size > QUESTION_MAX_BYTES
        ? `Too long: at most ${formatCount(QUESTION_MAX_BYTES)} bytes, this is ${formatCount(size)}.`
        : null;
    setProblem(invalid);
    if (invalid) {
      field.current?.focus();
      return;
    }
    write.mutate({ question: q, sql: sql.trim() });
  };

  // The shortcut works from the editor too: it takes you to the question, or saves it once written.
  useHotkeys({
    'Mod-Shift-s': () => {
      if (!active) {
        onActivate();
        requestAnimationFrame(() => field.current?.focus());
      } else if (!question.trim() && document.activeElement !== field.current) {
        field.current?.focus();
      } else {
        submit();
      }
    },
  });

  const err = write.error;
  const fields = fieldErrors(err);
  const duplicate = err instanceof ApiError && err.status === 409 ? err.message : null;
  // The SQL's error shows under the editor; anything no field claims shows here.
  const general = duplicate || fields.question || fields.sql ? null : formError(err, {});
  // The count matters only near the limit.
  const counter = size > QUESTION_MAX_BYTES * 0.75 ? `${formatCount(size)} / ${formatCount(QUESTION_MAX_BYTES)}` : null;

  let outcome: ReactNode = null;
  if (write.isSuccess) {
    const { nlq, result } = write.data;
    outcome = (
      <Alert tone="success">
        <span data-testid="question-saved">
          Saved as <Link to={`/projects/${projectId}/questions/${nlq.id}`}>question {nlq.id}</Link>
          {result ? <>: its SQL returned {plural(result.row_count, 'row')}.</> : <>, without SQL.</>}
        </span>
      </Alert>
    );
  } else if (duplicate) {
    outcome = (
      <Alert tone="warning" title="Not saved">
        <span data-testid="question-duplicate">
          <DuplicateMessage message={duplicate} projectId={projectId} />
        </span>
      </Alert>
    );
  } else if (general) {
    outcome = <Alert title="Not saved">{general}</Alert>;
  }

  return (
    <form
      className="panel write-question"
      aria-label="Save as a question"
      noValidate
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        submit();
      }}
    >
      <TextAreaField
        ref={field}
        label="Question"
        name="question"
        rows={2}
        value={question}
        onChange={(e) => {
          setQuestion(e.target.value);
          setProblem(null);
        }}
        onKeyDown={(e) => {
          // Enter makes a new line; Ctrl/Cmd-Enter saves, as in the other text areas.
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            submit();
          }
        }}
        error={problem ?? fields.question}
        placeholder="What the SQL below answers, as someone would ask it"
        hint={
          <>
            {hasSql
              ? 'Saved with the SQL in the editor, which is run first and kept as your answer.'
              : 'The editor is empty: the question is saved without SQL, for someone to answer.'}
            {counter && <span className={size > QUESTION_MAX_BYTES ? 'text-danger' : undefined}> {counter}</span>}
          </>
        }
        aria-required
        spellCheck
      />
      <div className="write-question-actions">
        <Button
          type="submit"
          variant="primary"
          busy={write.isPending}
          aria-keyshortcuts="Control+Shift+S Meta+Shift+S"
          title={`${SAVE_QUESTION_SHORTCUT} from anywhere on the page; ${RUN_SHORTCUT_LABEL} in the question`}
        >
          {hasSql ? 'Save as question' : 'Save question without SQL'} <kbd>{SAVE_QUESTION_SHORTCUT}</kbd>
        </Button>
        <span className="muted small-inline" aria-live="polite">
          {write.isPending ? (hasSql ? 'Running the SQL and saving…' : 'Saving…') : 'From the editor too: the shortcut goes to the question, then saves.'}
        </span>
      </div>
      {outcome}
    </form>
  );
}
