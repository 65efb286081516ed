// The project's prompt template, versioned: the one in force, every version with where it came from,
// and a new version written by hand.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Badge, Button, Card, DetailRow, QueryView, Table, TextAreaField, TextField, useToast, WhenCell } from '../../components/ui';
import { fieldErrors, formError, handleSubmit } from '../../shared/forms';
import { goldenApi, placeholderError, type PromptTemplate } from '../../shared/golden';
import { optimizationKeys, promptKeys } from './keys';
import { runName } from '../runs/name';

const SOURCE_LABELS: Record<string, string> = { builtin: 'Built-in', manual: 'Written by hand', optimization: 'From an optimization' };

function PromptSource({ projectId, p }: { projectId: string; p: PromptTemplate }) {
  // The optimization's number, from the list the tab already loads (its id until then).
  const opts = useQuery({ queryKey: optimizationKeys.list(projectId), queryFn: () => goldenApi.listOptimizations(projectId), enabled: p.run_id !== null });
  const run = opts.data?.find((o) => o.run.id === p.run_id)?.run;
  return (
    <span>
      <Badge tone={p.source === 'optimization' ? 'info' : 'neutral'}>{SOURCE_LABELS[p.source] ?? p.source}</Badge>
      {p.run_id !== null && (
        <>
          {' '}
          <Link to={`/projects/${projectId}/optimizations/${p.run_id}`}>
            {run ? runName('optimization', run) : `optimization #${p.run_id}`}
            {p.candidate_id !== null ? `, candidate #${p.candidate_id}` : ''}
          </Link>
        </>
      )}
    </span>
  );
}

export function PromptTemplates({ projectId }: { projectId: string }) {
  const qc = useQueryClient();
  const toast = useToast();
  const prompts = useQuery({ queryKey: promptKeys.list(projectId), queryFn: () => goldenApi.prompts(projectId) });
  const [open, setOpen] = useState<number | null>(null);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ body: '', note: '' });
  const save = useMutation({
    mutationFn: () => goldenApi.savePrompt(projectId, { body: draft.body, note: draft.note.trim() || undefined }),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: promptKeys.list(projectId) });
      toast(`Saved prompt version ${p.version}`);
      setEditing(false);
    },
  });
  const fields = fieldErrors(save.error);
  const general = formError(save.error, fields);
  const local = editing ? placeholderError(draft.body) : undefined;
  const current = prompts.data?.current;
  const versions = prompts.data?.versions ?? [];
  const submit = handleSubmit(() => {
    if (!local) save.mutate();
  });
  return (
    <Card
      title="Prompt template"
      description="The project’s text-to-SQL prompt, versioned: evaluations and optimizations start from the newest, and the agent adds it to its instructions."
      actions={
        current && !editing ? (
          <Button
            size="sm"
            onClick={() => {
              setDraft({ body: current.body, note: '' });
              save.reset();
              setEditing(true);
            }}
          >
            New version
          </Button>
        ) : undefined
      }
    >
      <QueryView query={prompts} loading="Loading prompt versions…">
        {() => (
          <div className="stack">
            {editing && (
              <form className="form" onSubmit={submit} aria-label="New prompt version" noValidate>
                <TextAreaField
                  label="Template"
                  value={draft.body}
                  onChange={(e) => setDraft((d) => ({ ...d, body: e.target.value }))}
                  rows={12}
                  className="input textarea mono prompt-textarea"
                  error={local ?? fields.body}
                  hint="{dialect}, {schema} and {query_str} are filled in per question."
                />
                <TextField label="Note" value={draft.note} onChange={(e) => setDraft((d) => ({ ...d, note: e.target.value }))} error={fields.note} placeholder="What changed" />
                {general && <Alert>{general}</Alert>}
                <div className="form-actions form-actions-start">
                  <Button type="submit" variant="primary" busy={save.isPending}>
                    Save version {(current?.version ?? 0) + 1}
                  </Button>
                  <Button onClick={() => setEditing(false)}>Cancel</Button>
                </div>
              </form>
            )}
            <p data-testid="current-prompt">
              In force: <strong>version {current!.version}</strong> {current && <PromptSource projectId={projectId} p={current} />}
              {current!.version === 0 && <span className="muted"> — no version saved yet, the built-in template applies.</span>}
            </p>
            {versions.length === 0 ? (
              <pre className="prompt-text mono">{current!.body}</pre>
            ) : (
              <Table label="Prompt versions" className="table table-compact" columns={['Version', 'Source', 'Note', 'Saved', { hidden: 'Text' }]}>
                {versions.map((p) => (
                  <Fragment key={p.version}>
                    <tr data-testid={`prompt-version-${p.version}`}>
                      <td className="nowrap">
                        v{p.version} {p.version === current!.version && <Badge tone="success">current</Badge>}
                      </td>
                      <td>
                        <PromptSource projectId={projectId} p={p} />
                      </td>
                      <td>{p.note || <span className="muted">—</span>}</td>
                      <WhenCell at={p.created_at} />
                      <td className="cell-actions">
                        <Button size="sm" variant="ghost" aria-expanded={open === p.version} onClick={() => setOpen(open === p.version ? null : p.version)} aria-label={`${open === p.version ? 'Hide' : 'Show'} version ${p.version}`}>
                          {open === p.version ? 'Hide' : 'Text'}
                        </Button>
                      </td>
                    </tr>
                    {open === p.version && (
                      <DetailRow columns={5}>
                        <pre className="prompt-text mono">{p.body}</pre>
                      </DetailRow>
                    )}
                  </Fragment>
                ))}
              </Table>
            )}
          </div>
        )}
      </QueryView>
    </Card>
  );
}
