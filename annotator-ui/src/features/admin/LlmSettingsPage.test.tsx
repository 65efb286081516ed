import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ModelSettingsView } from '../../shared/api';
import { adminUser, errorReply, meReply, mockApi, plainUser } from '../../test/mockApi';
import { renderApp } from '../../test/render';

function view(overrides: Partial<ModelSettingsView> = {}): ModelSettingsView {
  return {
    settings: {
      base_url: 'https://llm.example.com/v1',
      model: 'gpt-test',
      embedding_model: '',
      temperature: 0.2,
      max_tokens: 0,
      timeout: 60_000_000_000,
      max_retries: 0,
      max_concurrency: 0,
      tokens_per_minute: 0,
      purposes: { judge: { model: 'gpt-judge', temperature: 0 } },
      prices: { 'gpt-test': { prompt: 0.15, completion: 0.6 } },
    },
    version: 4,
    configured: true,
    key_source: 'file',
    from_env: [],
    ...overrides,
  };
}

describe('language model settings', () => {
  it('saves with the version read, and without the key when none was typed', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/settings/llm': { body: view() },
      'PUT /api/v1/settings/llm': (call) => ({ body: { ...view(), version: 5, settings: (call.body as { settings: ModelSettingsView['settings'] }).settings } }),
    });
    const user = userEvent.setup();
    renderApp('/settings/llm');

    expect(await screen.findByLabelText('Base URL')).toHaveValue('https://llm.example.com/v1');
    expect(screen.getByTestId('key-source')).toHaveTextContent('stored on the server');
    expect(screen.queryByText('No language model is configured')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Timeout (seconds)')).toHaveValue(60);
    expect(screen.getByLabelText('Model for Judge')).toHaveValue('gpt-judge');

    await user.clear(screen.getByLabelText('Timeout (seconds)'));
    await user.type(screen.getByLabelText('Timeout (seconds)'), '90');
    await user.type(screen.getByLabelText('Max tokens for Agent'), '2048');
    await user.click(screen.getByRole('button', { name: 'Add a model' }));
    await user.type(screen.getByLabelText('Model of price 2'), 'gpt-judge');
    await user.type(screen.getByLabelText('Prompt price of gpt-judge'), '1');
    await user.type(screen.getByLabelText('Completion price of gpt-judge'), '2');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Language model settings saved')).toBeInTheDocument();

    const put = calls.find((c) => c.method === 'PUT')!;
    const body = put.body as Record<string, unknown>;
    expect(body.version).toBe(4);
    expect('api_key' in body).toBe(false);
    expect(body.settings).toMatchObject({
      base_url: 'https://llm.example.com/v1',
      model: 'gpt-test',
      timeout: 90_000_000_000,
      temperature: 0.2,
      purposes: { judge: { model: 'gpt-judge', temperature: 0 }, agent: { max_tokens: 2048 } },
      prices: { 'gpt-test': { prompt: 0.15, completion: 0.6 }, 'gpt-judge': { prompt: 1, completion: 2 } },
    });

    // A second save carries the new version and, now that one is typed, the key.
    await user.type(screen.getByLabelText('New API key'), ' sk-new ');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await screen.findAllByText('Language model settings saved');
    const second = calls.filter((c) => c.method === 'PUT')[1].body as Record<string, unknown>;
    expect(second.version).toBe(5);
    expect(second.api_key).toBe('sk-new');
  });

  it('removes the stored key on request', async () => {
    const { calls } = mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/settings/llm': { body: view() },
      'PUT /api/v1/settings/llm': { body: { ...view(), version: 5, key_source: 'none' } },
    });
    const user = userEvent.setup();
    renderApp('/settings/llm');
    await user.click(await screen.findByRole('button', { name: 'Remove key' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove the API key?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove key' }));
    expect(await screen.findByText('API key removed')).toBeInTheDocument();
    expect((calls.find((c) => c.method === 'PUT')!.body as Record<string, unknown>).api_key).toBe('');
    expect(screen.getByTestId('key-source')).toHaveTextContent('not set');
  });

  it('disables the key field when the key comes from the environment, and explains why', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/settings/llm': { body: view({ key_source: 'environment', from_env: ['base_url'] }) },
    });
    renderApp('/settings/llm');
    const key = await screen.findByLabelText('API key');
    expect(key).toBeDisabled();
    expect(key).toHaveAttribute('type', 'password');
    expect(screen.getByTestId('key-source')).toHaveTextContent('from the server environment');
    expect(screen.getByText(/GOLDSET_LLM_API_KEY in the server’s environment/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Remove key' })).not.toBeInTheDocument();
    expect(screen.getByLabelText('Base URL')).toBeDisabled();
  });

  it('says the LLM features are off when nothing is configured', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/settings/llm': {
        body: view({ configured: false, key_source: 'none', settings: { ...view().settings, base_url: '', model: '' } }),
      },
    });
    renderApp('/settings/llm');
    expect(await screen.findByText('No language model is configured')).toBeInTheDocument();
    expect(screen.getByText(/Everything else/)).toBeInTheDocument();
    expect(screen.getByTestId('key-source')).toHaveTextContent('not set');
    expect(screen.getByRole('button', { name: 'Test connection' })).toBeDisabled();
  });

  it('shows each check of the connection test with ✓ or ✗, latency, model and error', async () => {
    mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/settings/llm': { body: view() },
      'POST /api/v1/settings/llm/test': {
        body: {
          chat: { ok: true, latency_ms: 420, model: 'gpt-test' },
          tool_calls: { ok: false, latency_ms: 1500, model: 'gpt-test', error: 'the model answered without calling the tool' },
          embeddings: { ok: false, skipped: true, latency_ms: 0 },
        },
      },
    });
    const user = userEvent.setup();
    renderApp('/settings/llm');
    await user.click(await screen.findByRole('button', { name: 'Test connection' }));
    const report = await screen.findByTestId('test-report');
    const chat = within(report).getByTestId('check-Chat');
    expect(within(chat).getByRole('img', { name: 'works' })).toBeInTheDocument();
    expect(chat).toHaveTextContent('420 ms');
    expect(chat).toHaveTextContent('gpt-test');
    const tools = within(report).getByTestId('check-Tool calls');
    expect(within(tools).getByRole('img', { name: 'fails' })).toBeInTheDocument();
    expect(tools).toHaveTextContent('1.5 s');
    expect(tools).toHaveTextContent('the model answered without calling the tool');
    expect(within(within(report).getByTestId('check-Embeddings')).getByRole('img', { name: 'skipped' })).toBeInTheDocument();
  });

  it('explains a conflicting save and reloads', async () => {
    let gets = 0;
    mockApi({
      'GET /api/v1/auth/me': meReply(adminUser),
      'GET /api/v1/settings/llm': () => ({ body: gets++ === 0 ? view() : view({ version: 6, settings: { ...view().settings, model: 'gpt-newer' } }) }),
      'PUT /api/v1/settings/llm': errorReply(409, 'stale_version', 'stale', { current_version: 6 }),
    });
    const user = userEvent.setup();
    renderApp('/settings/llm');
    await user.click(await screen.findByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('These settings changed since you opened them')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Reload' }));
    expect(await screen.findByDisplayValue('gpt-newer')).toBeInTheDocument();
    expect(screen.queryByText('These settings changed since you opened them')).not.toBeInTheDocument();
  });

  it('is for admins only', async () => {
    mockApi({ 'GET /api/v1/auth/me': meReply(plainUser) });
    renderApp('/settings/llm');
    expect(await screen.findByTestId('forbidden')).toHaveTextContent('Only administrators');
  });
});
