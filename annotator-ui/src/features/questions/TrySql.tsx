// "Try SQL" under a question: write SQL for it in the editor (completion from the question's database),
// run it with Ctrl/Cmd-Enter, and see the result with two verdicts: does it give the same result as the
// question's stored SQL, and (WikiTableQuestions) does it give the answer. Loaded on demand with the editor.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { api, type CheckResult, type Nlq } from '../../shared/api';
import { ResultView } from '../../components/ResultGrid';
import { SqlRunPanel, type SqlEditorHandle } from '../../components/SqlEditor';
import { Button, ErrorState, Icon } from '../../components/ui';
import { HIDDEN_SQL } from '../../shared/nlqs';
import { databaseKeys } from '../databases/keys';

export function TrySql({ projectId, nlq }: { projectId: string; nlq: Nlq }) {
  const [sql, setSql] = useState('');
  const editor = useRef<SqlEditorHandle>(null);
  const databaseId = nlq.database_id;
  // Same key as the database page, so the schema is shared between the two.
  const schema = useQuery({
    queryKey: databaseKeys.detail(projectId, databaseId),
    queryFn: () => api.getDatabase(projectId, databaseId!),
    enabled: databaseId !== null,
  });
  const check = useMutation({ mutationFn: (text: string) => api.checkSql(projectId, nlq.id, text) });
  const stored = nlq.candidate?.sql ?? '';
  const wtq = (nlq.target_values ?? []).length > 0;

  if (databaseId === null) {
    return (
      <section className="try-sql" aria-label="Try SQL">
        <span className="detail-label">Try SQL</span>
        <p className="muted small-inline">This question has no database to run SQL on.</p>
      </section>
    );
  }

  const run = () => {
    if (!sql.trim() || check.isPending) return;
    check.mutate(sql);
  };
  const startFromStored = () => {
    setSql(stored);
    requestAnimationFrame(() => editor.current?.focus());
  };

  return (
    <section className="try-sql" aria-label="Try SQL">
      <div className="try-sql-header">
        <span className="detail-label">Try SQL</span>
        <span className="muted small-inline">
          {nlq.answers_hidden ? (
            <>
              Runs on {nlq.database_name ?? 'its database'}
              {wtq ? ' and is compared with the answer' : ''}. Nothing is saved. {HIDDEN_SQL}
            </>
          ) : (
            <>
              Runs on {nlq.database_name ?? 'its database'} and is compared with the stored SQL
              {wtq ? ' and the answer' : ''}. Nothing is saved.
            </>
          )}
        </span>
        {stored && (
          <Button size="sm" variant="ghost" className="try-sql-start" onClick={startFromStored}>
            Start from the stored SQL
          </Button>
        )}
      </div>
      <SqlRunPanel
        ref={editor}
        value={sql}
        onChange={setSql}
        onRun={run}
        tables={schema.data?.tables ?? []}
        label="Try SQL"
        minLines={4}
        runLabel="Check"
        size="sm"
        busy={check.isPending}
        toolbar={schema.isError && <span className="muted small-inline">Could not load the schema: no completion.</span>}
      />
      <div aria-live="polite" aria-busy={check.isPending}>
        {check.isError ? (
          <ErrorState error={check.error} />
        ) : check.data ? (
          <div className={check.isPending ? 'stale' : undefined}>
            <CheckView result={check.data} storedFails={Boolean(nlq.candidate?.error)} />
          </div>
        ) : null}
      </div>
    </section>
  );
}

/** The two verdicts, then the result of the SQL that was checked. */
export function CheckView({ result, storedFails = false }: { result: CheckResult; storedFails?: boolean }) {
  const exec = result.execution_match;
  const answer = result.answer_match;
  const answers = (answer?.answers ?? []).join(', ');
  return (
    <div className="stack-sm" data-testid="check-result">
      <div className="check-verdicts" role="status">
        {exec ? (
          <Verdict ok={exec.match} testId="execution-verdict">
            {exec.match ? 'Same result as the stored SQL' : `Differs from the stored SQL: ${exec.reason}`}
          </Verdict>
        ) : (
          <span className="muted small-inline">
            {storedFails ? 'The stored SQL fails, so there is no result to compare with.' : 'No stored SQL to compare with.'}
          </span>
        )}
        {answer && (
          <Verdict ok={answer.match} testId="answer-verdict">
            {answer.match ? `Matches the answer (${answers})` : `Does not match the answer: ${answer.reason}`}
          </Verdict>
        )}
      </div>
      <div className="panel check-result-panel">
        <ResultView result={result.result} label="Try SQL result" />
      </div>
    </div>
  );
}

function Verdict({ ok, testId, children }: { ok: boolean; testId: string; children: string }) {
  return (
    <span className={`check-verdict ${ok ? 'check-verdict-ok' : 'check-verdict-bad'}`} data-testid={testId}>
      <Icon name={ok ? 'check' : 'cross'} />
      {children}
    </span>
  );
}
