// A question's full history in a drawer: the question and its gold SQL, every SQL candidate (who wrote
// it, what it returned, how an imported one fared in translation), "Try SQL", and one timeline of
// annotations, comparisons, review items, reviews and audit entries, newest last.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type Candidate, type HistoryCandidate, type HistoryEvent, type HistoryReview, type MyProjectRole, type Nlq, type NlqHistory } from '../../shared/api';
import { formatDateTime, formatDuration, formatRelative } from '../../shared/format';
import { eventChanges, eventTitle, timelineEntries, type TimelineEntry } from './history';
import { DECISION_LABELS, errorTypeLabel, REVIEW_REASON_LABELS, skipReasonText, type Decision } from '../../shared/loop';
import { canReadAgentRuns, canRunAgent } from '../../shared/nav';
import { describeOrigin, STATUS_TONES, statusLabel } from '../../shared/nlqs';
import { JsonBlock } from '../../components/AuditLog';
import { plural, ResultView } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Badge, Drawer, ErrorState, Loading, RuleChips } from '../../components/ui';
import { isNeighbourDisagreement, NeighbourDisagreement } from '../../components/NeighbourDisagreement';
import { HIDDEN_SQL } from '../../shared/nlqs';
import { questionKeys } from './keys';
import { QuestionEvidence } from './QuestionEvidence';

// Try SQL carries the SQL editor (CodeMirror): it loads when a history is first opened.
const TrySql = lazy(() => import('./TrySql').then((m) => ({ default: m.TrySql })));


export function QuestionHistory({
  projectId,
  nlqId,
  role,
  onClose,
}: {
  projectId: string;
  nlqId: string;
  role: MyProjectRole;
  onClose: () => void;
}) {
  const history = useQuery({ queryKey: questionKeys.history(projectId, nlqId), queryFn: () => api.nlqHistory(projectId, nlqId) });
  return (
    <Drawer title={`Question #${nlqId}`} onClose={onClose}>
      {history.isPending ? (
        <Loading label="Loading the history…" />
      ) : history.isError ? (
        history.error instanceof ApiError && history.error.status === 404 ? (
          <p className="muted">There is no question #{nlqId} in this project.</p>
        ) : (
          <ErrorState error={history.error} onRetry={() => history.refetch()} />
        )
      ) : (
        <HistoryView projectId={projectId} history={history.data} role={role} />
      )}
    </Drawer>
  );
}

const SOURCE_LABELS: Record<string, string> = { import: 'imported', agent: 'agent', human: 'human', generator: 'generator' };
const sourceLabel = (s: string) => SOURCE_LABELS[s] ?? s;

/** "#70 · human (ann@example.com)": how the timeline names a candidate. */
function candidateName(byId: Map<number, HistoryCandidate>, id: number | null | undefined): string {
  if (id == null) return '—';
  const c = byId.get(id);
  if (!c) return `#${id}`;
  return `#${id} · ${sourceLabel(c.source)}${c.author_email && c.source !== 'agent' ? ` (${c.author_email})` : ''}`;
}

/** "under guidelines v2" (a link to that version), or "before the first guidelines". */
function GuidelineWhen({ projectId, version }: { projectId: string; version: number | null | undefined }) {
  if (!version) return <>before the first guidelines</>;
  return (
    <>
      under <Link to={`/projects/${projectId}/guidelines?version=${version}`}>guidelines v{version}</Link>
    </>
  );
}

