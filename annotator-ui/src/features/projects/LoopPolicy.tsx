// The annotation loop's policy (leads): how many questions also get human SQL, how many annotators
// each, how many agreements are audited, blind mode and the claim lease; and planning annotation.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError } from '../../shared/api';
import { loopApi, type Policy, type PlanResult } from '../../shared/loop';
import { Alert, Button, Card, QueryView, SelectField, TextField } from '../../components/ui';
import { databaseKeys } from '../databases/keys';
import { projectKeys } from './keys';
import { useVersionedSave, VersionedForm } from './VersionedForm';
import { bindNumber, bindValue, handleSubmit } from '../../shared/forms';

const pct = (x: number) => String(Math.round(x * 1000) / 10);

export function LoopPolicyCard({ projectId }: { projectId: string }) {
  const policy = useQuery({ queryKey: projectKeys.policy(projectId), queryFn: () => loopApi.getPolicy(projectId) });
  return (
    <Card title="Annotation loop" description="Who writes SQL next to the agent, and how disagreements reach review.">
      <QueryView query={policy}>
        {(data) => (
          <div className="stack">
            <PolicyForm key={data.policy.version} projectId={projectId} policy={data.policy} />
            <PlanForm projectId={projectId} policy={data.policy} />
          </div>
        )}
      </QueryView>
    </Card>
  );
}

function PolicyForm({ projectId, policy }: { projectId: string; policy: Policy }) {
  const [share, setShare] = useState(pct(policy.dual_share));
  const [perItem, setPerItem] = useState(String(policy.annotators_per_item));
  const [audit, setAudit] = useState(pct(policy.audit_rate));
  const [blind, setBlind] = useState(policy.blind);
  const [lease, setLease] = useState(String(Math.round(policy.lease_seconds / 60)));
  const { save, fields: f, reload } = useVersionedSave(
    projectKeys.policy(projectId),
    () =>
      loopApi.savePolicy(projectId, {
        version: policy.version,
        dual_share: Number(share) / 100,
        annotators_per_item: Number(perItem),
        audit_rate: Number(audit) / 100,
        blind,
        lease_seconds: Math.round(Number(lease) * 60),
      }),
    'Policy saved',
  );
  return (
    <VersionedForm
      label="Loop policy"
      save={save}
      stale="Someone changed the policy"
      onReload={reload}
      version={policy.version}
      saveLabel="Save policy"
    >
      <div className="form-grid">
        <TextField label="Dual share (%)" step="any" {...bindNumber(share, setShare, 0, 100)} error={f.dual_share} hint="Questions the agent answers that people also annotate" />
        <TextField label="Annotators per item" {...bindNumber(perItem, setPerItem, 1, 5)} error={f.annotators_per_item} />
        <TextField label="Audit rate (%)" step="any" {...bindNumber(audit, setAudit, 0, 100)} error={f.audit_rate} hint="Agreements still sent to review" />
        <TextField label="Claim lease (minutes)" {...bindNumber(lease, setLease, 1, 1440)} error={f.lease_seconds} />
      </div>
      <label className="choice">
        <input type="checkbox" checked={blind} onChange={(e) => setBlind(e.target.checked)} /> Blind: annotators do not see the agent’s SQL before they submit
      </label>
    </VersionedForm>
  );
}

function PlanForm({ projectId, policy }: { projectId: string; policy: Policy }) {
  const dbs = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [database, setDatabase] = useState('');
  const [stage, setStage] = useState('');
  const [share, setShare] = useState('');
  const [result, setResult] = useState<PlanResult | null>(null);
  const plan = useMutation({
    mutationFn: () =>
      loopApi.plan(projectId, {
        ...(database ? { database_id: Number(database) } : {}),
        ...(stage.trim() ? { stage: stage.trim() } : {}),
        ...(share.trim() ? { share: Number(share) / 100 } : {}),
      }),
    onSuccess: setResult,
  });
  const f = plan.error instanceof ApiError ? plan.error.fields : {};
  return (
    <form
      aria-label="Plan annotation"
      className="stack-sm"
      onSubmit={handleSubmit(() => plan.mutate())}
    >
      <h3 className="card-subtitle">Plan annotation</h3>
      <p className="muted small">Creates annotation items for the sampled share of the project’s new questions (planning twice adds nothing).</p>
      <div className="form-grid">
        <SelectField label="Database" {...bindValue(database, setDatabase)}>
          <option value="">All databases</option>
          {(dbs.data?.databases ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </SelectField>
        <TextField label="Stage" {...bindValue(stage, setStage)} placeholder="any" />
        <TextField label="Share (%)" step="any" {...bindNumber(share, setShare, 0, 100)} placeholder={`${pct(policy.dual_share)} (policy)`} error={f.share} />
      </div>
      {plan.isError && Object.keys(f).length === 0 && <Alert>{plan.error.message}</Alert>}
      <div className="toolbar">
        <Button type="submit" busy={plan.isPending}>
          Plan annotation
        </Button>
        {result && (
          <span role="status" data-testid="plan-result">
            {result.selected} new questions considered · {result.sampled} in the {pct(result.share)}% share · {result.items} items created
          </span>
        )}
      </div>
    </form>
  );
}
