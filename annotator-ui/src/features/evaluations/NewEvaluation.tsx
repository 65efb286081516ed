// The form that starts an evaluation: a snapshot's split, the model, the prompt template (the project's
// current one to start with), an optional judge and a budget.
import { plural } from '../../components/ResultGrid';
import { Card, Checkbox, SelectField, TextField } from '../../components/ui';
import { handleSubmit, useFormState, wholeIn } from '../../shared/forms';
import { goldenApi, placeholderError, type EvalStart } from '../../shared/golden';
import { evaluationKeys } from './keys';
import { useStartRun } from '../runs/useStartRun';
import { runName } from '../runs/name';
import { BudgetFields, budgetParams, EMPTY_BUDGET, ModelFields, PromptTemplateField, RunFormFooter, type BudgetForm } from '../runs/RunForm';
import { useCurrentPrompt } from '../optimizations/useCurrentPrompt';
import { SnapshotSelect } from '../snapshots/SnapshotSelect';

interface EvalForm {
  snapshot: string;
  split: string;
  model: string;
  base_url: string;
  prompt: string;
  judge: boolean;
  judge_model: string;
  limit: string;
  concurrency: string;
  budget: BudgetForm;
}

/**
 * The form as the API's body: only what was set. The prompt goes only when it is not the project's
 * current template (`current`), so that the evaluation records the version it used.
 */
export function evaluationParams(f: EvalForm, current?: string): EvalStart {
  const body: EvalStart = { snapshot_id: Number(f.snapshot), split: f.split };
  if (f.model.trim()) body.model = f.model.trim();
  if (f.base_url.trim()) body.base_url = f.base_url.trim();
  if (f.prompt.trim() && f.prompt !== current) body.prompt = f.prompt;
  if (f.judge) {
    body.judge = true;
    if (f.judge_model.trim()) body.judge_model = f.judge_model.trim();
  }
  if (f.limit.trim()) body.limit = Number(f.limit);
  body.concurrency = f.concurrency.trim() ? Number(f.concurrency) : 8;
  const budget = budgetParams(f.budget);
  if (budget) body.budget = budget;
  return body;
}

export function NewEvaluation({ projectId }: { projectId: string }) {
  const [form, setForm, set] = useFormState<EvalForm>({
    snapshot: '',
    split: 'test',
    model: '',
    base_url: '',
    prompt: '',
    judge: false,
    judge_model: '',
    limit: '',
    concurrency: '8',
    budget: EMPTY_BUDGET,
  });
  const prompts = useCurrentPrompt(projectId, (update) => setForm((f) => ({ ...f, prompt: update(f.prompt) })));
  const { mutation: start, noModel, fields, general } = useStartRun({
    projectId,
    start: () => goldenApi.startEvaluation(projectId, evaluationParams(form, prompts.data?.current.body)),
    listKey: evaluationKeys.list(projectId),
    started: (run) => `${runName('Evaluation', run)} started: ${plural(run.total, 'item')}`,
    known: ['snapshot_id', 'split', 'model', 'base_url', 'prompt', 'judge_model', 'limit', 'concurrency', 'budget.max_calls', 'budget.max_tokens', 'budget.max_cost_usd'],
    byStatus: { 404: ['snapshot_id', 'No such snapshot.'] },
  });
  const local = {
    prompt: prompts.isSuccess ? placeholderError(form.prompt) : undefined,
    limit: wholeIn(form.limit, 1, 1_000_000) ? undefined : 'A whole number, 1 or more.',
    concurrency: wholeIn(form.concurrency, 1, 64) ? undefined : 'From 1 to 64.',
  };
  const invalid = Object.values(local).some(Boolean) || !form.snapshot;
  const submit = handleSubmit(() => {
    if (!invalid) start.mutate();
  });
  return (
    <Card title="New evaluation" description="Run a prompt template over a snapshot’s split and score each answer by execution match against the gold SQL.">
      <form className="form" onSubmit={submit} aria-label="New evaluation" noValidate>
        <div className="batch-fields">
          <SnapshotSelect projectId={projectId} value={form.snapshot} onChange={(v) => setForm((f) => ({ ...f, snapshot: v }))} error={fields.snapshot_id} />
          <SelectField label="Split" value={form.split} onChange={set('split')} error={fields.split}>
            <option value="test">Test</option>
            <option value="val">Validation</option>
            <option value="train">Train</option>
            <option value="all">All</option>
          </SelectField>
          <ModelFields model={form.model} baseUrl={form.base_url} onModel={set('model')} onBaseUrl={set('base_url')} fields={fields} />
          <TextField label="Limit" type="number" min={1} value={form.limit} onChange={set('limit')} error={local.limit ?? fields.limit} placeholder="Every pair" />
          <TextField label="Concurrency" type="number" min={1} max={64} value={form.concurrency} onChange={set('concurrency')} error={local.concurrency ?? fields.concurrency} />
        </div>
        <PromptTemplateField
          label="Prompt template"
          prompts={prompts}
          value={form.prompt}
          onChange={set('prompt')}
          error={local.prompt ?? fields.prompt}
          more=" {dialect}, {schema} and {query_str} are filled in per item."
        />
        <div className="method-choice">
          <Checkbox checked={form.judge} onChange={(judge) => setForm((f) => ({ ...f, judge }))}>
            Also ask a judge model whether each result answers the question (reported apart)
          </Checkbox>
          {form.judge && (
            <TextField label="Judge model" value={form.judge_model} onChange={set('judge_model')} error={fields.judge_model} placeholder="The configured judge" />
          )}
        </div>
        <BudgetFields value={form.budget} onChange={(b) => setForm((f) => ({ ...f, budget: b }))} fields={fields} />
        <RunFormFooter notConfigured={noModel} general={general} startLabel="Start evaluation" busy={start.isPending} disabled={invalid} />
      </form>
    </Card>
  );
}
