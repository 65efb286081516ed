// A project's guidelines: the current version rendered with its rules, every version with "compare
// with previous", a diff between any two versions, and for leads an editor with a live preview.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../shared/api';
import { GuidelineDiff } from './GuidelineDiff';
import { Markdown } from '../../components/Markdown';
import { Alert, Badge, Button, Card, EmptyState, ErrorState, Loading, SelectField, TextAreaField, TextField, useToast } from '../../components/ui';
import { formatDateTime } from '../../shared/format';
import { fieldErrors, formError } from '../../shared/forms';
import { draftRules, GUIDELINE_TEMPLATE, guidelinesApi, type EditorDraft, type Guideline, type GuidelineInfo } from './api';
import { canManageProject } from '../../shared/nav';
import { useProject } from '../projects/ProjectPage';
import './guidelines.css';
import { dashboardKeys } from '../dashboard/keys';
import { guidelineKeys } from './keys';

function author(g: GuidelineInfo): string {
  return g.author_name || g.author_email || 'a deleted user';
}

function VersionLine({ g }: { g: GuidelineInfo }) {
  return (
    <span className="gl-version-line">
      <Badge tone="info">v{g.version}</Badge> by {author(g)} · {formatDateTime(g.created_at)} · {g.rule_count}{' '}
      {g.rule_count === 1 ? 'rule' : 'rules'}
    </span>
  );
}

export function ProjectGuidelines() {
  const project = useProject();
  const pid = String(project.id);
  const [params] = useSearchParams();
  const wanted = Number(params.get('version')) || 0;
  const list = useQuery({ queryKey: guidelineKeys.all(pid), queryFn: () => guidelinesApi.list(pid) });
  const old = useQuery({
    queryKey: guidelineKeys.version(pid, wanted),
    queryFn: () => guidelinesApi.get(pid, wanted),
    enabled: wanted > 0 && list.data?.current?.version !== wanted,
  });
  const canEdit = canManageProject(project.my_role);

  if (list.isPending) return <Loading label="Loading guidelines…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  const { current, versions } = list.data;
  if (!current) {
    return (
      <EmptyState
        title="No guidelines yet"
        action={
          canEdit ? (
            <div className="toolbar">
              <Link className="btn btn-primary" to="edit">
                Write guidelines
              </Link>
              <Link className="btn btn-secondary" to="propose">
                Propose from disagreements
              </Link>
            </div>
          ) : undefined
        }
      >
        {canEdit
          ? 'Write the rules annotators, reviewers and the agent follow. Every save is a new version.'
          : 'A lead of this project has not written guidelines yet.'}
      </EmptyState>
    );
  }
  const showingOld = wanted > 0 && wanted !== current.version;
  if (showingOld && old.isPending) return <Loading label={`Loading version ${wanted}…`} />;
  if (showingOld && old.isError) return <ErrorState error={old.error} onRetry={() => old.refetch()} />;
  const shown: Guideline = showingOld && old.data ? old.data.guideline : current;

  return (
    <div className="gl-layout">
      <div className="stack">
        {showingOld && (
          <Alert
            tone="info"
            title={`This is version ${shown.version}, not the current one`}
            action={
              <Link className="btn btn-secondary btn-sm" to=".">
                Show current (v{current.version})
              </Link>
            }
          >
            {shown.summary}
          </Alert>
        )}
        <Card
          title={showingOld ? `Guidelines, version ${shown.version}` : 'Guidelines'}
          description={<VersionLine g={shown} />}
          actions={
            canEdit && !showingOld ? (
              <div className="toolbar">
                <Link className="btn btn-secondary btn-sm" to="propose">
                  Propose edits from disagreements
                </Link>
                <Link className="btn btn-primary btn-sm" to="edit">
                  Edit
                </Link>
              </div>
            ) : null
          }
        >
          {!showingOld && shown.summary && (
            <p className="gl-summary">
              <span className="muted">What changed: </span>
              {shown.summary}
            </p>
          )}
          <Markdown text={shown.markdown} label="Guideline text" />
        </Card>
      </div>
      <aside className="stack" aria-label="Rules and versions">
        <Card title="Rules" description="Cite a rule by its ID; IDs never change.">
          {shown.rules.length === 0 ? (
            <p className="muted">No rules yet. A rule is a heading like “## R: Always …”.</p>
          ) : (
            <ol className="gl-rule-index" aria-label="Rules">
              {shown.rules.map((r) => (
                <li key={r.id}>
                  <a href={`#${r.id}`} className="mono gl-rule-ref">
                    {r.id}
                  </a>{' '}
                  {r.title}
                </li>
              ))}
            </ol>
          )}
        </Card>
        <Card title="Versions">
          <ol className="gl-versions" aria-label="Versions">
            {versions.map((v) => (
              <li key={v.version} className={v.version === shown.version ? 'gl-version-current' : undefined}>
                <div>
                  <Link to={v.version === current.version ? '.' : `?version=${v.version}`} className="strong-link">
                    Version {v.version}
                  </Link>{' '}
                  {v.version === current.version && <Badge tone="success">current</Badge>}
                </div>
                <div className="small muted">
                  {author(v)} · {formatDateTime(v.created_at)}
                </div>
                <div className="small">{v.summary}</div>
                <Link className="small" to={`diff?from=${v.version - 1}&to=${v.version}`}>
                  Compare with previous
                </Link>
              </li>
            ))}
          </ol>
        </Card>
      </aside>
    </div>
  );
}

export function GuidelineDiffPage() {
  const project = useProject();
  const pid = String(project.id);
  const [params, setParams] = useSearchParams();
  const list = useQuery({ queryKey: guidelineKeys.all(pid), queryFn: () => guidelinesApi.list(pid) });
  const latest = list.data?.current?.version ?? 0;
  const to = Number(params.get('to')) || latest;
  const from = params.get('from') !== null ? Number(params.get('from')) : Math.max(to - 1, 0);
  const diff = useQuery({
    queryKey: guidelineKeys.diff(pid, from, to),
    queryFn: () => guidelinesApi.diff(pid, from, to),
    enabled: to > 0,
  });
  const choose = (name: 'from' | 'to', value: string) => {
    const next = new URLSearchParams(params);
    next.set('from', String(from));
    next.set('to', String(to));
    next.set(name, value);
    setParams(next);
  };

  if (list.isPending) return <Loading label="Loading versions…" />;
  if (list.isError) return <ErrorState error={list.error} onRetry={() => list.refetch()} />;
  const versions = list.data.versions;
  return (
    <div className="stack">
      <Link to=".." relative="path" className="small">
        ← Guidelines
      </Link>
      <Card title="Compare versions">
        <div className="form-inline gl-compare-pickers">
          <SelectField label="From" value={String(from)} onChange={(e) => choose('from', e.target.value)}>
            <option value="0">empty (before v1)</option>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} — {v.summary}
              </option>
            ))}
          </SelectField>
          <SelectField label="To" value={String(to)} onChange={(e) => choose('to', e.target.value)}>
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version} — {v.summary}
              </option>
            ))}
          </SelectField>
        </div>
        {to === 0 ? (
          <p className="muted">There are no versions to compare yet.</p>
        ) : diff.isPending ? (
          <Loading label="Comparing…" />
        ) : diff.isError ? (
          <ErrorState error={diff.error} onRetry={() => diff.refetch()} />
        ) : (
          <GuidelineDiff diff={diff.data.diff} />
        )}
      </Card>
    </div>
  );
}

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
            value={markdown}
            onChange={(e) => setMarkdown(e.target.value)}
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
            <Link className="btn btn-secondary" to=".." relative="path">
              Cancel
            </Link>
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
