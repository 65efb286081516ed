// An agent trajectory as people read it: a status header, the final answer (SQL, explanation, rule
// warnings, confidence, result) and the timeline of steps — the model's thoughts and each tool call
// with its arguments, SQL and result preview, tokens and latency. `LiveTrajectory` follows a running
// trajectory over Server-Sent Events (polling GET when the stream fails).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useEffect, useReducer, useState, type ReactNode } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError, llmApi, streams, type AgentRun, type AgentRunStatus, type AgentStep, type ResultPreview } from '../../shared/api';
import { formatDateTime, formatDuration, formatTokens, elapsedMs } from '../../shared/format';
import { formError } from '../../shared/forms';
import { useEventStream } from '../../shared/sse';
import { initialTrajectory, isFinished, trajectoryReducer } from './trajectory';
import { Prose } from '../../components/Prose';
import { plural, ResultView } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Alert, Badge, Button, ErrorState, Loading, TextField, useToast } from '../../components/ui';
import { agentRunKeys } from './keys';
import { questionKeys } from '../questions/keys';

export const AGENT_STATUS: Record<string, { label: string; tone: string; detail: string }> = {
  running: { label: 'Running', tone: 'info', detail: 'The agent is working on it.' },
  answered: { label: 'Answered', tone: 'success', detail: 'The agent gave a final answer.' },
  budget: { label: 'Out of budget', tone: 'warning', detail: 'The agent ran out of steps or tokens before answering.' },
  loop: { label: 'Stuck in a loop', tone: 'warning', detail: 'The agent repeated itself and was stopped.' },
  error: { label: 'Error', tone: 'danger', detail: 'The run failed.' },
  cancelled: { label: 'Cancelled', tone: 'neutral', detail: 'The run was cancelled.' },
};

export function AgentStatusBadge({ status }: { status: string }) {
  const s = AGENT_STATUS[status];
  return (
    <Badge tone={s?.tone ?? 'neutral'}>
      {status === 'running' && <span className="spinner spinner-tiny badge-spinner" aria-hidden="true" />}
      {s?.label ?? status}
    </Badge>
  );
}

const TOOL_ICONS: Record<string, string> = {
  explore_db: 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3zM4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
  run_sql_query: 'M7 8l-4 4 4 4M17 8l4 4-4 4M14 5l-4 14',
  scratchpad: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  give_final_answer: 'M5 12.5l4.5 4.5L19 7.5',
  model: 'M12 3l1.8 4.7L18.5 9.5l-4.7 1.8L12 16l-1.8-4.7L5.5 9.5l4.7-1.8zM18 15l.9 2.1L21 18l-2.1.9L18 21l-.9-2.1L15 18l2.1-.9z',
};

const TOOL_LABELS: Record<string, string> = {
  explore_db: 'Explore the database',
  run_sql_query: 'Run SQL',
  scratchpad: 'Scratchpad',
  give_final_answer: 'Final answer',
};

function StepIcon({ name }: { name: string }) {
  return (
    <span className={`step-icon step-icon-${name}`} aria-hidden="true">
      <svg viewBox="0 0 24 24" className="icon">
        <path d={TOOL_ICONS[name] ?? TOOL_ICONS.run_sql_query} />
      </svg>
    </span>
  );
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v == null ? '' : JSON.stringify(v);
}

function StepMeta({ step }: { step: AgentStep }) {
  const tokens = step.prompt_tokens + step.completion_tokens;
  return (
    <span className="step-meta">
      {tokens > 0 && (
        <span title={`${step.prompt_tokens} prompt + ${step.completion_tokens} completion tokens`}>
          {formatTokens(tokens)} tokens
        </span>
      )}
      {step.latency_ms > 0 && <span>{formatDuration(step.latency_ms)}</span>}
    </span>
  );
}

/** What explore_db was asked, as a sentence. */
function exploreSummary(args: Record<string, unknown>): ReactNode {
  const action = str(args.action);
  const table = str(args.table);
  switch (action) {
    case 'list_tables':
      return 'list the tables';
    case 'describe_table':
      return (
        <>
          describe <code>{table}</code>
        </>
      );
    case 'find_value':
      return (
        <>
          find “{str(args.value)}”{table && <> in <code>{args.column ? `${table}.${str(args.column)}` : table}</code></>}
        </>
      );
    default:
      return action || 'explore';
  }
}

