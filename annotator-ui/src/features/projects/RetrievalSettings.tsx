// Schema retrieval (leads): how many tables the SQL agent's prompt describes, and whether a
// question that comes with its own tables keeps the agent to them (docs/API.md, retrieval).
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { request, type RetrievalScope, type RetrievalSettings } from '../../shared/api';
import { Card, QueryView, SelectField, TextField } from '../../components/ui';
import { useVersionedSave, VersionedForm } from './VersionedForm';
import { bindNumber, bindValue } from '../../shared/forms';

export const retrievalKey = (projectId: string) => ['retrieval', projectId] as const;

const path = (projectId: string) => `/api/v1/projects/${projectId}/retrieval`;

export const retrievalApi = {
  get: (projectId: string) => request<{ retrieval: RetrievalSettings }>('GET', path(projectId)),
  save: (projectId: string, body: RetrievalSettings) => request<{ retrieval: RetrievalSettings }>('PUT', path(projectId), { body }),
};

const SCOPES: { value: RetrievalScope; label: string }[] = [
  { value: 'auto', label: 'Only WikiTableQuestions questions keep to their table' },
  { value: 'known', label: 'Every question that names its tables keeps to them' },
  { value: 'database', label: 'The agent always searches the whole database' },
];

export function RetrievalSettingsCard({ projectId }: { projectId: string }) {
  const settings = useQuery({ queryKey: retrievalKey(projectId), queryFn: () => retrievalApi.get(projectId) });
  return (
    <Card title="Schema retrieval" description="Which tables the SQL agent’s prompt describes; it finds the others with search.">
      <QueryView query={settings}>
        {(data) => (
          <RetrievalForm key={data.retrieval.version} projectId={projectId} settings={data.retrieval} />
        )}
      </QueryView>
    </Card>
  );
}

function RetrievalForm({ projectId, settings }: { projectId: string; settings: RetrievalSettings }) {
  const [topK, setTopK] = useState(String(settings.top_k));
  const [scope, setScope] = useState<RetrievalScope>(settings.scope);
  const { save, fields: f, reload } = useVersionedSave(retrievalKey(projectId), () => retrievalApi.save(projectId, { version: settings.version, top_k: Number(topK), scope }), 'Retrieval settings saved');
  return (
    <VersionedForm
      label="Retrieval settings"
      save={save}
      stale="Someone changed these settings"
      onReload={reload}
      version={settings.version}
      saveLabel="Save retrieval settings"
    >
      <div className="form-grid">
        <TextField
          label="Tables in the prompt"
          {...bindNumber(topK, setTopK, 1, 64)}
          error={f.top_k}
          hint="The best ranked for the question; foreign keys may add half as many"
        />
        <SelectField label="Questions with their own tables" {...bindValue(scope, setScope)} error={f.scope}>
          {SCOPES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </SelectField>
      </div>
    </VersionedForm>
  );
}
