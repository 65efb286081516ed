// Admin → Settings → Language model: the OpenAI-compatible endpoint, defaults, per-purpose overrides,
// prices, the API key (write-only) and a connection test. Without an endpoint the LLM features are off
// and everything else works.
import { useQuery } from '@tanstack/react-query';
import { llmApi } from '../../shared/api';
import { PageHeader, QueryView } from '../../components/ui';
import { adminKeys } from './keys';
import './llm-settings.css';
import { SettingsForm } from './SettingsForm';

export function LlmSettingsPage() {
  const view = useQuery({ queryKey: adminKeys.llmSettings(), queryFn: llmApi.getSettings });
  return (
    <div className="page">
      <PageHeader
        eyebrow="Settings"
        title="Language model"
        subtitle="The OpenAI-compatible endpoint the agent and the other LLM features use."
      />
      {/* Keyed by version: a reload after a conflict starts the form from what is saved. */}
      <QueryView query={view} loading="Loading the settings…">
        {(data) => <SettingsForm key={data.version} view={data} />}
      </QueryView>
    </div>
  );
}
