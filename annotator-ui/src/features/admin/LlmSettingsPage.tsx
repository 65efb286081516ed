// Admin → Settings → Language model: the OpenAI-compatible endpoint, defaults, per-purpose overrides,
// prices, the API key (write-only) and a connection test. Without an endpoint the LLM features are off
// and everything else works.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, llmApi, PURPOSES, type LlmCheck, type LlmSettings, type LlmTestReport, type ModelSettingsView, type Purpose } from '../../shared/api';
import { Alert, Badge, Button, Card, ConfirmDialog, ErrorState, Icon, Loading, PageHeader, Table, TextField, useToast } from '../../components/ui';
import { formatDuration } from '../../shared/format';
import { formError } from '../../shared/forms';
import { adminKeys } from './keys';
import './llm-settings.css';


const NS_PER_SECOND = 1_000_000_000;

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

interface PriceRow {
  key: number;
  model: string;
  prompt: string;
  completion: string;
}

/** The form keeps what people type (strings); `toSettings` turns it back into the API's numbers. */
export interface Draft {
  base_url: string;
  model: string;
  embedding_model: string;
  temperature: string;
  max_tokens: string;
  timeout_s: string;
  max_retries: string;
  max_concurrency: string;
  tokens_per_minute: string;
  purposes: Record<Purpose, { model: string; temperature: string; max_tokens: string }>;
  prices: PriceRow[];
}

const num = (n: number | undefined | null) => (n ? String(n) : '');
let priceKey = 1;

export function toDraft(s: LlmSettings): Draft {
  const purposes = {} as Draft['purposes'];
  for (const p of PURPOSES) {
    const o = s.purposes?.[p] ?? {};
    purposes[p] = {
      model: o.model ?? '',
      temperature: o.temperature === undefined || o.temperature === null ? '' : String(o.temperature),
      max_tokens: num(o.max_tokens),
    };
  }
  return {
    base_url: s.base_url ?? '',
    model: s.model ?? '',
    embedding_model: s.embedding_model ?? '',
    temperature: String(s.temperature ?? 0),
    max_tokens: num(s.max_tokens),
    timeout_s: s.timeout ? String(s.timeout / NS_PER_SECOND) : '',
    max_retries: num(s.max_retries),
    max_concurrency: num(s.max_concurrency),
    tokens_per_minute: num(s.tokens_per_minute),
    purposes,
    prices: Object.entries(s.prices ?? {}).map(([model, p]) => ({
      key: priceKey++,
      model,
      prompt: String(p.prompt),
      completion: String(p.completion),
    })),
  };
}

type Errors = Record<string, string>;

function parseNumber(
  errors: Errors,
  field: string,
  raw: string,
  opts: { min?: number; max?: number; integer?: boolean; empty?: number } = {},
): number | undefined {
  const v = raw.trim();
  if (v === '') return opts.empty;
  const n = Number(v);
  if (!Number.isFinite(n) || (opts.integer && !Number.isInteger(n))) {
    errors[field] = opts.integer ? 'A whole number.' : 'A number.';
    return undefined;
  }
  if (opts.min !== undefined && n < opts.min) errors[field] = `At least ${opts.min}.`;
  else if (opts.max !== undefined && n > opts.max) errors[field] = `At most ${opts.max}.`;
  return n;
}

