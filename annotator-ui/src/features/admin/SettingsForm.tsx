// The language-model settings form: endpoint and key, defaults and limits, per-purpose overrides and
// prices, saved with the version it was read at.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, llmApi, PURPOSES, type LlmSettings, type ModelSettingsView, type Purpose } from '../../shared/api';
import { Alert, Button, Card, ConfirmDialog, Table, TextField, useToast } from '../../components/ui';
import { formError, handleSubmit } from '../../shared/forms';
import { adminKeys } from './keys';
import { type PriceRow, type Draft, newPriceRow, toDraft, type Errors, toSettings } from './draft';
import { ApiKeyField } from './ApiKeyField';
import { TestConnection } from './TestConnection';

const PURPOSE_LABELS: Record<Purpose, string> = {
  agent: 'Agent',
  generator: 'Generator',
  validator: 'Validator',
  critic: 'Critic',
  editor: 'Editor',
  judge: 'Judge',
  target: 'Evaluated model (target)',
  optimizer: 'Prompt optimizer (OPRO)',
  embeddings: 'Embeddings',
};

export function SettingsForm({ view }: { view: ModelSettingsView }) {
  const qc = useQueryClient();
  const toast = useToast();
  const fromEnv = view.from_env ?? [];
  const [draft, setDraft] = useState<Draft>(() => toDraft(view.settings));
  const [apiKey, setApiKey] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [removing, setRemoving] = useState(false);
  const [current, setCurrent] = useState(view);

  const save = useMutation({
    mutationFn: (body: { version: number; settings: LlmSettings; api_key?: string }) => llmApi.saveSettings(body),
    onSuccess: (saved, body) => {
      setCurrent(saved);
      // Keep the form as typed (it is what was saved), but with the new version.
      qc.setQueryData(adminKeys.llmSettings(), saved);
      setApiKey('');
      setRemoving(false);
      toast(body.api_key === '' ? 'API key removed' : 'Language model settings saved');
    },
  });
  const stale = save.error instanceof ApiError && save.error.isStaleVersion;
  const serverFields = save.error instanceof ApiError ? save.error.fields : {};
  const general = stale ? null : save.error ? formError(save.error, serverFields.api_key ? { api_key: serverFields.api_key } : {}) : null;

  const set =
    (k: Exclude<keyof Draft, 'purposes' | 'prices'>) =>
    (e: { target: { value: string } }) =>
      setDraft((d) => ({ ...d, [k]: e.target.value }));
  const setPurpose = (p: Purpose, k: 'model' | 'temperature' | 'max_tokens', v: string) =>
    setDraft((d) => ({ ...d, purposes: { ...d.purposes, [p]: { ...d.purposes[p], [k]: v } } }));
  const setPrice = (key: number, k: 'model' | 'prompt' | 'completion', v: string) =>
    setDraft((d) => ({ ...d, prices: d.prices.map((r) => (r.key === key ? { ...r, [k]: v } : r)) }));

  const submit = handleSubmit(() => {
    const { settings, errors: errs } = toSettings(draft, fromEnv);
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    const body: { version: number; settings: LlmSettings; api_key?: string } = { version: current.version, settings };
    // The key is write-only: sent only when typed, so saving other settings never touches it.
    if (apiKey.trim() && current.key_source !== 'environment') body.api_key = apiKey.trim();
    save.mutate(body);
  });
  const removeKey = () => {
    const { settings } = toSettings(toDraft(current.settings), fromEnv);
    save.mutate({ version: current.version, settings, api_key: '' });
  };
  const reload = async () => {
    save.reset();
    await qc.invalidateQueries({ queryKey: adminKeys.llmSettings() });
  };

  const envHint = (field: string) =>
    fromEnv.includes(field) ? 'From the server environment (GOLDSET_LLM_*); change it there.' : undefined;
  const keyFromEnv = current.key_source === 'environment';

  return (
    <div className="stack">
      {!current.configured && (
        <Alert tone="info" title="No language model is configured">
          The agent, batches and the other LLM features are off until a base URL and a model are set here (or in the
          server’s environment). Everything else — databases, questions, review — works as usual.
        </Alert>
      )}
      {stale && (
        <Alert tone="warning" title="These settings changed since you opened them" action={<Button onClick={reload}>Reload</Button>}>
          Another admin saved a newer version. Reload to see it, then make your change again.
        </Alert>
      )}
      {general && <Alert>{general}</Alert>}
      <form className="stack" onSubmit={submit} noValidate aria-label="Language model settings">
        <Card title="Endpoint" description="Any OpenAI-compatible server: OpenAI, Azure, vLLM, Ollama, a gateway.">
          <div className="settings-grid">
            {(
              [
                ['base_url', 'Base URL', 'https://api.openai.com/v1'],
                ['model', 'Default model', 'gpt-4o-mini'],
              ] as const
            ).map(([k, label, placeholder]) => (
              <TextField
                key={k}
                label={label}
                value={draft[k]}
                onChange={set(k)}
                placeholder={placeholder}
                disabled={fromEnv.includes(k)}
                error={errors[k]}
                hint={envHint(k)}
              />
            ))}
            <TextField
              label="Embedding model"
              value={draft.embedding_model}
              onChange={set('embedding_model')}
              placeholder="text-embedding-3-small"
              error={errors.embedding_model}
            />
          </div>
          <ApiKeyField
            keySource={current.key_source}
            value={apiKey}
            onChange={setApiKey}
            onRemove={() => setRemoving(true)}
            error={serverFields.api_key}
            disabled={keyFromEnv}
          />
        </Card>

        <Card title="Defaults and limits" description="Empty or 0 means the server’s default.">
          <div className="settings-grid">
            <TextField label="Temperature" type="number" step="0.1" min={0} max={2} value={draft.temperature} onChange={set('temperature')} error={errors.temperature} hint="0 to 2." />
            <TextField label="Max tokens" type="number" min={0} value={draft.max_tokens} onChange={set('max_tokens')} error={errors.max_tokens} hint="Completion cap per call." />
            <TextField label="Timeout (seconds)" type="number" min={0} value={draft.timeout_s} onChange={set('timeout_s')} error={errors.timeout_s} hint="Per request." />
            <TextField label="Max retries" type="number" min={-1} value={draft.max_retries} onChange={set('max_retries')} error={errors.max_retries} hint="−1: never retry." />
            <TextField label="Max concurrency" type="number" min={0} value={draft.max_concurrency} onChange={set('max_concurrency')} error={errors.max_concurrency} hint="Calls in flight at once." />
            <TextField label="Tokens per minute" type="number" min={0} value={draft.tokens_per_minute} onChange={set('tokens_per_minute')} error={errors.tokens_per_minute} hint="0: unlimited." />
          </div>
        </Card>

        <Card title="Per purpose" description="Overrides for one kind of call. Empty: the defaults above.">
          <Table label="Per-purpose overrides" className="table table-compact settings-table" columns={['Purpose', 'Model', 'Temperature', 'Max tokens']}>
            {PURPOSES.map((p) => (
              <tr key={p}>
                <th scope="row">{PURPOSE_LABELS[p]}</th>
                {PURPOSE_FIELDS.map(({ key: k, label }) => (
                  <td key={k}>
                    <CellInput
                      label={`${label} for ${PURPOSE_LABELS[p]}`}
                      value={draft.purposes[p][k]}
                      placeholder={k === 'model' ? (p === 'embeddings' ? draft.embedding_model : draft.model) || 'default' : 'default'}
                      type={k === 'model' ? 'text' : 'number'}
                      onChange={(v) => setPurpose(p, k, v)}
                      error={errors[`${p}.${k}`]}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </Table>
        </Card>

        <Card
          title="Prices"
          description="US dollars per million tokens, by model: what batch costs are computed from."
          actions={
            <Button
              size="sm"
              onClick={() => setDraft((d) => ({ ...d, prices: [...d.prices, newPriceRow()] }))}
            >
              Add a model
            </Button>
          }
        >
          {draft.prices.length === 0 ? (
            <p className="muted">No prices: costs show as $0.</p>
          ) : (
            <Table label="Prices" className="table table-compact settings-table" columns={['Model', '$ / 1M prompt tokens', '$ / 1M completion tokens', { hidden: 'Actions' }]}>
              {draft.prices.map((row, i) => (
                <tr key={row.key}>
                  {PRICE_FIELDS.map(({ key: k, label }) => (
                    <td key={k}>
                      <CellInput
                        label={label(row, i)}
                        type={k === 'model' ? 'text' : 'number'}
                        value={row[k]}
                        onChange={(v) => setPrice(row.key, k, v)}
                        error={errors[`price-${row.key}.${k}`]}
                      />
                    </td>
                  ))}
                  <td className="cell-actions">
                    <Button
                      size="sm"
                      variant="ghost"
                      className="text-danger"
                      aria-label={`Remove the price of ${row.model || `row ${i + 1}`}`}
                      onClick={() => setDraft((d) => ({ ...d, prices: d.prices.filter((r) => r.key !== row.key) }))}
                    >
                      Remove
                    </Button>
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </Card>

        <div className="form-actions form-actions-start">
          <Button type="submit" variant="primary" busy={save.isPending && !removing} disabled={stale}>
            Save settings
          </Button>
          {Object.keys(errors).length > 0 && <span className="field-error small-inline">Fix the fields marked above.</span>}
        </div>
      </form>
      <TestConnection configured={current.configured} />
      {removing && (
        <ConfirmDialog
          title="Remove the API key?"
          confirmLabel="Remove key"
          onConfirm={removeKey}
          onCancel={() => {
            setRemoving(false);
            save.reset();
          }}
          busy={save.isPending}
          error={save.error && !stale ? formError(save.error, {}) : null}
        >
          <p>The key stored on the server is deleted. Calls to an endpoint that needs one will fail until a new key is saved.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

/** The columns of the per-purpose table after the purpose. */
const PURPOSE_FIELDS = [
  { key: 'model', label: 'Model' },
  { key: 'temperature', label: 'Temperature' },
  { key: 'max_tokens', label: 'Max tokens' },
] as const;

/** The columns of the prices table, each cell named for screen readers by its row. */
const PRICE_FIELDS = [
  { key: 'model', label: (_row: PriceRow, i: number) => `Model of price ${i + 1}` },
  { key: 'prompt', label: (row: PriceRow, i: number) => `Prompt price of ${row.model || `price ${i + 1}`}` },
  { key: 'completion', label: (row: PriceRow, i: number) => `Completion price of ${row.model || `price ${i + 1}`}` },
] as const;

function CellInput({
  label,
  value,
  onChange,
  placeholder,
  type = 'text',
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  type?: string;
  error?: string;
}) {
  return (
    <>
      <input
        className={`input input-compact${error ? ' input-invalid' : ''}`}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        title={error}
        type={type}
        step={type === 'number' ? 'any' : undefined}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && <span className="field-error">{error}</span>}
    </>
  );
}
