// Writing a new guideline version (leads): the editor with its preview, from the current version or a
// proposal's draft.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../shared/api';
import { Markdown } from '../../components/Markdown';
import { Alert, Button, ButtonLink, Card, ErrorState, Loading, TextAreaField, TextField, useToast } from '../../components/ui';
import { bindValue, fieldErrors, formError } from '../../shared/forms';
import { draftRules, GUIDELINE_TEMPLATE, guidelinesApi, type EditorDraft, type Guideline } from './api';
import { canManageProject } from '../../shared/nav';
import { useProject } from '../projects/ProjectPage';
import './guidelines.css';
import { dashboardKeys } from '../dashboard/keys';
import { guidelineKeys } from './keys';

export function GuidelineEditorPage() {
  const project = useProject();
  const pid = String(project.id);
  const list = useQuery({ queryKey: guidelineKeys.all(pid), queryFn: () => guidelinesApi.list(pid) });
  if (!canManageProject(project.my_role)) {
    return <Alert tone="warning" title="Only leads edit guidelines">Ask a lead of this project to change them.</Alert>;
  }
  if (list.isPending) return <Loading label="Loading guidelines…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  return <GuidelineEditor projectId={pid} current={list.data.current} />;
}

/** A draft handed to the editor (a proposal to edit before saving), from the navigation's state. */
function useEditorDraft(): EditorDraft | null {
  const state = useLocation().state as { draft?: EditorDraft } | null;
  const d = state?.draft;
  return d && typeof d.markdown === 'string' && typeof d.base === 'number' ? d : null;
}

function GuidelineEditor({ projectId, current }: { projectId: string; current: Guideline | null }) {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const draft = useEditorDraft();
  const [base, setBase] = useState(draft?.base ?? current?.version ?? 0);
  const [markdown, setMarkdown] = useState(draft?.markdown ?? current?.markdown ?? GUIDELINE_TEMPLATE);
  const [summary, setSummary] = useState(draft?.summary ?? (current ? '' : 'First version'));
  const [myDraft, setMyDraft] = useState<string | null>(null);
  const [summaryMissing, setSummaryMissing] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const save = useMutation({
    mutationFn: () => guidelinesApi.save(projectId, { markdown, summary: summary.trim(), version: base }),
    onSuccess: ({ guideline }) => {
      void qc.invalidateQueries({ queryKey: guidelineKeys.all(projectId) });
      void qc.invalidateQueries({ queryKey: dashboardKeys.cycles(projectId) });
      if (draft) qc.removeQueries({ queryKey: guidelineKeys.proposal(projectId) });
      const assigned = guideline.assigned?.length ? ` — new rules: ${guideline.assigned.join(', ')}` : '';
      toast(`Saved version ${guideline.version}${assigned}`);
      navigate(`/projects/${projectId}/guidelines`);
    },
  });
  const stale = save.error instanceof ApiError && save.error.isStaleVersion;
  const newest = stale ? Number((save.error as ApiError).details.current_version) || base + 1 : 0;
  const fields = fieldErrors(save.error);
  if (summaryMissing && !fields.summary) fields.summary = 'Say what changed and why.';
  const general = stale ? null : formError(save.error, fields);
  const { rules, duplicates } = draftRules(markdown);

  // Reload the newest version into the editor, keeping this draft alongside to merge from.
  const reload = async () => {
    const { guideline } = await guidelinesApi.get(projectId, newest);
    setMyDraft(markdown);
    setMarkdown(guideline.markdown);
    setBase(guideline.version);
    save.reset();
    void qc.invalidateQueries({ queryKey: guidelineKeys.all(projectId) });
  };

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!summary.trim()) {
      setSummaryMissing(true);
      return;
    }
    setSummaryMissing(false);
    if (!save.isPending) save.mutate();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      submit();
    }
  };
  useEffect(() => {
    document.title = 'Edit guidelines · Goldset';
  }, []);

  return (
    <form ref={formRef} className="stack" onSubmit={submit} onKeyDown={onKeyDown} aria-label="Edit guidelines" noValidate>
      {stale && (
        <Alert
          tone="warning"
          title="Someone saved a newer version; reload and merge"
          action={
            <Button onClick={reload} variant="primary">
              Reload v{newest}
            </Button>
          }
        >
          Version {newest} was saved after you started from version {base}.{' '}
          <Link to={`../diff?from=${base}&to=${newest}`} relative="path" target="_blank" rel="noopener">
            See what changed (v{base} → v{newest})
          </Link>
          . Reloading puts version {newest} in the editor and keeps your text beside it to merge from.
        </Alert>
      )}
      {general && <Alert>{general}</Alert>}
      {draft && !stale && (
        <Alert tone="info" title="Editing the model's proposal">
          Nothing is saved until you save. It was drafted from {draft.base === 0 ? 'the empty guidelines' : `version ${draft.base}`}.
        </Alert>
      )}
      <div className="gl-editor">
        <Card
          title={current ? `Edit guidelines (from v${base})` : 'Write the first guidelines'}
          description="A rule is a heading “## R: title”; it gets the next free ID (R1, R2, …) when saved and keeps it."
        >
          <TextAreaField
            label="Guidelines (markdown)"
            className="input textarea gl-textarea"
            {...bindValue(markdown, setMarkdown)}
            error={fields.markdown}
            hint={
              duplicates.length
                ? `Duplicate IDs: ${duplicates.join(', ')} — every rule needs its own ID.`
                : 'Ctrl+S (⌘S) saves. Write “## R: title” for a new rule.'
            }
            spellCheck
            rows={24}
          />
          {myDraft !== null && (
            <TextAreaField
              label="Your unsaved text (to merge from)"
              className="input textarea gl-textarea"
              value={myDraft}
              readOnly
              rows={10}
            />
          )}
          <TextField
            label="What changed"
            value={summary}
            onChange={(e) => {
              setSummary(e.target.value);
              if (e.target.value.trim()) setSummaryMissing(false);
            }}
            error={fields.summary}
            placeholder="e.g. Added R7 on date ranges; clarified R2"
            required
            maxLength={1000}
          />
          <div className="form-actions">
            <ButtonLink to=".." relative="path">
              Cancel
            </ButtonLink>
            <Button type="submit" variant="primary" busy={save.isPending} disabled={stale}>
              Save version {base + 1}
            </Button>
          </div>
        </Card>
        <Card title="Preview" description={`${rules.length} ${rules.length === 1 ? 'rule' : 'rules'}`}>
          <div className="gl-preview" aria-label="Preview">
            <Markdown text={markdown} />
          </div>
        </Card>
      </div>
    </form>
  );
}
