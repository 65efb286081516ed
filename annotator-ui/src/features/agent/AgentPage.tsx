// Project → Agent: leads try the agent on a question and watch its trajectory live; everyone from
// reviewer up reads past runs (trajectories) and opens one.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, llmApi, type AgentRun } from '../../shared/api';
import { RUN_SHORTCUT_LABEL } from '../../shared/shortcuts';
import { LiveTrajectory } from '../runs/Trajectory';
import { AgentStatusBadge } from '../runs/AgentStatus';
import { isNotConfigured, NotConfiguredAlert } from '../runs/NotConfigured';
import { Alert, Button, Card, EmptyState, LoadMore, QueryView, SelectField, Table, TextAreaField, TextField, WhenCell } from '../../components/ui';
import { elapsedMs, formatDuration, formatTokens } from '../../shared/format';
import { bindNumber, bindValue, fieldErrors, formError } from '../../shared/forms';
import { useSession } from '../../shared/session';
import { useProjectScope } from '../projects/ProjectPage';
import { agentRunKeys } from '../runs/keys';
import { databaseKeys } from '../databases/keys';

export const AGENT_RUNS_PAGE = 100;

export function ProjectAgent() {
  const { projectId, lead: canTry } = useProjectScope();
  return (
    <div className="stack">
      {canTry ? (
        <TryAgent projectId={projectId} />
      ) : (
        <Alert tone="info">Leads try the agent on new questions; here you can read every run’s trajectory.</Alert>
      )}
      <AgentRunsCard projectId={projectId} />
    </div>
  );
}

function TryAgent({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const { user } = useSession();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [databaseId, setDatabaseId] = useState('');
  const [question, setQuestion] = useState('');
  const [samples, setSamples] = useState('1');
  const [current, setCurrent] = useState<number | null>(null);
  const dbList = databases.data?.databases ?? [];
  const chosen = databaseId || (dbList[0] ? String(dbList[0].id) : '');

  const ask = useMutation({
    mutationFn: () =>
      llmApi.ask(projectId, { database_id: Number(chosen), question: question.trim(), samples: Number(samples) || 1 }),
    onSuccess: ({ run }) => {
      qc.setQueryData(agentRunKeys.detail(projectId, run.id), { run: { ...run, steps: [] } });
      void qc.invalidateQueries({ queryKey: agentRunKeys.all(projectId) });
      setCurrent(run.id);
    },
  });
  const notConfigured = isNotConfigured(ask.error) ? ask.error : null;
  const fields = notConfigured ? {} : fieldErrors(ask.error);
  const shown = Object.fromEntries(Object.entries(fields).filter(([k]) => ['database_id', 'question', 'samples'].includes(k)));
  const general = notConfigured ? null : formError(ask.error, shown);
  const samplesNumber = Number(samples);
  const samplesError =
    samples !== '' && (!Number.isInteger(samplesNumber) || samplesNumber < 1 || samplesNumber > 10) ? 'From 1 to 10.' : undefined;

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!question.trim() || !chosen || samplesError || ask.isPending) return;
    ask.mutate();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <Card
      title="Try the agent"
      description="Ask a question about one of the project’s databases and watch the agent explore, query and answer."
    >
      <QueryView query={databases} loading="Loading databases…">
        {() =>
          dbList.length === 0 ? (
            <EmptyState title="No databases yet">
              Import a database from the <Link to={`/projects/${projectId}/databases`}>Databases</Link> tab first.
            </EmptyState>
          ) : (
            <form className="form try-agent" onSubmit={submit} aria-label="Try the agent" noValidate>
              <div className="try-agent-row">
                <SelectField label="Database" {...bindValue(chosen, setDatabaseId)} error={fields.database_id}>
                  {dbList.map((d) => (
                    <option key={d.id} value={String(d.id)}>
                      {d.name}
                    </option>
                  ))}
                </SelectField>
                <TextField
                  label="Samples"
                  {...bindNumber(samples, setSamples, 1, 10)}
                  error={samplesError ?? fields.samples}
                  hint="More than one: self-consistency, with a confidence."
                />
              </div>
              <TextAreaField
                label="Question"
                rows={3}
                {...bindValue(question, setQuestion)}
                onKeyDown={onKeyDown}
                error={fields.question}
                placeholder="How many orders were shipped to Norway in 2023?"
                aria-keyshortcuts="Control+Enter Meta+Enter"
              />
              {notConfigured && <NotConfiguredAlert error={notConfigured} isAdmin={user.is_admin} />}
              {general && <Alert>{general}</Alert>}
              <div className="form-actions form-actions-start">
                <Button type="submit" variant="primary" busy={ask.isPending} disabled={!question.trim()}>
                  Ask the agent <kbd>{RUN_SHORTCUT_LABEL}</kbd>
                </Button>
              </div>
            </form>
          )
        }
      </QueryView>
      {current !== null && (
        <div className="try-agent-result">
          <LiveTrajectory key={current} projectId={projectId} runId={current} canSave />
        </div>
      )}
    </Card>
  );
}

