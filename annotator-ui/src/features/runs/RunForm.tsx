// The pieces the forms that start a run share: the model and prompt template fields, the budget fields,
// the alerts above the start button and the button row, and the notice of a missing model.
import type { ChangeEvent, ReactNode } from 'react';
import { ApiError } from '../../shared/api';
import { Alert, Button, ErrorState, Loading, TextAreaField, TextField } from '../../components/ui';
import type { Budget } from '../../shared/golden';
import { useSession } from '../../shared/session';
import { NotConfiguredAlert } from './NotConfigured';

/** A 409 because no language model endpoint is configured (the evaluation routes call it `no_llm`). */
export function isNoModel(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 409 && (err.code === 'no_llm' || err.code === 'llm_not_configured');
}

export interface BudgetForm {
  max_calls: string;
  max_tokens: string;
  max_cost_usd: string;
}
export const EMPTY_BUDGET: BudgetForm = { max_calls: '', max_tokens: '', max_cost_usd: '' };

/** The budget as the API's body: only the caps that were set (none: no budget). */
export function budgetParams(b: BudgetForm): Budget | undefined {
  const out: Budget = {};
  if (b.max_calls.trim()) out.max_calls = Number(b.max_calls);
  if (b.max_tokens.trim()) out.max_tokens = Number(b.max_tokens);
  if (b.max_cost_usd.trim()) out.max_cost_usd = Number(b.max_cost_usd);
  return Object.keys(out).length ? out : undefined;
}

export function BudgetFields({ value, onChange, fields }: { value: BudgetForm; onChange: (b: BudgetForm) => void; fields: Record<string, string> }) {
  const set = (k: keyof BudgetForm) => (e: { target: { value: string } }) => onChange({ ...value, [k]: e.target.value });
  return (
    <fieldset className="method-choice">
      <legend>Budget (empty: no cap; the run stops as failed when it reaches one)</legend>
      <div className="batch-fields">
        <TextField label="Max model calls" type="number" min={0} value={value.max_calls} onChange={set('max_calls')} error={fields['budget.max_calls']} placeholder="No cap" />
        <TextField label="Max tokens" type="number" min={0} value={value.max_tokens} onChange={set('max_tokens')} error={fields['budget.max_tokens']} placeholder="No cap" />
        <TextField label="Max cost (USD)" type="number" min={0} step="0.01" value={value.max_cost_usd} onChange={set('max_cost_usd')} error={fields['budget.max_cost_usd']} placeholder="No cap" />
      </div>
    </fieldset>
  );
}

/**
 * Under a run form: why it cannot start (no model configured, an error), then its buttons: any of its
 * own (`children`), then the submit button `startLabel`, busy while the start request is on its way.
 */
export function RunFormFooter({
  notConfigured,
  general,
  startLabel,
  busy,
  disabled,
  children,
}: {
  notConfigured: ApiError | null;
  general: string | null | undefined;
  startLabel: string;
  busy: boolean;
  disabled: boolean;
  children?: ReactNode;
}) {
  const { user } = useSession();
  return (
    <>
      {notConfigured && <NotConfiguredAlert error={notConfigured} isAdmin={user.is_admin} />}
      {general && <Alert>{general}</Alert>}
      <div className="form-actions form-actions-start">
        {children}
        <Button type="submit" variant="primary" busy={busy} disabled={disabled}>
          {startLabel}
        </Button>
      </div>
    </>
  );
}

type Change = (e: { target: { value: string } }) => void;

/** The model and the endpoint a run asks, each empty for the configured one. */
export function ModelFields({ model, baseUrl, onModel, onBaseUrl, fields }: { model: string; baseUrl: string; onModel: Change; onBaseUrl: Change; fields: Record<string, string> }) {
  return (
    <>
      <TextField label="Model" value={model} onChange={onModel} error={fields.model} placeholder="The configured model" />
      <TextField label="Base URL" value={baseUrl} onChange={onBaseUrl} error={fields.base_url} placeholder="The configured endpoint" />
    </>
  );
}

/** What PromptTemplateField needs of the project's prompts query (useCurrentPrompt). */
interface PromptsQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
  data?: { current: { version: number } };
}

/**
 * The prompt template a run starts from, filled with the project's current one: loading, its error with
 * a retry, then the textarea; `more` follows the hint that names the version it started as.
 */
export function PromptTemplateField({
  label,
  prompts,
  value,
  onChange,
  error,
  more = '',
}: {
  label: string;
  prompts: PromptsQuery;
  value: string;
  onChange: (e: ChangeEvent<HTMLTextAreaElement>) => void;
  error?: string;
  more?: string;
}) {
  if (prompts.isPending) return <Loading label="Loading the current prompt…" />;
  if (prompts.isError || !prompts.data) return <ErrorState error={prompts.error} onRetry={() => prompts.refetch()} />;
  return (
    <TextAreaField
      label={label}
      value={value}
      onChange={onChange}
      rows={10}
      className="input textarea mono prompt-textarea"
      error={error}
      hint={`Starts as the project’s current template (version ${prompts.data.current.version}).${more}`}
    />
  );
}
