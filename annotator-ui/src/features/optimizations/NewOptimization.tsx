// The form that starts a prompt optimization: OPRO or APO with the method's own knobs, the snapshot,
// the model, the baseline prompt (the project's current template to start with) and a budget.
import { Card, TextField } from '../../components/ui';
import { handleSubmit, useFormState, wholeIn } from '../../shared/forms';
import { APO_DEFAULTS, goldenApi, OPRO_DEFAULTS, placeholderError, type OptMethod, type OptStart } from '../../shared/golden';
import { optimizationKeys } from './keys';
import { budgetParams, BudgetFields, EMPTY_BUDGET, ModelFields, PromptTemplateField, type BudgetForm, RunFormFooter } from '../runs/RunForm';
import { SnapshotSelect } from '../snapshots/SnapshotSelect';
import { useCurrentPrompt } from './useCurrentPrompt';
import { useStartRun } from '../runs/useStartRun';
import { runName } from '../runs/name';
import { METHOD_LABELS } from './labels';

interface OptForm {
  method: OptMethod;
  snapshot: string;
  prompt: string;
  model: string;
  base_url: string;
  concurrency: string;
  val_limit: string;
  test_limit: string;
  iterations: string;
  candidates: string;
  temperature: string;
  beam_width: string;
  branch_factor: string;
  rounds: string;
  gradient_batch: string;
  validation_batch: string;
  budget: BudgetForm;
}

const str = (n: number) => String(n);

const INITIAL: OptForm = {
  method: 'opro',
  snapshot: '',
  prompt: '',
  model: '',
  base_url: '',
  concurrency: '8',
  val_limit: '',
  test_limit: '',
  iterations: str(OPRO_DEFAULTS.iterations),
  candidates: str(OPRO_DEFAULTS.candidates),
  temperature: str(OPRO_DEFAULTS.temperature),
  beam_width: str(APO_DEFAULTS.beam_width),
  branch_factor: str(APO_DEFAULTS.branch_factor),
  rounds: str(APO_DEFAULTS.rounds),
  gradient_batch: str(APO_DEFAULTS.gradient_batch),
  validation_batch: str(APO_DEFAULTS.validation_batch),
  budget: EMPTY_BUDGET,
};

const num = (v: string, fallback: number) => (v.trim() === '' ? fallback : Number(v));

/**
 * The form as the API's body: the chosen method's parameters only, and only what was set otherwise;
 * the baseline only when it is not the project's current template (`current`).
 */
export function optimizationParams(f: OptForm, current?: string): OptStart {
  const body: OptStart = { method: f.method, snapshot_id: Number(f.snapshot) };
  if (f.prompt.trim() && f.prompt !== current) body.prompt = f.prompt;
  if (f.model.trim()) body.model = f.model.trim();
  if (f.base_url.trim()) body.base_url = f.base_url.trim();
  if (f.concurrency.trim()) body.concurrency = Number(f.concurrency);
  if (f.val_limit.trim()) body.val_limit = Number(f.val_limit);
  if (f.test_limit.trim()) body.test_limit = Number(f.test_limit);
  if (f.method === 'opro') {
    body.opro = {
      iterations: num(f.iterations, OPRO_DEFAULTS.iterations),
      candidates: num(f.candidates, OPRO_DEFAULTS.candidates),
      temperature: num(f.temperature, OPRO_DEFAULTS.temperature),
    };
  } else {
    body.apo = {
      beam_width: num(f.beam_width, APO_DEFAULTS.beam_width),
      branch_factor: num(f.branch_factor, APO_DEFAULTS.branch_factor),
      rounds: num(f.rounds, APO_DEFAULTS.rounds),
      gradient_batch: num(f.gradient_batch, APO_DEFAULTS.gradient_batch),
      validation_batch: num(f.validation_batch, APO_DEFAULTS.validation_batch),
    };
  }
  const budget = budgetParams(f.budget);
  if (budget) body.budget = budget;
  return body;
}

