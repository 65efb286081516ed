// The form that starts an agent batch over the project's questions (a database, a stage, a status, a
// limit), with its concurrency and samples per question.
import { useQuery } from '@tanstack/react-query';
import { api, llmApi, type AgentBatchParams } from '../../shared/api';
import { plural } from '../../components/ResultGrid';
import { isNotConfigured } from '../runs/NotConfigured';
import { Card, SelectField, TextField } from '../../components/ui';
import { STATUS_LABELS } from '../../shared/nlqs';
import { runKeys } from '../runs/keys';
import { runName } from '../runs/name';
import { useStartRun } from '../runs/useStartRun';
import { databaseKeys } from '../databases/keys';
import { RunFormFooter } from '../runs/RunForm';
import { handleSubmit, useFormState, wholeIn } from '../../shared/forms';

/** The form's values as the API's params: only what was set. */
export function batchParams(form: {
  database: string;
  stage: string;
  status: string;
  limit: string;
  concurrency: string;
  samples: string;
}): Partial<AgentBatchParams> {
  const p: Partial<AgentBatchParams> = {};
  if (form.database) p.database_id = Number(form.database);
  if (form.stage.trim()) p.stage = form.stage.trim();
  if (form.status) p.status = form.status;
  if (form.limit.trim()) p.limit = Number(form.limit);
  p.concurrency = form.concurrency.trim() ? Number(form.concurrency) : 16;
  p.samples = form.samples.trim() ? Number(form.samples) : 1;
  return p;
}

const BATCH_FIELDS = ['database_id', 'stage', 'status', 'limit', 'concurrency', 'samples'];

/** The form's counts: how many questions, agents at once and samples per question. */
const COUNT_FIELDS = [
  { key: 'limit', label: 'Limit', placeholder: 'All matching' },
  { key: 'concurrency', label: 'Concurrency', hint: 'Agents at once.' },
  { key: 'samples', label: 'Samples', max: 10, hint: 'Per question.' },
] as const;

export function NewBatch({ projectId }: { projectId: string }) {
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const [form, , set] = useFormState({ database: '', stage: '', status: '', limit: '', concurrency: '16', samples: '1' });
  // Errors of fields this form has show beside them; any other (say `questions`: none match) above the button.
  const { mutation: start, noModel: notConfigured, fields, general } = useStartRun({
    projectId,
    start: () => llmApi.startAgentBatch(projectId, batchParams(form)),
    listKey: runKeys.list(projectId),
    started: (run) => `${runName('Batch', run)} started: ${plural(run.total, 'question')}`,
    known: BATCH_FIELDS,
    missingModel: isNotConfigured,
  });
  const local = {
    limit: wholeIn(form.limit, 1, 1_000_000) ? undefined : 'A whole number, 1 or more.',
    concurrency: wholeIn(form.concurrency, 1, 256) ? undefined : 'From 1 to 256.',
    samples: wholeIn(form.samples, 1, 10) ? undefined : 'From 1 to 10.',
  };
  const invalid = Object.values(local).some(Boolean);
  const submit = handleSubmit(() => {
    if (!invalid) start.mutate();
  });
  return (
    <Card
      title="New agent batch"
      description="Run the agent on the project’s questions: each answered question gets the agent’s SQL as a candidate."
    >
      <form className="form" onSubmit={submit} aria-label="New agent batch" noValidate>
        <div className="batch-fields">
          <SelectField label="Database" value={form.database} onChange={set('database')} error={fields.database_id}>
            <option value="">All databases</option>
            {(databases.data?.databases ?? []).map((d) => (
              <option key={d.id} value={String(d.id)}>
                {d.name}
              </option>
            ))}
          </SelectField>
          <TextField label="Stage" value={form.stage} onChange={set('stage')} error={fields.stage} placeholder="Any stage" />
          <SelectField label="Status" value={form.status} onChange={set('status')} error={fields.status}>
            <option value="">All</option>
            <option value="new">{STATUS_LABELS.new}</option>
            <option value="needs_review">{STATUS_LABELS.needs_review}</option>
          </SelectField>
          {COUNT_FIELDS.map(({ key: k, label, ...extra }) => (
            <TextField key={k} label={label} type="number" min={1} {...extra} value={form[k]} onChange={set(k)} error={local[k] ?? fields[k]} />
          ))}
        </div>
        <RunFormFooter notConfigured={notConfigured} general={general} startLabel="Start batch" busy={start.isPending} disabled={invalid} />
      </form>
    </Card>
  );
}