function ToolResult({ text }: { text: string }) {
  if (!text) return null;
  return (
    <details className="step-tool-result">
      <summary>What the tool told the model</summary>
      <pre>{text}</pre>
    </details>
  );
}

function Preview({ result, label }: { result: ResultPreview | null; label: string }) {
  if (!result) return null;
  return <ResultView result={result} label={label} />;
}

export function StepView({ step, number }: { step: AgentStep; number: number }) {
  const args = (step.args ?? {}) as Record<string, unknown>;
  const isModel = step.kind === 'model';
  const icon = isModel ? 'model' : step.tool;
  let title: ReactNode;
  let body: ReactNode;
  if (isModel) {
    title = 'Model';
    body = step.content.trim() ? <Prose text={step.content} /> : <p className="muted step-empty">Called a tool without comment.</p>;
  } else {
    switch (step.tool) {
      case 'explore_db':
        title = (
          <>
            {TOOL_LABELS.explore_db}: {exploreSummary(args)}
          </>
        );
        body = <ToolResult text={step.result} />;
        break;
      case 'run_sql_query':
        title = TOOL_LABELS.run_sql_query;
        body = (
          <>
            <SqlCode sql={step.sql || str(args.sql)} />
            <Preview result={step.sql_result} label={`Result of step ${number}`} />
            {!step.sql_result && <ToolResult text={step.result} />}
          </>
        );
        break;
      case 'scratchpad':
        title = TOOL_LABELS.scratchpad;
        body = <Prose text={str(args.note)} />;
        break;
      case 'give_final_answer':
        title = TOOL_LABELS.give_final_answer;
        body = (
          <>
            <SqlCode sql={step.sql || str(args.sql)} />
            {str(args.explanation) && <Prose text={str(args.explanation)} />}
            <Preview result={step.sql_result} label={`Result of step ${number}`} />
            <ToolResult text={step.result} />
          </>
        );
        break;
      default:
        title = step.tool || step.kind;
        body = (
          <>
            {step.args && <pre className="step-args">{JSON.stringify(step.args, null, 2)}</pre>}
            <ToolResult text={step.result} />
          </>
        );
    }
  }
  return (
    <li className={`step step-${isModel ? 'model' : 'tool'}`} data-testid="step" data-tool={isModel ? 'model' : step.tool}>
      <StepIcon name={icon} />
      <div className="step-main">
        <div className="step-header">
          <span className="step-title">{title}</span>
          <StepMeta step={step} />
        </div>
        {body}
        {step.error && (
          <div className="query-error step-error">
            <strong>Error</strong>
            <pre>{step.error}</pre>
          </div>
        )}
      </div>
    </li>
  );
}

/** The steps, grouped by sample when the run took several. */
export function Timeline({ steps, samples, running }: { steps: AgentStep[]; samples: number; running: boolean }) {
  const bySample = new Map<number, AgentStep[]>();
  for (const s of steps) {
    const list = bySample.get(s.sample) ?? [];
    list.push(s);
    bySample.set(s.sample, list);
  }
  const groups = [...bySample.entries()].sort((a, b) => a[0] - b[0]);
  if (groups.length === 0) {
    return running ? <Loading label="Waiting for the first step…" /> : <p className="muted">No steps were recorded.</p>;
  }
  return (
    <div className="timeline" aria-label="Trajectory" role="region">
      {groups.map(([sample, list]) => (
        <Fragment key={sample}>
          {(samples > 1 || groups.length > 1) && <h3 className="timeline-sample">Sample {sample + 1}</h3>}
          <ol className="steps">
            {list.map((s, i) => (
              <StepView key={`${s.sample}:${s.index}`} step={s} number={i + 1} />
            ))}
          </ol>
        </Fragment>
      ))}
      {running && (
        <p className="timeline-running muted" role="status">
          <span className="spinner spinner-tiny" aria-hidden="true" /> Thinking…
        </p>
      )}
    </div>
  );
}

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
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <TextField
        label="Question to save"
        value={question}
        onChange={(e) => setQuestion(e.target.value)}
        hint="Edit the wording if it should read better; the agent’s SQL is kept with it."
      />
      <div className="form-inline-submit">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!question.trim()}>
          Save as question
        </Button>
      </div>
      {error && <Alert>{error}</Alert>}
    </form>
  );
}

