// The language-model settings as the form edits them (strings, a row per price) and back, with the
// errors of what does not parse.
import { PURPOSES, type LlmSettings, type Purpose } from '../../shared/api';

const NS_PER_SECOND = 1_000_000_000;

export interface PriceRow {
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

/** A new, empty row of the prices table. */
export const newPriceRow = (): PriceRow => ({ key: priceKey++, model: '', prompt: '', completion: '' });

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

export type Errors = Record<string, string>;

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