export function NewOptimization({ projectId }: { projectId: string }) {
  const [form, setForm, set] = useFormState<OptForm>(INITIAL);
  const prompts = useCurrentPrompt(projectId, (update) => setForm((f) => ({ ...f, prompt: update(f.prompt) })));
  const { mutation: start, noModel, fields, general } = useStartRun({
    projectId,
    start: () => goldenApi.startOptimization(projectId, optimizationParams(form, prompts.data?.current.body)),
    listKey: optimizationKeys.list(projectId),
    started: (run) => `${runName(`${METHOD_LABELS[form.method]} optimization`, run)} started`,
    known: [
      'snapshot_id', 'prompt', 'model', 'base_url', 'concurrency', 'val_limit', 'test_limit', 'method',
      'budget.max_calls', 'budget.max_tokens', 'budget.max_cost_usd',
      ...['iterations', 'candidates', 'temperature'].flatMap((k) => [k, `opro.${k}`]),
      ...['beam_width', 'branch_factor', 'rounds', 'gradient_batch', 'validation_batch'].flatMap((k) => [k, `apo.${k}`]),
    ],
    byStatus: { 404: ['snapshot_id', 'No such snapshot.'] },
  });
  const f = (k: string) => fields[`${form.method}.${k}`] ?? fields[k];
  const local: Record<string, string | undefined> = {
    prompt: prompts.isSuccess ? placeholderError(form.prompt) : undefined,
    concurrency: wholeIn(form.concurrency, 1, 64) ? undefined : 'From 1 to 64.',
    val_limit: wholeIn(form.val_limit, 0, 1_000_000) ? undefined : 'A whole number (0: every item).',
    test_limit: wholeIn(form.test_limit, 0, 1_000_000) ? undefined : 'A whole number (0: every item).',
  };
  if (form.method === 'opro') {
    local.iterations = wholeIn(form.iterations, 1, 100) ? undefined : 'A whole number, 1 or more.';
    local.candidates = wholeIn(form.candidates, 1, 20) ? undefined : 'A whole number, 1 or more.';
    local.temperature = form.temperature.trim() === '' || (Number(form.temperature) >= 0 && Number(form.temperature) <= 2) ? undefined : 'From 0 to 2.';
  } else {
    for (const k of ['beam_width', 'branch_factor', 'rounds', 'gradient_batch', 'validation_batch'] as const) {
      local[k] = wholeIn(form[k], 1, 1000) ? undefined : 'A whole number, 1 or more.';
    }
  }
  const invalid = Object.values(local).some(Boolean) || !form.snapshot;
  const submit = handleSubmit(() => {
    if (!invalid) start.mutate();
  });
  const field = (k: keyof OptForm & string, label: string, hint: string, extra: { step?: string; max?: number } = {}) => (
    <TextField label={label} type="number" min={k === 'temperature' ? 0 : 1} {...extra} value={form[k] as string} onChange={set(k)} error={local[k] ?? f(k)} hint={hint} />
  );
  return (
    <Card
      title="New prompt optimization"
      description="Search for a better prompt template, scored by execution accuracy on the snapshot’s validation split, then compare the best with the baseline on the test split."
    >
      <form className="form" onSubmit={submit} aria-label="New optimization" noValidate>
        <div className="segmented" role="group" aria-label="Method">
          {(['opro', 'apo'] as const).map((m) => (
            <button key={m} type="button" aria-pressed={form.method === m} onClick={() => setForm((x) => ({ ...x, method: m }))}>
              {METHOD_LABELS[m]}
            </button>
          ))}
        </div>
        <p className="muted small">
          {form.method === 'opro'
            ? 'OPRO: an optimizer model sees the prompts scored so far with their accuracies and failing items, and writes new ones.'
            : 'APO: a critic explains why the leading prompts fail on a few items (a textual gradient), an editor rewrites them, and a beam keeps the best.'}
        </p>
        <div className="batch-fields" data-testid={`${form.method}-params`}>
          {form.method === 'opro' ? (
            <>
              {field('iterations', 'Iterations', `Steps of the optimizer (default ${OPRO_DEFAULTS.iterations}).`)}
              {field('candidates', 'Candidates per step', `Default ${OPRO_DEFAULTS.candidates}.`)}
              {field('temperature', 'Temperature', `Of the optimizer (default ${OPRO_DEFAULTS.temperature}).`, { step: '0.1', max: 2 })}
            </>
          ) : (
            <>
              {field('beam_width', 'Beam width', `Prompts kept per round (default ${APO_DEFAULTS.beam_width}).`)}
              {field('branch_factor', 'Branch factor', `Rewrites per prompt (default ${APO_DEFAULTS.branch_factor}).`)}
              {field('rounds', 'Rounds', `Default ${APO_DEFAULTS.rounds}.`)}
              {field('gradient_batch', 'Gradient batch', `Failures the critic reads (default ${APO_DEFAULTS.gradient_batch}).`)}
              {field('validation_batch', 'Validation batch', `Items each round scores on (default ${APO_DEFAULTS.validation_batch}).`)}
            </>
          )}
        </div>
        <div className="batch-fields">
          <SnapshotSelect projectId={projectId} value={form.snapshot} onChange={(v) => setForm((x) => ({ ...x, snapshot: v }))} error={fields.snapshot_id} />
          <ModelFields model={form.model} baseUrl={form.base_url} onModel={set('model')} onBaseUrl={set('base_url')} fields={fields} />
          <TextField label="Concurrency" type="number" min={1} max={64} value={form.concurrency} onChange={set('concurrency')} error={local.concurrency ?? fields.concurrency} />
          <TextField label="Validation items" type="number" min={0} value={form.val_limit} onChange={set('val_limit')} error={local.val_limit ?? fields.val_limit} placeholder="All" />
          <TextField label="Test items" type="number" min={0} value={form.test_limit} onChange={set('test_limit')} error={local.test_limit ?? fields.test_limit} placeholder="All" />
        </div>
        <PromptTemplateField label="Baseline prompt" prompts={prompts} value={form.prompt} onChange={set('prompt')} error={local.prompt ?? fields.prompt} />
        <BudgetFields value={form.budget} onChange={(b) => setForm((x) => ({ ...x, budget: b }))} fields={fields} />
        <RunFormFooter notConfigured={noModel} general={general} startLabel={`Start ${METHOD_LABELS[form.method]}`} busy={start.isPending} disabled={invalid} />
      </form>
    </Card>
  );
}
