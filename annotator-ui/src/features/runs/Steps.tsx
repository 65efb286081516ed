// An agent run's steps: each tool call with its arguments, result and timing, as a timeline.
import { Fragment, type ReactNode } from 'react';
import { type AgentStep, type ResultPreview } from '../../shared/api';
import { formatDuration, formatTokens } from '../../shared/format';
import { Prose } from '../../components/Prose';
import { ResultView } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Loading } from '../../components/ui';

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
    <span className={`disc step-icon step-icon-${name}`} aria-hidden="true">
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
