// Where a generated question came from: its pipeline, method, prompt version, model and run, with a
// link to its parent question.
import { Link } from 'react-router';
import { type Nlq } from '../../shared/api';

/** What a generated question's origin records (docs/API.md, generating pipelines). */
interface GeneratedOrigin {
  kind?: string;
  pipeline?: string;
  prompt_version?: string;
  model?: string;
  run_id?: number;
  item?: string;
  method?: string;
  parent_id?: number;
  style_ref_id?: number;
  tables?: string[];
  columns?: string[];
}

/** Where a generated question came from: pipeline, method, prompt, model, run and parent. Nothing for imports. */
export function Lineage({ projectId, nlq, showRun }: { projectId: string; nlq: Nlq; showRun: boolean }) {
  const o = (nlq.origin ?? {}) as GeneratedOrigin;
  if (!o.pipeline && o.run_id == null) return null;
  const parent = nlq.parent_id ?? o.parent_id ?? null;
  const question = (id: number) => <Link to={`/projects/${projectId}/questions/${id}`}>question #{id}</Link>;
  return (
    <section aria-label="Lineage" className="nlq-history-section">
      <h3 className="nlq-history-heading">Lineage</h3>
      <dl className="lineage" data-testid="lineage">
        <dt>Pipeline</dt>
        <dd>{o.pipeline ?? o.kind}</dd>
        {o.method && (
          <>
            <dt>Method</dt>
            <dd>{o.method}</dd>
          </>
        )}
        {parent != null && (
          <>
            <dt>Parent</dt>
            <dd>{question(parent)}</dd>
          </>
        )}
        {o.style_ref_id != null && (
          <>
            <dt>Style reference</dt>
            <dd>{question(o.style_ref_id)}</dd>
          </>
        )}
        {(o.tables ?? []).length > 0 && (
          <>
            <dt>Tables</dt>
            <dd className="mono small-mono">{(o.tables ?? []).join(', ')}</dd>
          </>
        )}
        {(o.columns ?? []).length > 0 && (
          <>
            <dt>Columns</dt>
            <dd className="mono small-mono">{(o.columns ?? []).join(', ')}</dd>
          </>
        )}
        <dt>Prompt version</dt>
        <dd className="mono small-mono">{o.prompt_version ?? '—'}</dd>
        <dt>Model</dt>
        <dd className="mono small-mono">{o.model || '—'}</dd>
        {o.run_id != null && (
          <>
            <dt>Run</dt>
            <dd>
              {showRun ? <Link to={`/projects/${projectId}/pipelines/${o.run_id}`}>run #{o.run_id}</Link> : `run #${o.run_id}`}
              {o.item && <span className="muted"> · item {o.item}</span>}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
