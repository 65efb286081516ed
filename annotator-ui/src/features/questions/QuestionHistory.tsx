// A question's full history in a drawer: the question and its gold SQL, every SQL candidate (who wrote
// it, what it returned, how an imported one fared in translation), "Try SQL", and one timeline of
// annotations, comparisons, review items, reviews and audit entries, newest last.
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link } from 'react-router';
import { api, ApiError, type HistoryReview, type MyProjectRole, type NlqHistory } from '../../shared/api';
import { formatDateTime, formatRelative } from '../../shared/format';
import { timelineEntries } from './history';
import { canReadAgentRuns, canRunAgent } from '../../shared/nav';
import { describeOrigin, STATUS_TONES, statusLabel, HIDDEN_SQL } from '../../shared/nlqs';
import { plural } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Badge, Drawer, ErrorState, Loading } from '../../components/ui';
import { questionKeys } from './keys';
import { QuestionEvidence } from './QuestionEvidence';
import { Lineage } from './Lineage';
import { candidateName } from './historyNames';
import { CandidateCard } from './CandidateCard';
import { TimelineItem } from './TimelineItem';

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
