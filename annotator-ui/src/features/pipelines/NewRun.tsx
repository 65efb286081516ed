// The form that starts a generating pipeline run, with a preview of its first item's prompt.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, GENERATION_KINDS, llmApi, type GenerationKind, type GenerationParams } from '../../shared/api';
import { formatCount, plural } from '../../components/ResultGrid';
import { isNotConfigured } from '../runs/NotConfigured';
import { Button, Card, Checkbox, SelectField, TextField, useToast } from '../../components/ui';
import { fieldErrors, formError, handleSubmit, useFormState } from '../../shared/forms';
import { databaseKeys } from '../databases/keys';
import { questionKeys } from '../questions/keys';
import { runKeys } from '../runs/keys';
import { runName } from '../runs/name';
import { RunFormFooter } from '../runs/RunForm';
import { kindLabel, KIND_HINTS, METHODS, usesFromStage, needsDatabase, outputStage, type RunForm, DEFAULT_FORM, generationParams, localErrors, FORM_FIELDS } from './generation';
import { toggledIn } from '../../shared/toggle';
import { PromptPreview } from './PromptPreview';

export function NewRun({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const databases = useQuery({ queryKey: databaseKeys.list(projectId, false), queryFn: () => api.listDatabases(projectId) });
  const facets = useQuery({ queryKey: questionKeys.facets(projectId), queryFn: () => api.nlqFacets(projectId) });
  const stages = Object.entries(facets.data?.stages ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const [form, setForm, set] = useFormState<RunForm>({ ...DEFAULT_FORM, methods: METHODS.paraphrase ?? [] });
  // The from-stage defaults to human-seed when it exists, else the first stage.
  const fromStage = form.from_stage || (stages.some(([s]) => s === 'human-seed') ? 'human-seed' : (stages[0]?.[0] ?? ''));
  const effective: RunForm = { ...form, from_stage: fromStage };
  const params = generationParams(effective);
  const setKind = (e: { target: { value: string } }) => {
    const kind = e.target.value as GenerationKind;
    setForm((f) => ({ ...f, kind, methods: METHODS[kind] ?? [] }));
  };
  const toggleMethod = (m: string) =>
    setForm((f) => ({ ...f, methods: toggledIn(f.methods, m) }));

  const preview = useMutation({
    mutationFn: (body: { kind: GenerationKind; params: Partial<GenerationParams> }) => llmApi.previewGeneration(projectId, body.kind, body.params),
  });
  const start = useMutation({
    mutationFn: () => llmApi.startGeneration(projectId, form.kind, params),
    onSuccess: ({ run }) => {
      void qc.invalidateQueries({ queryKey: runKeys.list(projectId) });
      toast(`${runName(`${kindLabel(run.kind)} run`, run)} started: ${plural(run.total, 'item')}`);
      navigate(`/projects/${projectId}/pipelines/${run.id}`);
    },
  });
  // The error of whichever was asked last shows: starting clears a preview's error, previewing a start's.
  const error = start.error ?? preview.error;
  const notConfigured = isNotConfigured(error) ? error : null;
  const server = notConfigured ? {} : fieldErrors(error);
  const local = localErrors(effective);
  const fields = { ...server, ...local };
  const general = notConfigured ? null : formError(error, Object.fromEntries(Object.entries(server).filter(([k]) => FORM_FIELDS.includes(k))));
  const invalid = Object.keys(local).length > 0;
  const previewed = preview.data?.preview;
  const stale = previewed && preview.variables && JSON.stringify(preview.variables) !== JSON.stringify({ kind: form.kind, params });

  const submit = handleSubmit(() => {
    preview.reset();
    if (!invalid) start.mutate();
  });
  const askPreview = () => {
    start.reset();
    if (!invalid) preview.mutate({ kind: form.kind, params });
  };
  const k = form.kind;
  return (
    <Card title="New pipeline run" description={KIND_HINTS[k]}>
      <form className="form" onSubmit={submit} aria-label="New pipeline run" noValidate>
        <div className="batch-fields">
          <SelectField label="Pipeline" value={k} onChange={setKind} error={fields.kind ?? fields.pipeline}>
            {GENERATION_KINDS.map((g) => (
              <option key={g} value={g}>
                {kindLabel(g)}
              </option>
            ))}
          </SelectField>
          {usesFromStage(k) && (
            <SelectField label="From stage" value={fromStage} onChange={set('from_stage')} error={fields.from_stage}>
              {stages.length === 0 && <option value="">No questions yet</option>}
              {stages.map(([s, n]) => (
                <option key={s} value={s}>
                  {s} ({formatCount(n)})
                </option>
              ))}
            </SelectField>
          )}
          {k !== 'table_metadata' && (
            <TextField
              label="New stage"
              value={form.stage}
              onChange={set('stage')}
              error={fields.stage}
              placeholder={outputStage(k, { from_stage: fromStage })}
            />
          )}
          <SelectField
            label="Database"
            value={form.database}
            onChange={set('database')}
            error={fields.database_id}
            hint={needsDatabase(k) ? undefined : 'Only questions about it.'}
          >
            <option value="">{needsDatabase(k) ? 'Choose…' : 'All databases'}</option>
            {(databases.data?.databases ?? [])
              .filter((d) => k !== 'table_metadata' || d.kind === 'csv')
              .map((d) => (
                <option key={d.id} value={String(d.id)}>
                  {d.name}
                </option>
              ))}
          </SelectField>
          {(k === 'complexity' || k === 'paraphrase' || k === 'semantic') && (
            <TextField
              label={k === 'semantic' ? 'Questions to write' : 'Questions to rewrite'}
              type="number"
              min={0}
              value={form.n}
              onChange={set('n')}
              error={fields.n}
              placeholder={k === 'semantic' ? '50' : 'All of the stage'}
            />
          )}
          {k === 'semantic' && (
            <TextField label="Columns per question" type="number" min={1} max={8} value={form.columns} onChange={set('columns')} error={fields.columns} placeholder="2" />
          )}
          {k === 'qagen' && (
            <>
              <TextField label="Tables per chunk" type="number" min={1} max={20} value={form.tables_per_chunk} onChange={set('tables_per_chunk')} error={fields.tables_per_chunk} placeholder="3" />
              <TextField label="Questions per chunk" type="number" min={1} max={50} value={form.num} onChange={set('num')} error={fields.num} placeholder="5" />
              <TextField label="Sample rows" type="number" min={0} max={20} value={form.sample_rows} onChange={set('sample_rows')} error={fields.sample_rows} placeholder="3" />
            </>
          )}
          <TextField label="Concurrency" type="number" min={1} max={64} value={form.concurrency} onChange={set('concurrency')} error={fields.concurrency} placeholder="16" />
        </div>
        {METHODS[k] && (
          <fieldset className="method-choice" aria-describedby={fields.methods ? 'methods-error' : undefined}>
            <legend>Methods</legend>
            {METHODS[k]!.map((m) => (
              <Checkbox key={m} checked={form.methods.includes(m)} onChange={() => toggleMethod(m)}>
                {m}
              </Checkbox>
            ))}
            {fields.methods && (
              <p className="field-error" id="methods-error">
                {fields.methods}
              </p>
            )}
          </fieldset>
        )}
        <div className="method-choice">
          {k === 'qagen' && (
            <Checkbox checked={form.validate} onChange={(validate) => setForm((f) => ({ ...f, validate }))}>
              Ask the validator whether each result answers its question
            </Checkbox>
          )}
          {k !== 'table_metadata' && (
            <Checkbox checked={form.annotate} onChange={(annotate) => setForm((f) => ({ ...f, annotate }))}>
              Queue an agent batch over the new questions when the run ends
            </Checkbox>
          )}
        </div>
        <RunFormFooter notConfigured={notConfigured} general={general} startLabel="Start run" busy={start.isPending} disabled={invalid}>
          <Button onClick={askPreview} busy={preview.isPending} disabled={invalid}>
            Preview prompt
          </Button>
        </RunFormFooter>
      </form>
      {previewed && <PromptPreview preview={previewed} stale={Boolean(stale)} />}
    </Card>
  );
}
