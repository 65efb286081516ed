// The end of an agent run: its header, its final SQL with the result, and saving it as a question.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { llmApi, type AgentRun, type AgentStep, type ResultPreview } from '../../shared/api';
import { formatDateTime, formatDuration, formatTokens, elapsedMs } from '../../shared/format';
import { bindValue, formError, handleSubmit } from '../../shared/forms';
import { Prose } from '../../components/Prose';
import { plural, ResultView } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Alert, Badge, SubmitRow, TextField, useToast } from '../../components/ui';
import { questionKeys } from '../questions/keys';
import { AGENT_STATUS, AgentStatusBadge } from './AgentStatus';

/** The result of the final SQL, from the step that gave it. */
function finalResult(run: AgentRun, steps: AgentStep[]): ResultPreview | null {
  const finals = steps.filter((s) => s.tool === 'give_final_answer' && s.sql_result);
  const same = finals.filter((s) => s.sql.trim() === run.sql.trim());
  return (same[same.length - 1] ?? finals[finals.length - 1])?.sql_result ?? null;
}

export function TrajectoryHeader({ run, live }: { run: AgentRun; live: boolean }) {
  const status = AGENT_STATUS[run.status];
  const tokens = run.prompt_tokens + run.completion_tokens;
  const took = elapsedMs(run.started_at, run.finished_at);
  return (
    <div className={`trajectory-header trajectory-${run.status}`} data-testid="trajectory-status">
      <div className="trajectory-status">
        <AgentStatusBadge status={run.status} />
        <span className="muted">{run.stop_detail || status?.detail}</span>
      </div>
      <div className="trajectory-facts muted">
        {run.model && <span>{run.model}</span>}
        {run.samples > 1 && <span>{plural(run.samples, 'sample')}</span>}
        {tokens > 0 && <span>{formatTokens(tokens)} tokens</span>}
        {took !== null && run.finished_at && <span>{formatDuration(took)}</span>}
        <span title={formatDateTime(run.started_at)}>#{run.id}</span>
        {live && run.status === 'running' && <span className="live-dot">live</span>}
      </div>
    </div>
  );
}

export function FinalAnswer({
  run,
  steps,
  projectId,
  canSave,
}: {
  run: AgentRun;
  steps: AgentStep[];
  projectId: string;
  canSave: boolean;
}) {
  const warnings = run.warnings ?? [];
  const result = finalResult(run, steps);
  return (
    <section className="final-answer" aria-label="Final answer" data-testid="final-answer">
      <div className="final-answer-header">
        <h3>Final answer</h3>
        {run.confidence != null && run.samples > 1 && (
          <Badge tone={run.confidence >= 0.75 ? 'success' : run.confidence >= 0.5 ? 'warning' : 'danger'}>
            Confidence {Math.round(run.confidence * 100)}%
          </Badge>
        )}
      </div>
      <SqlCode sql={run.sql} caption="SQL (PostgreSQL)" />
      {run.explanation && <Prose text={run.explanation} />}
      {warnings.length > 0 && (
        <ul className="rule-warnings" aria-label="Rule warnings">
          {warnings.map((w, i) => (
            <li key={i}>
              <Badge tone="warning">{w.rule}</Badge> <span>{w.message}</span>
            </li>
          ))}
        </ul>
      )}
      {result && (
        <div className="panel result-panel">
          <ResultView result={result} label="Final answer result" />
        </div>
      )}
      {canSave && <SaveAsQuestion run={run} projectId={projectId} />}
    </section>
  );
}

function SaveAsQuestion({ run, projectId }: { run: AgentRun; projectId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [question, setQuestion] = useState(run.question);
  const questionsUrl = `/projects/${projectId}/questions`;
  const save = useMutation({
    mutationFn: () => llmApi.saveAgentRun(projectId, run.id, question.trim() !== run.question ? question.trim() : undefined),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: questionKeys.all(projectId) });
      // Toasts render outside the router: a plain link that navigates within the app.
      toast(
        <>
          Saved as a question.{' '}
          <a
            className="toast-link"
            href={questionsUrl}
            onClick={(e) => {
              e.preventDefault();
              navigate(questionsUrl);
            }}
          >
            Open Questions
          </a>
        </>,
      );
    },
  });
  if (run.nlq_id != null && !save.isSuccess) {
    return (
      <p className="muted small-inline">
        Kept as question #{run.nlq_id}. <Link to={`/projects/${projectId}/questions`}>Questions</Link>
      </p>
    );
  }
  if (save.isSuccess) {
    return (
      <Alert tone="success" title="Saved as a question">
        Question #{save.data.nlq.id} has the agent’s SQL as its first candidate.{' '}
        <Link to={`/projects/${projectId}/questions`}>Open the Questions tab</Link>
      </Alert>
    );
  }
  const error = save.error ? formError(save.error, {}) : null;
  return (
    <form
      className="save-question"
      aria-label="Save as question"
      onSubmit={handleSubmit(() => save.mutate())}
    >
      <TextField
        label="Question to save"
        {...bindValue(question, setQuestion)}
        hint="Edit the wording if it should read better; the agent’s SQL is kept with it."
      />
      <SubmitRow busy={save.isPending} disabled={!question.trim()} layout="inline">
        Save as question
      </SubmitRow>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}
