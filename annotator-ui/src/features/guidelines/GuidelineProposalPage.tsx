// Guidelines → Propose edits (leads): the model reads the latest disagreements with the reviewers'
// decisions, error types, cited rules and comments, names the recurring causes and drafts revised
// guidelines, shown as a diff against the version it started from. The lead accepts it (saved as the
// next version), edits it first in the editor, or discards it; nothing changes until a save.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../shared/api';
import { GuidelineDiff } from './GuidelineDiff';
import { formatCount } from '../../components/ResultGrid';
import { Alert, Button, Card, describeError, RuleChips, SubmitRow, Table, TextField, useToast } from '../../components/ui';
import { guidelinesApi, type EditorDraft, type Proposal } from './api';
import { canManageProject } from '../../shared/nav';
import { useSession } from '../../shared/session';
import { useProject } from '../projects/ProjectPage';
import './guidelines.css';
import { dashboardKeys } from '../dashboard/keys';
import { guidelineKeys } from './keys';
import { bindNumber, bindValue, handleSubmit } from '../../shared/forms';
import { LlmSettingsLink } from '../runs/NotConfigured';

const DEFAULT_LIMIT = 50;

/** The summary a save of the proposal starts with. */
export function proposalSummary(p: Pick<Proposal, 'disagreements'>): string {
  return `Proposal from ${p.disagreements} ${p.disagreements === 1 ? 'disagreement' : 'disagreements'}`;
}

export function GuidelineProposalPage() {
  const project = useProject();
  const pid = String(project.id);
  const qc = useQueryClient();
  // The last proposal stays in the query cache, so coming back from the editor shows it again.
  const [proposal, setProposalState] = useState<Proposal | null>(() => qc.getQueryData<Proposal>(guidelineKeys.proposal(pid)) ?? null);
  // Each new proposal gets a fresh view (its own summary field and save state).
  const [seq, setSeq] = useState(0);
  const setProposal = (p: Proposal | null) => {
    if (p) qc.setQueryData(guidelineKeys.proposal(pid), p);
    else qc.removeQueries({ queryKey: guidelineKeys.proposal(pid) });
    setProposalState(p);
    setSeq((n) => n + 1);
  };
  const [limit, setLimit] = useState(String(DEFAULT_LIMIT));
  const abort = useRef<AbortController | null>(null);
  const propose = useMutation({
    mutationFn: () => {
      abort.current = new AbortController();
      return guidelinesApi.propose(pid, Number(limit) || undefined, abort.current.signal);
    },
    onSuccess: (p) => setProposal(p),
  });
  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    document.title = 'Propose guideline edits · Goldset';
  }, []);

  if (!canManageProject(project.my_role)) {
    return <Alert tone="warning" title="Only leads propose guideline edits">Ask a lead of this project.</Alert>;
  }
  const run = (e?: FormEvent) => {
    e?.preventDefault();
    if (!propose.isPending) propose.mutate();
  };
  const cancelled = propose.error instanceof DOMException && propose.error.name === 'AbortError';
  const limitError = propose.error instanceof ApiError ? propose.error.fields.limit : undefined;

  return (
    <div className="stack">
      <Link to={`/projects/${pid}/guidelines`} className="small">
        ← Guidelines
      </Link>
      <Card
        title="Propose edits from disagreements"
        description="The model reads the latest disagreements with the reviewers' decisions, error types, cited rules and comments, names the recurring causes and drafts revised guidelines. Nothing changes until you save."
      >
        <form className="form-inline proposal-form" onSubmit={run} aria-label="Propose edits" noValidate>
          <TextField
            label="Disagreements to read"
            {...bindNumber(limit, setLimit, 1, 500)}
            error={limitError}
            disabled={propose.isPending}
          />
          <SubmitRow busy={propose.isPending} layout="inline">
            {proposal ? 'Propose again' : 'Propose edits'}
          </SubmitRow>
        </form>
        {propose.isPending && <Thinking limit={Number(limit) || DEFAULT_LIMIT} onCancel={() => abort.current?.abort()} />}
        {cancelled ? (
          <p className="muted small" role="status">
            Cancelled. The model may still finish in the background; nothing was saved.
          </p>
        ) : propose.isError ? (
          <ProposeError error={propose.error} onRetry={run} />
        ) : null}
      </Card>
      {proposal && !propose.isPending && (
        <ProposalView key={seq} projectId={pid} proposal={proposal} onDiscard={() => setProposal(null)} onPropose={() => run()} />
      )}
    </div>
  );
}

/** While the model thinks: what it is doing, how long it has taken, and a way out. */
function Thinking({ limit, onCancel }: { limit: number; onCancel: () => void }) {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    const started = Date.now();
    const t = window.setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => window.clearInterval(t);
  }, []);
  return (
    <div className="proposal-thinking" role="status" data-testid="proposal-thinking">
      <span className="spinner" aria-hidden="true" />
      <span>
        The model is reading up to {limit} disagreements and drafting edits… <span className="muted">{seconds} s</span>
      </span>
      <Button size="sm" variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
    </div>
  );
}

