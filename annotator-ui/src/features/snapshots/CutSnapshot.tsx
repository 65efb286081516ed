// The lead's form that cuts a snapshot: filters (stages, dates, hardness, review status, databases),
// the split's shares and seed, and whether to split by database.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../../shared/api';
import { plural } from '../../components/ResultGrid';
import { Alert, Card, Checkbox, SubmitRow, TextField, useToast } from '../../components/ui';
import { fieldErrors, formError, handleSubmit, useFormState } from '../../shared/forms';
import { goldenApi, HARDNESS, REVIEW_STATUSES, type SnapshotParams, type SnapshotRequest } from '../../shared/golden';
import { databaseKeys } from '../databases/keys';
import { snapshotKeys } from './keys';
import { toggledIn } from '../../shared/toggle';
import { HARDNESS_LABELS } from './labels';

interface CutForm {
  name: string;
  stages: string;
  databases: number[];
  hardness: string[];
  review: string[];
  from: string;
  to: string;
  seed: string;
  train: string;
  val: string;
  test: string;
  byDatabase: boolean;
}

const EMPTY_CUT: CutForm = {
  name: '',
  stages: '',
  databases: [],
  hardness: [],
  review: [],
  from: '',
  to: '',
  seed: '0',
  train: '0.8',
  val: '0.1',
  test: '0.1',
  byDatabase: false,
};

/** The form as the API's body: filters only when set. */
export function snapshotParams(f: CutForm): SnapshotRequest {
  const filters: SnapshotParams['filters'] = {};
  const stages = f.stages
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (stages.length) filters.stages = stages;
  if (f.databases.length) filters.database_ids = f.databases;
  if (f.hardness.length) filters.hardness = f.hardness;
  if (f.review.length) filters.review_status = f.review;
  if (f.from) filters.created_from = new Date(`${f.from}T00:00:00`).toISOString();
  if (f.to) filters.created_to = new Date(`${f.to}T00:00:00`).toISOString();
  const body: SnapshotRequest = {
    name: f.name.trim(),
    seed: Number(f.seed || 0),
    ratios: { train: Number(f.train || 0), val: Number(f.val || 0), test: Number(f.test || 0) },
    split_by_database: f.byDatabase,
  };
  if (Object.keys(filters).length) body.filters = filters;
  return body;
}

/** A filter of the cut as checkboxes: none ticked means no filter (`none` says what is taken then). */
function CheckList<T extends string | number>({
  legend,
  options,
  checked,
  onChange,
  none,
  error,
}: {
  legend: string;
  options: { value: T; label: string; title?: string }[];
  checked: T[];
  onChange: (checked: T[]) => void;
  none: string;
  error?: string;
}) {
  return (
    <fieldset className="method-choice">
      <legend>{legend}</legend>
      {options.map((o) => (
        <Checkbox key={o.value} title={o.title} checked={checked.includes(o.value)} onChange={() => onChange(toggledIn(checked, o.value))}>
          {o.label}
        </Checkbox>
      ))}
      <span className="muted small">None ticked: {none}.</span>
      {error && <p className="field-error" role="alert">{error}</p>}
    </fieldset>
  );
}