/** The draft as the API's Settings, or the field errors that stop it. Fields from the environment are sent empty. */
export function toSettings(d: Draft, fromEnv: string[]): { settings: LlmSettings; errors: Errors } {
  const errors: Errors = {};
  const env = new Set(fromEnv);
  const settings: LlmSettings = {
    base_url: env.has('base_url') ? '' : d.base_url.trim(),
    model: env.has('model') ? '' : d.model.trim(),
    embedding_model: d.embedding_model.trim(),
    temperature: parseNumber(errors, 'temperature', d.temperature, { min: 0, max: 2, empty: 0 }) ?? 0,
    max_tokens: parseNumber(errors, 'max_tokens', d.max_tokens, { min: 0, integer: true, empty: 0 }) ?? 0,
    timeout: Math.round((parseNumber(errors, 'timeout_s', d.timeout_s, { min: 0, empty: 0 }) ?? 0) * NS_PER_SECOND),
    max_retries: parseNumber(errors, 'max_retries', d.max_retries, { min: -1, max: 100, integer: true, empty: 0 }) ?? 0,
    max_concurrency: parseNumber(errors, 'max_concurrency', d.max_concurrency, { min: 0, max: 1024, integer: true, empty: 0 }) ?? 0,
    tokens_per_minute: parseNumber(errors, 'tokens_per_minute', d.tokens_per_minute, { min: 0, integer: true, empty: 0 }) ?? 0,
  };
  if (settings.base_url && !/^https?:\/\/[^/\s]+/.test(settings.base_url)) {
    errors.base_url = 'An http:// or https:// URL, such as https://api.openai.com/v1.';
  }
  const purposes: NonNullable<LlmSettings['purposes']> = {};
  for (const p of PURPOSES) {
    const o = d.purposes[p];
    const model = o.model.trim();
    const temperature = parseNumber(errors, `${p}.temperature`, o.temperature, { min: 0, max: 2 });
    const maxTokens = parseNumber(errors, `${p}.max_tokens`, o.max_tokens, { min: 0, integer: true });
    if (model || temperature !== undefined || maxTokens) {
      purposes[p] = {
        ...(model ? { model } : {}),
        ...(temperature !== undefined ? { temperature } : {}),
        ...(maxTokens ? { max_tokens: maxTokens } : {}),
      };
    }
  }
  if (Object.keys(purposes).length > 0) settings.purposes = purposes;
  const prices: NonNullable<LlmSettings['prices']> = {};
  for (const row of d.prices) {
    const model = row.model.trim();
    if (!model && !row.prompt.trim() && !row.completion.trim()) continue;
    if (!model) errors[`price-${row.key}.model`] = 'Which model?';
    else if (prices[model]) errors[`price-${row.key}.model`] = 'Listed twice.';
    const prompt = parseNumber(errors, `price-${row.key}.prompt`, row.prompt, { min: 0, empty: 0 }) ?? 0;
    const completion = parseNumber(errors, `price-${row.key}.completion`, row.completion, { min: 0, empty: 0 }) ?? 0;
    if (model) prices[model] = { prompt, completion };
  }
  if (Object.keys(prices).length > 0) settings.prices = prices;
  return { settings, errors };
}

export function LlmSettingsPage() {
  const view = useQuery({ queryKey: adminKeys.llmSettings(), queryFn: llmApi.getSettings });
  return (
    <div className="page">
      <PageHeader
        eyebrow="Settings"
        title="Language model"
        subtitle="The OpenAI-compatible endpoint the agent and the other LLM features use."
      />
      {view.isPending ? (
        <Loading label="Loading the settings…" />
      ) : view.isError ? (
        <ErrorState error={view.error} onRetry={() => view.refetch()} />
      ) : (
        // Keyed by version: a reload after a conflict starts the form from what is saved.
        <SettingsForm key={view.data.version} view={view.data} />
      )}
    </div>
  );
}

function SettingsForm({ view }: { view: ModelSettingsView }) {
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

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { settings, errors: errs } = toSettings(draft, fromEnv);
    setErrors(errs);
    if (Object.keys(errs).length > 0) return;
    const body: { version: number; settings: LlmSettings; api_key?: string } = { version: current.version, settings };
    // The key is write-only: sent only when typed, so saving other settings never touches it.
    if (apiKey.trim() && current.key_source !== 'environment') body.api_key = apiKey.trim();
    save.mutate(body);
  };
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
            <TextField
              label="Base URL"
              value={draft.base_url}
              onChange={set('base_url')}
              placeholder="https://api.openai.com/v1"
              disabled={fromEnv.includes('base_url')}
              error={errors.base_url}
              hint={envHint('base_url')}
            />
            <TextField
              label="Default model"
              value={draft.model}
              onChange={set('model')}
              placeholder="gpt-4o-mini"
              disabled={fromEnv.includes('model')}
              error={errors.model}
              hint={envHint('model')}
            />
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
                <td>
                  <CellInput
                    label={`Model for ${PURPOSE_LABELS[p]}`}
                    value={draft.purposes[p].model}
                    placeholder={(p === 'embeddings' ? draft.embedding_model : draft.model) || 'default'}
                    onChange={(v) => setPurpose(p, 'model', v)}
                    error={errors[`${p}.model`]}
                  />
                </td>
                <td>
                  <CellInput
                    label={`Temperature for ${PURPOSE_LABELS[p]}`}
                    value={draft.purposes[p].temperature}
                    placeholder="default"
                    type="number"
                    onChange={(v) => setPurpose(p, 'temperature', v)}
                    error={errors[`${p}.temperature`]}
                  />
                </td>
                <td>
                  <CellInput
                    label={`Max tokens for ${PURPOSE_LABELS[p]}`}
                    value={draft.purposes[p].max_tokens}
                    placeholder="default"
                    type="number"
                    onChange={(v) => setPurpose(p, 'max_tokens', v)}
                    error={errors[`${p}.max_tokens`]}
                  />
                </td>
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
              onClick={() => setDraft((d) => ({ ...d, prices: [...d.prices, { key: priceKey++, model: '', prompt: '', completion: '' }] }))}
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
                  <td>
                    <CellInput label={`Model of price ${i + 1}`} value={row.model} onChange={(v) => setPrice(row.key, 'model', v)} error={errors[`price-${row.key}.model`]} />
                  </td>
                  <td>
                    <CellInput label={`Prompt price of ${row.model || `price ${i + 1}`}`} type="number" value={row.prompt} onChange={(v) => setPrice(row.key, 'prompt', v)} error={errors[`price-${row.key}.prompt`]} />
                  </td>
                  <td>
                    <CellInput label={`Completion price of ${row.model || `price ${i + 1}`}`} type="number" value={row.completion} onChange={(v) => setPrice(row.key, 'completion', v)} error={errors[`price-${row.key}.completion`]} />
                  </td>
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

