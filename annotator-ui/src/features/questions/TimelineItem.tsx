// One entry of a question's history timeline: a claim, a SQL, an annotation, a comparison, a review
// item, a status change or an audit event.
import { type ReactNode } from 'react';
import { type HistoryCandidate, type HistoryEvent, type HistoryReview } from '../../shared/api';
import { formatDateTime, formatDuration } from '../../shared/format';
import { eventChanges, eventTitle, type TimelineEntry } from './history';
import { DECISION_LABELS, errorTypeLabel, REVIEW_REASON_LABELS, skipReasonText, type Decision } from '../../shared/loop';
import { JsonBlock } from '../../components/AuditLog';
import { plural } from '../../components/ResultGrid';
import { SqlCode } from '../../components/SqlCode';
import { Badge, RuleChips } from '../../components/ui';
import { isNeighbourDisagreement, NeighbourDisagreement } from '../../components/NeighbourDisagreement';
import { sourceLabel, candidateName, GuidelineWhen } from './historyNames';

function Entry({
  entry: { kind, at },
  title,
  who,
  children,
}: {
  entry: Pick<TimelineEntry, 'kind' | 'at'>;
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

/** A muted line: `children` (how long it took, why), then the guideline version the work was done under. */
function UnderGuidelines({ projectId, version, children }: { projectId: string; version: number | null | undefined; children: ReactNode }) {
  return (
    <p className="muted small">
      {children}
      <GuidelineWhen projectId={projectId} version={version} />
    </p>
  );
}

export function TimelineItem({
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
        <Entry entry={e} title={`${what}: #${c.id} · ${sourceLabel(c.source)}`} who={c.author_email}>
          <p className="muted small">{c.error ? `fails: ${c.error}` : c.row_count != null ? plural(c.row_count, 'row') : 'not run'}</p>
        </Entry>
      );
    }
    case 'annotation': {
      const a = e.annotation;
      return (
        <Entry
          entry={e}
          who={a.email}
          title={a.skipped_reason ? `Skipped as ${skipReasonText(a.skipped_reason)}` : `Annotated: SQL #${a.candidate_id}`}
        >
          <UnderGuidelines projectId={projectId} version={a.guideline_version}>
            {a.elapsed_ms != null && <>took {formatDuration(a.elapsed_ms)} · </>}
          </UnderGuidelines>
          {a.comment && <p className="timeline-comment">{a.comment}</p>}
        </Entry>
      );
    }
    case 'comparison': {
      const c = e.comparison;
      return (
        <Entry
          entry={e}
          title={
            <>
              Compared {candidateName(byId, c.candidate_a_id)} with {candidateName(byId, c.candidate_b_id)}:{' '}
              <Badge tone={c.match ? 'success' : 'danger'}>{c.match ? 'match' : 'no match'}</Badge>
            </>
          }
        >
          <UnderGuidelines projectId={projectId} version={c.guideline_version}>
            {c.reason && <>{c.reason} · </>}
          </UnderGuidelines>
          {isNeighbourDisagreement(c.detail) && (
            <NeighbourDisagreement detail={c.detail} labelA={candidateName(byId, c.candidate_a_id)} labelB={candidateName(byId, c.candidate_b_id)} />
          )}
        </Entry>
      );
    }
    case 'review_item': {
      const it = e.item;
      return (
        <Entry entry={e} title={`Queued for review: ${REVIEW_REASON_LABELS[it.reason] ?? it.reason}`}>
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
          entry={e}
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
    <Entry entry={{ kind: 'event', at: event.at }} title={eventTitle(event.action)} who={event.actor_email ?? 'system'}>
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