function HistoryView({ projectId, history, role }: { projectId: string; history: NlqHistory; role: MyProjectRole }) {
  const { nlq, candidates } = history;
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const gold = nlq.gold_candidate_id != null ? byId.get(nlq.gold_candidate_id) ?? null : null;
  const entries = timelineEntries(history);
  const hidden = Boolean(nlq.answers_hidden);
  // An "accept" names its candidate; a server whose history leaves it out still set that candidate as
  // the gold, so the question's newest review's is the gold.
  const reviews = history.review_items.flatMap((it) => it.reviews);
  const newest = reviews.reduce<number | null>((m, r) => (m === null || r.id > m ? r.id : m), null);
  const accepted = (r: HistoryReview) => r.candidate_id ?? (r.id === newest ? (nlq.gold_candidate_id ?? null) : null);
  return (
    <div className="nlq-history" data-testid={`history-${nlq.id}`}>
      <div className="nlq-history-meta">
        <Badge tone={STATUS_TONES[nlq.status] ?? 'neutral'}>{statusLabel(nlq.status)}</Badge>
        {nlq.database_id ? (
          <Link to={`/projects/${projectId}/databases/${nlq.database_id}`}>{nlq.database_name ?? `database ${nlq.database_id}`}</Link>
        ) : (
          <span className="muted">no database</span>
        )}
        <span className="muted">stage {nlq.stage}</span>
        <span className="mono small-mono">{describeOrigin(nlq.origin)}</span>
        <span className="muted" title={formatDateTime(nlq.created_at)}>
          added {formatRelative(nlq.created_at)}
        </span>
      </div>
      <p className="nlq-history-question" data-testid="history-question">
        {nlq.question}
      </p>
      <QuestionEvidence projectId={projectId} nlqId={nlq.id} />
      <Lineage projectId={projectId} nlq={nlq} showRun={canRunAgent(role)} />
      {(nlq.target_values ?? []).length > 0 && (
        <div className="answer">
          <span className="detail-label">Answer</span>
          {(nlq.target_values ?? []).map((t, i) => (
            <span key={i} className="answer-chip">
              {t}
            </span>
          ))}
        </div>
      )}
      <section aria-label="Gold SQL" className="nlq-history-section">
        <h3 className="nlq-history-heading">Gold SQL</h3>
        {gold ? (
          <SqlCode sql={gold.sql} caption={`${candidateName(byId, gold.id)}${gold.row_count != null ? ` · ${plural(gold.row_count, 'row')}` : ''}`} />
        ) : hidden ? (
          <p className="blind-note" data-testid="answers-hidden">
            {HIDDEN_SQL}
          </p>
        ) : (
          <p className="muted">No gold SQL yet: it is set when people and the agent agree or a reviewer decides.</p>
        )}
      </section>
      <section aria-label="SQL candidates" className="nlq-history-section">
        <h3 className="nlq-history-heading">SQL candidates ({candidates.length})</h3>
        {hidden && candidates.length > 0 && <p className="blind-note">Only your own SQL is shown: {HIDDEN_SQL.charAt(0).toLowerCase() + HIDDEN_SQL.slice(1)}</p>}
        {candidates.length === 0 ? (
          hidden ? (
            <p className="blind-note">{HIDDEN_SQL}</p>
          ) : (
            <p className="muted">No SQL yet.</p>
          )
        ) : (
          <ol className="candidate-list">
            {candidates.map((c) => (
              <CandidateCard key={c.id} projectId={projectId} candidate={c} gold={c.id === gold?.id} showRun={canReadAgentRuns(role)} />
            ))}
          </ol>
        )}
      </section>
      <Suspense fallback={<Loading label="Loading the SQL editor…" />}>
        <TrySql projectId={projectId} nlq={nlq} />
      </Suspense>
      <section aria-label="Timeline" className="nlq-history-section">
        <h3 className="nlq-history-heading">Timeline</h3>
        {hidden && <p className="muted small">Others’ SQL, the comparisons and the reviews of this question appear once you have annotated it (blind annotation).</p>}
        <ol className="timeline-list" data-testid="timeline">
          {entries.map((e) => (
            <TimelineItem key={e.key} entry={e} projectId={projectId} byId={byId} accepted={accepted} />
          ))}
        </ol>
      </section>
    </div>
  );
}

/** What a generated question's origin records (docs/API.md, generating pipelines). */
interface GeneratedOrigin {
  kind?: string;
  pipeline?: string;
  prompt_version?: string;
  model?: string;
  run_id?: number;
  item?: string;
  method?: string;
  parent_id?: number;
  style_ref_id?: number;
  tables?: string[];
  columns?: string[];
}