export function AgentRunsTable({ runs, projectId, showBatch = true }: { runs: AgentRun[]; projectId: string; showBatch?: boolean }) {
  return (
    <Table columns={['Status', 'Question', { label: 'Tokens', num: true }, 'Started', 'Took']}>
      {runs.map((r) => {
        const took = r.finished_at ? elapsedMs(r.started_at, r.finished_at) : null;
        return (
          <tr key={r.id}>
            <td className="nowrap">
              <AgentStatusBadge status={r.status} />
            </td>
            <td className="question-cell">
              <Link className="strong-link" to={`/projects/${projectId}/agent/${r.id}`}>
                {r.question}
              </Link>
              {showBatch && r.pipeline_run_id != null && (
                <span className="muted small-inline">
                  {' '}
                  · <Link to={`/projects/${projectId}/batches/${r.pipeline_run_id}`}>batch #{r.pipeline_run_id}</Link>
                </span>
              )}
            </td>
            <td className="cell-num nowrap">{formatTokens(r.prompt_tokens + r.completion_tokens)}</td>
            <WhenCell at={r.started_at} />
            <td className="nowrap muted">{took !== null ? formatDuration(took) : '—'}</td>
          </tr>
        );
      })}
    </Table>
  );
}

/** Pages of agent runs (newest first), optionally of one batch. */
export function useAgentRuns(projectId: string, batch?: string | number, live = false) {
  return useInfiniteQuery({
    queryKey: agentRunKeys.list(projectId, batch),
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => llmApi.listAgentRuns(projectId, { batch, before: pageParam }),
    getNextPageParam: (last) => (last.runs.length < AGENT_RUNS_PAGE ? undefined : last.runs[last.runs.length - 1]?.id),
    refetchInterval: (q) =>
      live || (q.state.data?.pages[0]?.runs ?? []).some((r) => r.status === 'running') ? 3000 : false,
  });
}

function AgentRunsCard({ projectId }: { projectId: string }) {
  const runs = useAgentRuns(projectId);
  const list = runs.data?.pages.flatMap((p) => p.runs) ?? [];
  return (
    <Card title="Runs" description="Every trajectory of the agent in this project, newest first.">
      <QueryView query={runs} loading="Loading runs…">
        {() =>
          list.length === 0 ? (
            <EmptyState title="No runs yet">Runs appear here when the agent is tried or a batch runs.</EmptyState>
          ) : (
            <>
              <AgentRunsTable runs={list} projectId={projectId} />
              <LoadMore query={runs} />
            </>
          )
        }
      </QueryView>
    </Card>
  );
}

/** /projects/:projectId/agent/:runId — one trajectory. */
export function AgentRunPage() {
  const { projectId, lead } = useProjectScope();
  const { runId = '' } = useParams();
  return (
    <div className="stack">
      <div>
        <Link to={`/projects/${projectId}/agent`}>← All agent runs</Link>
      </div>
      <LiveTrajectory key={runId} projectId={projectId} runId={runId} canSave={lead} />
    </div>
  );
}
