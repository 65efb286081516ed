// Recomputing the metrics, the state of a computation, and what one was computed with.
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../../shared/api';
import { formatCount } from '../../components/ResultGrid';
import { Alert, Badge, Button, CopyButton } from '../../components/ui';
import { elapsedMs, formatDateTime, formatDuration, formatRelative } from '../../shared/format';
import { type MetricRun } from './api';
import { computationName, describeEmbedding, shortHash, startedBy, TRIGGER_LABELS } from './computations';
import { stageName } from './stages';
import { canManageProject } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { useProject } from '../projects/ProjectPage';
import { projectKeys } from '../projects/keys';
import { useNow, type Computation } from './useComputation';

export function ComputeControls({ computation, first }: { computation: Computation; first: boolean }) {
  const [lexical, setLexical] = useState(false);
  return (
    <div className="compute-bar">
      <label className="choice small" title="Hashed character n-grams instead of the embeddings model: offline, but not semantic">
        <input type="checkbox" checked={lexical} onChange={(e) => setLexical(e.target.checked)} /> Use the lexical fallback
      </label>
      <Button variant="primary" size="sm" onClick={() => computation.start(lexical)} busy={computation.starting} disabled={computation.running !== null}>
        {first ? 'Compute metrics' : 'Recompute'}
      </Button>
    </div>
  );
}

/** The run being computed (spinner, elapsed time, status), or why the last one failed. */
export function ComputeStatus({ computation, shown }: { computation: Computation; shown: MetricRun | null }) {
  const { running, failed, notice, startError } = computation;
  const now = useNow(running !== null);
  return (
    <>
      {running && (
        <div className="compute-progress" data-testid="compute-progress">
          <span className="spinner spinner-inline" aria-hidden="true" />
          <span role="status">Computing metrics ({computationName(running)})…</span>
          <span className="muted small">
            {formatDuration(elapsedMs(running.created_at, null, now) ?? 0)} · {running.status}
          </span>
        </div>
      )}
      {notice && <Alert tone="info">{notice}</Alert>}
      {startError && <Alert title="Could not start the computation">{startError}</Alert>}
      {failed && (
        <Alert title={`${computationName(failed)} failed`}>
          <p className="prewrap">{failed.error || 'No reason was recorded.'}</p>
          {shown && <p className="small">The figures below are still those of {computationName(shown)}, the last one that succeeded.</p>}
        </Alert>
      )}
    </>
  );
}

export function EmbeddingLabel({ name }: { name: string }) {
  const e = describeEmbedding(name);
  return (
    <span className="embedding-label" data-testid="embedding">
      {e.lexical ? <Badge tone="warning">Lexical fallback</Badge> : null}
      <span>{e.text}</span>
      {e.lexical && <code className="small-mono">{name}</code>}
    </span>
  );
}

/** What the figures were computed from, so they can be reproduced. */
export function RunFacts({ run }: { run: MetricRun }) {
  const { user } = useSession();
  const project = useProject();
  const members = useQuery({
    queryKey: projectKeys.members(project.id),
    queryFn: () => api.listMembers(project.id),
    enabled: canManageProject(project.my_role) && run.started_by !== null && run.started_by !== user.id,
  });
  const emails = useMemo(() => new Map((members.data?.members ?? []).map((m) => [m.user_id, m.email])), [members.data]);
  return (
    <dl className="metrics-facts" aria-label="Computation">
      <div>
        <dt>Embedding</dt>
        <dd>
          <EmbeddingLabel name={run.embedding} />
        </dd>
      </div>
      <div>
        <dt>Computed</dt>
        <dd title={formatDateTime(run.finished_at ?? run.created_at)}>
          {formatRelative(run.finished_at ?? run.created_at)} · {TRIGGER_LABELS[run.trigger] ?? run.trigger}, by {startedBy(run, user.id, emails)}
        </dd>
      </div>
      <div>
        <dt>Questions</dt>
        <dd>
          {formatCount(run.nlqs)}
          {run.stage !== null && <span className="muted"> of stage {stageName(run.stage)}</span>}
        </dd>
      </div>
      <div>
        <dt>Computation · inputs</dt>
        <dd>
          #{run.number ?? run.id} ·{' '}
          <code className="small-mono" title={`Inputs hash (SHA-256 over each question, its SQL and the embedding model): ${run.inputs_hash}`}>
            {shortHash(run.inputs_hash)}
          </code>{' '}
          {run.inputs_hash && <CopyButton value={run.inputs_hash} label="Copy hash" />}
        </dd>
      </div>
    </dl>
  );
}