/** Where a generated question came from: pipeline, method, prompt, model, run and parent. Nothing for imports. */
export function Lineage({ projectId, nlq, showRun }: { projectId: string; nlq: Nlq; showRun: boolean }) {
  const o = (nlq.origin ?? {}) as GeneratedOrigin;
  if (!o.pipeline && o.run_id == null) return null;
  const parent = nlq.parent_id ?? o.parent_id ?? null;
  const question = (id: number) => <Link to={`/projects/${projectId}/questions/${id}`}>question #{id}</Link>;
  return (
    <section aria-label="Lineage" className="nlq-history-section">
      <h3 className="nlq-history-heading">Lineage</h3>
      <dl className="lineage" data-testid="lineage">
        <dt>Pipeline</dt>
        <dd>{o.pipeline ?? o.kind}</dd>
        {o.method && (
          <>
            <dt>Method</dt>
            <dd>{o.method}</dd>
          </>
        )}
        {parent != null && (
          <>
            <dt>Parent</dt>
            <dd>{question(parent)}</dd>
          </>
        )}
        {o.style_ref_id != null && (
          <>
            <dt>Style reference</dt>
            <dd>{question(o.style_ref_id)}</dd>
          </>
        )}
        {(o.tables ?? []).length > 0 && (
          <>
            <dt>Tables</dt>
            <dd className="mono small-mono">{(o.tables ?? []).join(', ')}</dd>
          </>
        )}
        {(o.columns ?? []).length > 0 && (
          <>
            <dt>Columns</dt>
            <dd className="mono small-mono">{(o.columns ?? []).join(', ')}</dd>
          </>
        )}
        <dt>Prompt version</dt>
        <dd className="mono small-mono">{o.prompt_version ?? '—'}</dd>
        <dt>Model</dt>
        <dd className="mono small-mono">{o.model || '—'}</dd>
        {o.run_id != null && (
          <>
            <dt>Run</dt>
            <dd>
              {showRun ? <Link to={`/projects/${projectId}/pipelines/${o.run_id}`}>run #{o.run_id}</Link> : `run #${o.run_id}`}
              {o.item && <span className="muted"> · item {o.item}</span>}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function CandidateCard({
  projectId,
  candidate: c,
  gold,
  showRun,
}: {
  projectId: string;
  candidate: HistoryCandidate;
  gold: boolean;
  showRun: boolean;
}) {
  const translated = Boolean(c.original_sql && c.original_sql.trim() !== c.sql.trim());
  return (
    <li className="candidate-card" data-testid={`candidate-${c.id}`}>
      <div className="candidate-head">
        <strong>#{c.id}</strong>
        <Badge tone={c.source === 'agent' ? 'info' : c.source === 'human' ? 'success' : 'neutral'}>{sourceLabel(c.source)}</Badge>
        {gold && <Badge tone="success">gold</Badge>}
        <span className="muted">{c.author_email ?? 'unknown author'}</span>
        <span className="muted" title={formatDateTime(c.created_at)}>
          {formatRelative(c.created_at)}
        </span>
        {showRun && c.agent_run_id != null && <Link to={`/projects/${projectId}/agent/${c.agent_run_id}`}>trajectory</Link>}
      </div>
      <SqlCode sql={c.sql} caption={translated ? 'PostgreSQL' : undefined} />
      {translated && <SqlCode sql={c.original_sql ?? ''} caption={`Original (${c.original_dialect === 'sqlite' ? 'SQLite' : (c.original_dialect ?? 'original')})`} />}
      <p className="muted small">
        {c.error ? (
          <span className="text-danger">Fails: {c.error}</span>
        ) : c.row_count != null ? (
          <>
            {plural(c.row_count, 'row')}
            {c.elapsed_ms != null && ` · ${c.elapsed_ms.toFixed(1)} ms`}
          </>
        ) : (
          'Not run'
        )}
      </p>
      <TranslationEvidence candidate={c} />
      {(c.warnings ?? []).length > 0 && (
        <ul className="warning-list">
          {(c.warnings ?? []).map((w, i) => (
            <li key={i}>
              <strong>{w.rule}</strong>: {w.message}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** How an imported SQLite query fared: what the translation changed, and both results when they differ. */
export function TranslationEvidence({ candidate: c }: { candidate: Candidate }) {
  const v = c.verification;
  const changes = c.translation?.changes ?? [];
  if (!v && changes.length === 0) return null;
  return (
    <div className="stack-sm">
      {changes.length > 0 && (
        <div>
          <span className="detail-label">Translation changes</span>
          <ul className="changes">
            {changes.map((ch, i) => (
              <li key={i}>{ch}</li>
            ))}
          </ul>
        </div>
      )}
      {v && (
        <div className={`verdict verdict-sm ${v.match ? 'verdict-match' : 'verdict-nomatch'}`}>
          <span className="verdict-label">{v.match ? 'MATCH' : 'NO MATCH'}</span>
          <span className="verdict-reason">{v.reason || (v.match ? 'The translation gives the same result as the original.' : '')}</span>
        </div>
      )}
      {v && !v.match && (v.sqlite || v.postgres) && (
        <div className="compare-columns">
          <div className="panel">
            <div className="panel-header">
              <h4 className="panel-title">Original on SQLite</h4>
            </div>
            {v.sqlite ? <ResultView result={v.sqlite} label="SQLite result" /> : <p className="muted">Not run.</p>}
          </div>
          <div className="panel">
            <div className="panel-header">
              <h4 className="panel-title">Translation on PostgreSQL</h4>
            </div>
            {v.postgres ? <ResultView result={v.postgres} label="PostgreSQL result" /> : <p className="muted">Not run.</p>}
          </div>
        </div>
      )}
    </div>
  );
}

function Entry({
  kind,
  at,
  title,
  who,
  children,
}: {
  kind: string;
  at: string;
  title: ReactNode;
  who?: string | null;
  children?: ReactNode;
}) {
  return (
    <li className={`timeline-entry timeline-${kind}`}>
      <span className="timeline-dot" aria-hidden="true" />
      <div className="timeline-body">
        <div className="timeline-title">
          <span>{title}</span>
          {who && <span className="muted"> · {who}</span>}
          <time className="muted small-inline" dateTime={at} title={formatDateTime(at)}>
            {formatDateTime(at)}
          </time>
        </div>
        {children}
      </div>
    </li>
  );
}

function TimelineItem({
  entry: e,
  projectId,
  byId,
  accepted,
}: {
  entry: TimelineEntry;
  projectId: string;
  byId: Map<number, HistoryCandidate>;
  accepted: (r: HistoryReview) => number | null;
}) {
  switch (e.kind) {
    case 'candidate': {
      const c = e.candidate;
      const what =
        c.source === 'import' ? 'SQL imported' : c.source === 'agent' ? 'The agent answered' : c.source === 'human' ? 'SQL written' : `SQL from ${c.source}`;
      return (
        <Entry kind="candidate" at={e.at} title={`${what}: #${c.id} · ${sourceLabel(c.source)}`} who={c.author_email}>
          <p className="muted small">{c.error ? `fails: ${c.error}` : c.row_count != null ? plural(c.row_count, 'row') : 'not run'}</p>
        </Entry>
      );
    }
    case 'annotation': {
      const a = e.annotation;
      return (
        <Entry
          kind="annotation"
          at={e.at}
          who={a.email}
          title={a.skipped_reason ? `Skipped as ${skipReasonText(a.skipped_reason)}` : `Annotated: SQL #${a.candidate_id}`}
        >
          <p className="muted small">
            {a.elapsed_ms != null && <>took {formatDuration(a.elapsed_ms)} · </>}
            <GuidelineWhen projectId={projectId} version={a.guideline_version} />
          </p>
          {a.comment && <p className="timeline-comment">{a.comment}</p>}
        </Entry>
      );
    }
    case 'comparison': {
      const c = e.comparison;
      return (
        <Entry
          kind="comparison"
          at={e.at}
          title={
            <>
              Compared {candidateName(byId, c.candidate_a_id)} with {candidateName(byId, c.candidate_b_id)}:{' '}
              <Badge tone={c.match ? 'success' : 'danger'}>{c.match ? 'match' : 'no match'}</Badge>
            </>
          }
        >
          <p className="muted small">
            {c.reason && <>{c.reason} · </>}
            <GuidelineWhen projectId={projectId} version={c.guideline_version} />
          </p>
          {isNeighbourDisagreement(c.detail) && (
            <NeighbourDisagreement detail={c.detail} labelA={candidateName(byId, c.candidate_a_id)} labelB={candidateName(byId, c.candidate_b_id)} />
          )}
        </Entry>
      );
    }
    case 'review_item': {
      const it = e.item;
      return (
        <Entry kind="review_item" at={e.at} title={`Queued for review: ${REVIEW_REASON_LABELS[it.reason] ?? it.reason}`}>
          <p className="muted small">
            A {candidateName(byId, it.candidate_a_id)} · B {candidateName(byId, it.candidate_b_id)} · item #{it.id}, now {it.status}
          </p>
        </Entry>
      );
    }
    case 'review': {
      const r = e.review;
      const picked =
        r.decision === 'accept_a' ? e.item.candidate_a_id : r.decision === 'accept_b' ? e.item.candidate_b_id : r.decision === 'accept' ? accepted(r) : null;
      return (
        <Entry
          kind="review"
          at={e.at}
          who={r.reviewer_email}
          title={
            <>
              Reviewed: <strong>{DECISION_LABELS[r.decision as Decision] ?? r.decision}</strong>
              {picked != null && <> ({candidateName(byId, picked)})</>}
            </>
          }
        >
          <div className="timeline-facts">
            <Badge tone="warning">{errorTypeLabel(r.error_type)}</Badge>
            <RuleChips ids={r.rule_ids} />
            <span className="muted small-inline">
              <GuidelineWhen projectId={projectId} version={r.guideline_version} />
            </span>
          </div>
          {r.comment && <p className="timeline-comment">{r.comment}</p>}
          {r.final_sql && <SqlCode sql={r.final_sql} caption="Final SQL" />}
          {r.question && r.decision === 'rewrite_question' && <p className="timeline-comment">New question: {r.question}</p>}
        </Entry>
      );
    }
    case 'event':
      return <EventEntry event={e.event} />;
  }
}

function EventEntry({ event }: { event: HistoryEvent }) {
  const changes = eventChanges(event);
  return (
    <Entry kind="event" at={event.at} title={eventTitle(event.action)} who={event.actor_email ?? 'system'}>
      {changes.length > 0 && (
        <ul className="plain-list small">
          {changes.map((c) => (
            <li key={c.field}>
              {c.field}: <span className="muted">{c.from}</span> → {c.to}
            </li>
          ))}
        </ul>
      )}
      {(event.before != null || event.after != null) && (
        <details className="timeline-details">
          <summary className="small">Audit entry #{event.id}</summary>
          <div className="json-diff">
            <JsonBlock label="Before" value={event.before} />
            <JsonBlock label="After" value={event.after} />
          </div>
        </details>
      )}
    </Entry>
  );
}