/** A whole trajectory (header, answer, timeline) from a run and its steps. */
export function TrajectoryView({
  run,
  steps,
  projectId,
  canSave,
  live = false,
}: {
  run: AgentRun;
  steps: AgentStep[];
  projectId: string;
  canSave: boolean;
  live?: boolean;
}) {
  const running = !isFinished(run);
  return (
    <div className="trajectory" data-testid="trajectory">
      <TrajectoryHeader run={run} live={live} />
      <p className="trajectory-question">
        <span className="detail-label">Question</span>
        {run.question}
      </p>
      {run.status === 'answered' && run.sql && <FinalAnswer run={run} steps={steps} projectId={projectId} canSave={canSave} />}
      <Timeline steps={steps} samples={run.samples} running={running} />
    </div>
  );
}


/**
 * Follow one trajectory: GET it, then (while it runs) stream its steps; if the stream fails, poll GET.
 * A run just started (POST /agent/ask) is put in the query cache first, so it shows at once.
 */
export function LiveTrajectory({ projectId, runId, canSave }: { projectId: string; runId: number | string; canSave: boolean }) {
  const qc = useQueryClient();
  const [state, dispatch] = useReducer(trajectoryReducer, initialTrajectory);
  const [streamError, setStreamError] = useState<string | null>(null);
  const [fallback, setFallback] = useState(false);
  const finished = state.done || isFinished(state.run);

  const fetched = useQuery({
    queryKey: agentRunKeys.detail(projectId, runId),
    queryFn: () => llmApi.getAgentRun(projectId, runId),
    refetchInterval: fallback && !finished ? 1500 : false,
  });
  useEffect(() => {
    if (fetched.data) dispatch({ type: 'load', run: fetched.data.run });
  }, [fetched.data]);

  const streamUrl = state.run !== null && !finished && !fallback ? streams.agentRun(projectId, runId) : null;
  const streamState = useEventStream(
    streamUrl,
    {
      step: (d) => dispatch({ type: 'step', step: d as AgentStep }),
      run: (d) => dispatch({ type: 'run', run: d as AgentRun }),
      done: (d) => {
        dispatch({ type: 'done', status: (d as { status?: AgentRunStatus } | null)?.status });
        void qc.invalidateQueries({ queryKey: agentRunKeys.all(projectId) });
        void qc.invalidateQueries({ queryKey: agentRunKeys.detail(projectId, runId) });
      },
    },
    setStreamError,
  );
  useEffect(() => {
    if (streamState === 'fallback') setFallback(true);
  }, [streamState]);

  if (!state.run) {
    if (fetched.isError) return <ErrorState error={fetched.error} onRetry={() => fetched.refetch()} />;
    return <Loading label="Loading the trajectory…" />;
  }
  return (
    <>
      {streamError && !finished && (
        <Alert tone="warning">The live stream stopped ({streamError}); following the run by polling.</Alert>
      )}
      <TrajectoryView
        run={state.run}
        steps={state.steps}
        projectId={projectId}
        canSave={canSave}
        live={streamState === 'open' || streamState === 'connecting'}
      />
    </>
  );
}

/** True when an error is the API's "no language model is configured". */
export function isNotConfigured(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 409 && err.code === 'llm_not_configured';
}

/** The clear message for llm_not_configured (the server's own words), with the settings link for admins. */
export function NotConfiguredAlert({ error, isAdmin }: { error: ApiError; isAdmin: boolean }) {
  const message = error.message.charAt(0).toUpperCase() + error.message.slice(1);
  return (
    <Alert
      tone="warning"
      action={
        isAdmin ? (
          <Link className="btn btn-secondary btn-sm" to="/settings/llm">
            Open Language model settings
          </Link>
        ) : undefined
      }
    >
      <span data-testid="llm-not-configured">{message}.</span>
      {!isAdmin && <> Ask an administrator to set it up.</>}
    </Alert>
  );
}