function ProposeError({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { user } = useSession();
  if (error instanceof ApiError && error.isLlmNotConfigured) {
    return (
      <Alert
        tone="warning"
        title="No language model is configured"
        action={user.is_admin ? <LlmSettingsLink /> : undefined}
      >
        <span data-testid="llm-not-configured">
          Proposals need a model. An admin sets it in Settings → Language model{user.is_admin ? '' : '; ask one to set it up'}.
        </span>
      </Alert>
    );
  }
  if (error instanceof ApiError && error.status === 400 && error.fields.disagreements) {
    return (
      <Alert tone="info" title="No disagreements yet">
        Proposals are drafted from disagreements between people and the agent that reviewers have decided. Come back when the
        review queue has resolved some.
      </Alert>
    );
  }
  if (error instanceof ApiError && error.status === 400 && error.fields.limit) return null; // shown on the field
  if (error instanceof ApiError && error.status === 502) {
    return (
      <Alert
        title="The model's answer was unusable"
        action={
          <Button variant="primary" onClick={onRetry}>
            Try again
          </Button>
        }
      >
        {error.message}. Models sometimes answer off-format; asking again usually works.
      </Alert>
    );
  }
  const { title, message } = describeError(error);
  return (
    <Alert title={title} action={<Button onClick={onRetry}>Try again</Button>}>
      {message}
    </Alert>
  );
}

function ProposalView({
  projectId,
  proposal,
  onDiscard,
  onPropose,
}: {
  projectId: string;
  proposal: Proposal;
  onDiscard: () => void;
  onPropose: () => void;
}) {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [summary, setSummary] = useState(() => proposalSummary(proposal));
  const save = useMutation({
    mutationFn: () =>
      guidelinesApi.save(projectId, { markdown: proposal.markdown, summary: summary.trim(), version: proposal.base_version }),
    onSuccess: ({ guideline }) => {
      void qc.invalidateQueries({ queryKey: guidelineKeys.all(projectId) });
      void qc.invalidateQueries({ queryKey: dashboardKeys.cycles(projectId) });
      qc.removeQueries({ queryKey: guidelineKeys.proposal(projectId) });
      const assigned = guideline.assigned?.length ? ` — new rules: ${guideline.assigned.join(', ')}` : '';
      toast(`Saved version ${guideline.version}${assigned}`);
      navigate(`/projects/${projectId}/guidelines`);
    },
  });
  const editFirst = () => {
    const draft: EditorDraft = { markdown: proposal.markdown, base: proposal.base_version, summary: summary.trim() || proposalSummary(proposal) };
    navigate(`/projects/${projectId}/guidelines/edit`, { state: { draft } });
  };
  const err = save.error instanceof ApiError ? save.error : null;
  const stale = err?.isStaleVersion ? Number(err.details.current_version) || proposal.base_version + 1 : 0;
  const from = proposal.base_version;
  const submit = handleSubmit(() => {
    if (summary.trim() && !save.isPending) save.mutate();
  });

  return (
    <Card
      title="Proposal"
      description={`From ${formatCount(proposal.disagreements)} ${proposal.disagreements === 1 ? 'disagreement' : 'disagreements'} · edits ${from === 0 ? 'empty guidelines' : `v${from}`} · prompt ${proposal.prompt_version}`}
    >
      <div className="stack" data-testid="proposal">
        {proposal.summary && <p className="proposal-summary">{proposal.summary}</p>}
        {(proposal.causes ?? []).length > 0 && (
          <Table label="Recurring causes" columns={[{ label: 'Cases', num: true }, 'Cause', 'Why it happens', 'Rule']}>
            {(proposal.causes ?? []).map((c, i) => (
              <tr key={i}>
                <td className="cell-num">{formatCount(c.count)}</td>
                <td className="strong-link">{c.cause}</td>
                <td>{c.explanation}</td>
                <td className="nowrap">{/^R\d+$/.test(c.rule) ? <RuleChips ids={[c.rule]} label="Rule" /> : c.rule || <span className="muted">—</span>}</td>
              </tr>
            ))}
          </Table>
        )}
        <section aria-label="Proposed changes">
          <h3 className="card-subtitle">Proposed changes</h3>
          <GuidelineDiff diff={proposal.diff} />
        </section>
        {stale > 0 && (
          <Alert
            tone="warning"
            title="The guidelines changed since this proposal was drafted"
            action={
              <Button variant="primary" onClick={onPropose}>
                Propose again from v{stale}
              </Button>
            }
          >
            Version {stale} was saved after the model started from {from === 0 ? 'the empty guidelines' : `v${from}`}; saving this
            proposal would undo it.{' '}
            <Link to={`/projects/${projectId}/guidelines/diff?from=${from}&to=${stale}`} target="_blank" rel="noopener">
              See what changed
            </Link>
            , then propose again, or edit this proposal by hand.
          </Alert>
        )}
        {err && !stale && (
          <Alert title="Not saved">
            {err.fields.markdown
              ? `The proposed text was refused: ${err.fields.markdown}. Edit it before saving.`
              : err.fields.summary
                ? `What changed: ${err.fields.summary}`
                : err.message}
          </Alert>
        )}
        <form className="stack-sm" onSubmit={submit} aria-label="Accept the proposal" noValidate>
          <TextField
            label="What changed"
            {...bindValue(summary, setSummary)}
            error={summary.trim() ? undefined : 'Say what changed and why.'}
            maxLength={1000}
          />
          <div className="toolbar">
            <Button type="submit" variant="primary" busy={save.isPending} disabled={stale > 0 || !summary.trim()}>
              Accept and save v{from + 1}
            </Button>
            <Button onClick={editFirst}>Edit before saving</Button>
            <Button variant="ghost" onClick={onDiscard}>
              Discard
            </Button>
          </div>
        </form>
      </div>
    </Card>
  );
}