export function CutSnapshot({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [form, setForm, set] = useFormState<CutForm>(EMPTY_CUT);
  const cut = useMutation({
    mutationFn: () => goldenApi.createSnapshot(projectId, snapshotParams(form)),
    onSuccess: (snap) => {
      void qc.invalidateQueries({ queryKey: snapshotKeys.list(projectId) });
      qc.setQueryData(snapshotKeys.detail(projectId, snap.id), snap);
      toast(`Snapshot #${snap.id} cut: ${plural(snap.pairs, 'pair')}`);
      navigate(`/projects/${projectId}/snapshots/${snap.id}`);
    },
  });
  const nothing = cut.error instanceof ApiError && cut.error.status === 409 ? cut.error : null;
  const fields = nothing ? {} : fieldErrors(cut.error);
  const ratioSum = Number(form.train || 0) + Number(form.val || 0) + Number(form.test || 0);
  const local = {
    name: form.name.trim() ? undefined : 'Name the snapshot.',
    seed: Number.isInteger(Number(form.seed || 0)) ? undefined : 'A whole number.',
    ratios:
      [form.train, form.val, form.test].some((v) => !(Number(v || 0) >= 0)) ? 'Each share is 0 or more.'
      : Math.abs(ratioSum - 1) > 1e-9 ? `The shares sum to ${Math.round(ratioSum * 1000) / 1000}, not 1.`
      : undefined,
  };
  const [tried, setTried] = useState(false);
  const invalid = Object.values(local).some(Boolean);
  const known = ['name', 'seed', 'ratios', 'filters.hardness', 'filters.review_status', 'filters.created_to', 'filters.created_from', 'filters.stages', 'filters.database_ids', 'split_by_database'];
  const other = Object.fromEntries(Object.entries(fields).filter(([k]) => !known.includes(k)));
  const general = nothing ? null : formError(cut.error, fields);
  const submit = handleSubmit(() => {
    setTried(true);
    if (!invalid) cut.mutate();
  });
  const show = (k: keyof typeof local) => (tried ? local[k] : undefined);
  return (
    <Card title="Cut a snapshot" description="An immutable golden set from the accepted questions with gold SQL, split into train, validation and test.">
      <form className="form" onSubmit={submit} aria-label="Cut a snapshot" noValidate>
        <div className="batch-fields">
          <TextField label="Name" value={form.name} onChange={set('name')} error={show('name') ?? fields.name} placeholder="v1 golden set" />
          <TextField label="Stages" value={form.stages} onChange={set('stages')} error={fields['filters.stages']} placeholder="All stages" hint="Comma-separated." />
          <TextField label="Created from" type="date" value={form.from} onChange={set('from')} error={fields['filters.created_from']} />
          <TextField label="Created before" type="date" value={form.to} onChange={set('to')} error={fields['filters.created_to']} />
          <TextField label="Seed" type="number" value={form.seed} onChange={set('seed')} error={show('seed') ?? fields.seed} hint="The same seed cuts the same split." />
        </div>
        <fieldset className="method-choice" aria-label="Split ratios">
          <legend>Split (shares summing to 1)</legend>
          <div className="batch-fields ratio-fields">
            <TextField label="Train" type="number" step="0.05" min={0} max={1} value={form.train} onChange={set('train')} />
            <TextField label="Validation" type="number" step="0.05" min={0} max={1} value={form.val} onChange={set('val')} />
            <TextField label="Test" type="number" step="0.05" min={0} max={1} value={form.test} onChange={set('test')} />
          </div>
          {(show('ratios') ?? fields.ratios) && (
            <p className="field-error" role="alert">
              {show('ratios') ?? fields.ratios}
            </p>
          )}
          <Checkbox checked={form.byDatabase} onChange={(byDatabase) => setForm((f) => ({ ...f, byDatabase }))}>
            Split by database (no database in two splits)
          </Checkbox>
        </fieldset>
        <CheckList
          legend="Hardness"
          options={HARDNESS.map((h) => ({ value: h, label: HARDNESS_LABELS[h] }))}
          checked={form.hardness}
          onChange={(hardness) => setForm((f) => ({ ...f, hardness }))}
          none="every level"
          error={fields['filters.hardness']}
        />
        <CheckList
          legend="Review status"
          options={REVIEW_STATUSES.map((r) => ({ value: r.id, label: r.label, title: r.hint }))}
          checked={form.review}
          onChange={(review) => setForm((f) => ({ ...f, review }))}
          none="every accepted pair"
          error={fields['filters.review_status']}
        />
        {(databases.data?.databases.length ?? 0) > 0 && (
          <CheckList
            legend="Databases"
            options={databases.data!.databases.map((d) => ({ value: d.id, label: d.name }))}
            checked={form.databases}
            onChange={(dbs) => setForm((f) => ({ ...f, databases: dbs }))}
            none="every database"
            error={fields['filters.database_ids']}
          />
        )}
        <p className="muted small">
          Only accepted questions with gold SQL are taken. Review status: agreed (the agent and an annotator wrote matching SQL),
          reviewed (a reviewer accepted or edited it), imported (the imported gold SQL, never annotated or reviewed).
        </p>
        {nothing && (
          <Alert tone="warning" title="Nothing to snapshot">
            {nothing.message.replace(/^nothing to snapshot:\s*/i, '')}. Accept some questions (annotation or review, or an imported benchmark's verified gold below) or widen the filters.
          </Alert>
        )}
        {Object.keys(other).length > 0 && <Alert>{Object.entries(other).map(([k, v]) => `${k}: ${v}`).join('; ')}</Alert>}
        {general && <Alert>{general}</Alert>}
        <SubmitRow busy={cut.isPending} layout="start">
          Cut snapshot
        </SubmitRow>
      </form>
    </Card>
  );
}