const KEY_SOURCE: Record<string, string> = {
  environment: 'from the server environment',
  file: 'stored on the server',
  none: 'not set',
};

function ApiKeyField({
  keySource,
  value,
  onChange,
  onRemove,
  error,
  disabled,
}: {
  keySource: string;
  value: string;
  onChange: (v: string) => void;
  onRemove: () => void;
  error?: string;
  disabled: boolean;
}) {
  const hint = disabled
    ? 'The key comes from GOLDSET_LLM_API_KEY in the server’s environment and cannot be changed here.'
    : keySource === 'file'
      ? 'Type a new key to replace the stored one; leave empty to keep it. It is never shown again.'
      : 'Write-only: kept in a file only the server can read, never shown again.';
  return (
    <div className="api-key">
      <div className="api-key-source">
        <span className="detail-label">API key</span>
        <Badge tone={keySource === 'none' ? 'warning' : 'success'}>
          <span data-testid="key-source">{KEY_SOURCE[keySource] ?? keySource}</span>
        </Badge>
      </div>
      <div className="api-key-row">
        <TextField
          label={keySource === 'file' ? 'New API key' : 'API key'}
          type="password"
          autoComplete="new-password"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          disabled={disabled}
          placeholder={disabled ? 'Set in the server environment' : keySource === 'file' ? '•••••••• (unchanged)' : 'sk-…'}
          error={error}
          hint={hint}
        />
        {keySource === 'file' && (
          <div className="form-inline-submit">
            <Button variant="ghost" className="text-danger" onClick={onRemove}>
              Remove key
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}

const CHECKS: [keyof LlmTestReport, string][] = [
  ['chat', 'Chat'],
  ['tool_calls', 'Tool calls'],
  ['embeddings', 'Embeddings'],
];

function TestConnection({ configured }: { configured: boolean }) {
  const test = useMutation({ mutationFn: llmApi.testConnection });
  return (
    <Card
      title="Test the connection"
      description="Sends a short chat, a tool call and an embedding with the saved settings."
      actions={
        <Button onClick={() => test.mutate()} busy={test.isPending} disabled={!configured}>
          Test connection
        </Button>
      }
    >
      {!configured && <p className="muted">Save a base URL and a model first.</p>}
      {test.isError && <Alert>{formError(test.error, {})}</Alert>}
      {test.data && <TestReport report={test.data} />}
    </Card>
  );
}

export function TestReport({ report }: { report: LlmTestReport }) {
  return (
    <ul className="check-list" aria-label="Connection test" data-testid="test-report">
      {CHECKS.map(([key, label]) => (
        <CheckRow key={key} label={label} check={report[key]} />
      ))}
    </ul>
  );
}

function CheckRow({ label, check }: { label: string; check: LlmCheck }) {
  const state = check.skipped ? 'skipped' : check.ok ? 'ok' : 'failed';
  return (
    <li className={`check-row check-row-${state}`} data-testid={`check-${label}`}>
      <span className={`check-mark check-mark-${state}`} aria-label={state === 'ok' ? 'works' : state === 'skipped' ? 'skipped' : 'fails'} role="img">
        {state === 'skipped' ? '–' : <Icon name={check.ok ? 'check' : 'cross'} />}
      </span>
      <span className="check-label">{label}</span>
      <span className="muted">{check.skipped ? 'not tried: nothing configured for it' : formatDuration(check.latency_ms)}</span>
      {check.model && <code>{check.model}</code>}
      {check.dimension ? <span className="muted">{check.dimension} dimensions</span> : null}
      {check.error && <span className="check-error">{check.error}</span>}
    </li>
  );
}
