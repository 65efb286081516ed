// The Review tab: claim the next item that needs judgement, compare its two candidates (SQL diff,
// results, row-level difference), cite guideline rules and decide — all from the keyboard.
// Loaded on demand: it carries the SQL editor.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, type QueryResult } from '../../shared/api';
import { formatCount, ResultView, RowsTable } from '../../components/ResultGrid';
import { RUN_SHORTCUT, SqlEditor } from '../../components/SqlEditor';
import { Alert, Badge, Button, EmptyState, ErrorState, Loading, SelectField, TextAreaField, useToast } from '../../components/ui';
import { guidelinesApi } from '../guidelines/api';
import { SAVE_SHORTCUT, useHotkeys } from '../../shared/hotkeys';
import { DECISION_LABELS, ERROR_TYPE_LABELS, ERROR_TYPES, loopApi, REVIEW_REASON_LABELS as REASON_LABELS, sqlDiff, type Decision, type DiffPart, type ErrorType, type ReviewCandidate, type ReviewItem } from '../../shared/loop';
import { databaseKeys } from '../databases/keys';
import { guidelineKeys } from '../guidelines/keys';
import { reviewKeys } from './keys';

const DECISIONS: { decision: Decision; label: string; key: string }[] = (
  [
    ['accept_a', 'a'],
    ['accept_b', 'b'],
    ['edit', 'e'],
    ['rewrite_question', 'w'],
    ['ambiguous', 'm'],
    ['reject', 'r'],
  ] as const
).map(([decision, key]) => ({ decision, label: DECISION_LABELS[decision], key }));

export function ProjectReview() {
  const { projectId = '' } = useParams();
  const [item, setItem] = useState<ReviewItem | null | undefined>(undefined);
  const next = useMutation({ mutationFn: () => loopApi.nextReview(projectId), onSuccess: (it) => setItem(it) });
  const getNext = useCallback(() => {
    if (!next.isPending) next.mutate();
  }, [next]);

  if (!item) {
    return (
      <div className="stack">
        {next.isError && <ErrorState error={next.error} onRetry={getNext} />}
        {item === null ? (
          <EmptyState
            title="Nothing to review"
            action={
              <Button variant="primary" onClick={getNext} busy={next.isPending}>
                Check again
              </Button>
            }
          >
            The review queue is empty, or everything in it is claimed or was written by you.
          </EmptyState>
        ) : (
          <EmptyState
            title="Review the queue"
            action={
              <Button variant="primary" onClick={getNext} busy={next.isPending} autoFocus>
                Start reviewing
              </Button>
            }
          >
            Judge disagreements, failed agent runs, warnings and audits: pick the gold SQL, cite the rules, name the error.
          </EmptyState>
        )}
      </div>
    );
  }
  return <ReviewTask key={`${item.id}:${item.version}`} projectId={projectId} item={item} onNext={getNext} onReleased={() => setItem(undefined)} />;
}

function candidateLabel(c: ReviewCandidate | null, letter: 'A' | 'B') {
  return c ? `Candidate ${letter} · ${c.source}` : `Candidate ${letter}`;
}

function DiffCode({ parts, label }: { parts: DiffPart[]; label: string }) {
  return (
    <pre className="sql-diff" aria-label={label} data-testid={label}>
      <code>
        {parts.map((p, i) =>
          p.op === 'equal' ? (
            <span key={i}>{p.text}</span>
          ) : p.op === 'delete' ? (
            <del key={i} className="diff-del">
              {p.text}
            </del>
          ) : (
            <ins key={i} className="diff-ins">
              {p.text}
            </ins>
          ),
        )}
      </code>
    </pre>
  );
}

function ReviewTask({
  projectId,
  item,
  onNext,
  onReleased,
}: {
  projectId: string;
  item: ReviewItem;
  onNext: () => void;
  onReleased: () => void;
}) {
  const toast = useToast();
  const a = item.candidate_a;
  const b = item.candidate_b;
  const dbId = item.database_id;
  const [decision, setDecision] = useState<Decision | null>(null);
  const [errorType, setErrorType] = useState<ErrorType | ''>('');
  const [rules, setRules] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [finalSql, setFinalSql] = useState(a?.sql ?? b?.sql ?? '');
  const [question, setQuestion] = useState(item.question);
  const [invalid, setInvalid] = useState<string | null>(null);

  const db = useQuery({
    queryKey: databaseKeys.detail(projectId, dbId),
    queryFn: () => api.getDatabase(projectId, dbId!),
    enabled: dbId != null,
  });
  const guide = useQuery({ queryKey: guidelineKeys.all(projectId), queryFn: () => guidelinesApi.list(projectId) });
  const both = Boolean(a && b && dbId != null);
  const compare = useQuery({
    queryKey: reviewKeys.compare(projectId, item.id),
    queryFn: () => api.compare(projectId, dbId!, a!.sql, b!.sql),
    enabled: both,
    staleTime: Infinity,
  });
  const single = a ?? b;
  const singleRun = useQuery({
    queryKey: reviewKeys.run(projectId, item.id),
    queryFn: () => api.runQuery(projectId, dbId!, single!.sql),
    enabled: !both && Boolean(single) && dbId != null,
    staleTime: Infinity,
  });
  const preview = useMutation({ mutationFn: (text: string) => api.runQuery(projectId, dbId!, text) });

  const submit = useMutation({
    mutationFn: async () => {
      if (decision === 'edit' && dbId != null) {
        // The final SQL runs first: a failing edit is shown, not sent.
        const res = await api.runQuery(projectId, dbId, finalSql);
        preview.reset();
        if (res.error) throw new EditFailed(res);
      }
      return loopApi.decide(projectId, item.id, {
        version: item.version,
        decision: decision!,
        error_type: errorType as ErrorType,
        ...(rules.length ? { rule_ids: rules } : {}),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...(decision === 'edit' ? { final_sql: finalSql } : {}),
        ...(decision === 'rewrite_question' ? { question: question.trim() } : {}),
      });
    },
    onSuccess: () => {
      toast('Decision saved');
      onNext();
    },
  });
  const release = useMutation({
    mutationFn: () => loopApi.releaseReview(projectId, item.id),
    onSuccess: () => {
      toast('Item released');
      onReleased();
    },
  });

  const choose = (d: Decision) => {
    if (d === 'accept_a' && !a) return;
    if (d === 'accept_b' && !b) return;
    setDecision(d);
    setInvalid(null);
  };
  const doSubmit = () => {
    if (submit.isPending) return;
    if (!decision) return setInvalid('Choose a decision first.');
    if (!errorType) return setInvalid('Choose an error type: it is required.');
    if (decision === 'edit' && !finalSql.trim()) return setInvalid('Write the final SQL.');
    if (decision === 'rewrite_question' && !question.trim()) return setInvalid('Write the new question.');
    setInvalid(null);
    submit.mutate();
  };
  const keys: Record<string, () => void> = { 'Mod-s': doSubmit };
  for (const d of DECISIONS) keys[d.key] = () => choose(d.decision);
  ERROR_TYPES.forEach((t, i) => {
    keys[String(i + 1)] = () => {
      setErrorType(t);
      setInvalid(null);
    };
  });
  useHotkeys(keys);

  const diff = a && b ? sqlDiff(a.sql, b.sql) : null;
  const current = guide.data?.current ?? null;
  const err = submit.error;
  const lost = err instanceof ApiError && err.status === 409 ? err : null;
  const fields = err instanceof ApiError && err.status === 400 ? err.fields : {};
  const toggleRule = (id: string) => setRules((r) => (r.includes(id) ? r.filter((x) => x !== id) : [...r, id]));

  return (
    <div className="review-layout">
      <section className="stack-sm review-main" aria-label="Review item">
        <div className="panel task-card">
          <div className="task-meta">
            <Badge tone={item.reason === 'disagreement' ? 'warning' : item.reason === 'audit' ? 'info' : 'danger'}>
              {REASON_LABELS[item.reason] ?? item.reason}
            </Badge>
            <span className="muted">Item #{item.id}</span>
            {db.data && <Badge tone="info">{db.data.database.name}</Badge>}
            {item.guideline_version != null && (
              <Link to={`/projects/${projectId}/guidelines`} target="_blank" rel="noreferrer">
                Guidelines v{item.guideline_version}
              </Link>
            )}
            {[a, b].map((c) =>
              c?.agent_run_id ? (
                <Link key={c.id} to={`/projects/${projectId}/agent/${c.agent_run_id}`} target="_blank" rel="noreferrer">
                  Agent trajectory
                </Link>
              ) : null,
            )}
          </div>
          <h2 className="task-question" data-testid="question">
            {item.question}
          </h2>
        </div>

        <div className="compare-columns" data-testid="sql-side-by-side">
          {(['A', 'B'] as const).map((letter) => {
            const c = letter === 'A' ? a : b;
            return (
              <figure key={letter} className="sql-block">
                <figcaption>
                  <span>{candidateLabel(c, letter)}</span>
                  {c?.row_count != null && <span className="muted">{formatCount(c.row_count)} rows</span>}
                </figcaption>
                {c ? (
                  <DiffCode parts={diff ? (letter === 'A' ? diff.a : diff.b) : [{ op: 'equal', text: c.sql }]} label={`SQL ${letter}`} />
                ) : (
                  <p className="muted empty-sql">No candidate.</p>
                )}
                {c?.error && <Alert title="This SQL failed">{c.error}</Alert>}
              </figure>
            );
          })}
        </div>

        {dbId == null ? null : both ? (
          compare.isPending ? (
            <Loading label="Running both candidates…" />
          ) : compare.isError ? (
            <ErrorState error={compare.error} onRetry={() => compare.refetch()} />
          ) : (
            <div className="stack-sm" data-testid="review-results">
              <div className={`verdict verdict-sm ${compare.data.match ? 'verdict-match' : 'verdict-nomatch'}`} role="status">
                <span className="verdict-label">{compare.data.match ? 'SAME RESULT' : 'DIFFERENT RESULTS'}</span>
                <span className="verdict-reason">{compare.data.reason}</span>
              </div>
              {!compare.data.match && (
                <div className="compare-columns">
                  <RowDiff title="Rows only in A" rows={compare.data.diff.only_in_gold} count={compare.data.diff.only_in_gold_count} cols={compare.data.gold.columns} />
                  <RowDiff title="Rows only in B" rows={compare.data.diff.only_in_pred} count={compare.data.diff.only_in_pred_count} cols={compare.data.pred.columns} />
                </div>
              )}
              <div className="compare-columns">
                <div className="panel">
                  <ResultView result={compare.data.gold} label="Result of A" />
                </div>
                <div className="panel">
                  <ResultView result={compare.data.pred} label="Result of B" />
                </div>
              </div>
            </div>
          )
        ) : single ? (
          singleRun.isPending ? (
            <Loading label="Running the candidate…" />
          ) : singleRun.isError ? (
            <ErrorState error={singleRun.error} />
          ) : (
            <div className="panel">
              <ResultView result={singleRun.data as QueryResult} label={`Result of ${a ? 'A' : 'B'}`} />
            </div>
          )
        ) : null}
      </section>

      <aside className="panel decision-panel" aria-label="Decision">
        <h2 className="panel-title">Decision</h2>
        <div className="decision-buttons" role="group" aria-label="Decision">
          {DECISIONS.map((d) => (
            <button
              key={d.decision}
              type="button"
              className={`btn btn-sm ${decision === d.decision ? 'btn-primary' : 'btn-secondary'}`}
              aria-pressed={decision === d.decision}
              disabled={(d.decision === 'accept_a' && !a) || (d.decision === 'accept_b' && !b)}
              onClick={() => choose(d.decision)}
            >
              {d.label} <kbd>{d.key.toUpperCase()}</kbd>
            </button>
          ))}
        </div>
        {decision === 'edit' && (
          <div className="stack-sm">
            <SqlEditor
              value={finalSql}
              onChange={setFinalSql}
              onRun={() => finalSql.trim() && dbId != null && preview.mutate(finalSql)}
              tables={db.data?.tables ?? []}
              label="Final SQL"
              minLines={5}
            />
            <p className="muted small">
              <kbd>{RUN_SHORTCUT}</kbd> previews; it runs again before the decision is sent.
            </p>
            {fields.final_sql && <Alert title="The final SQL failed">{fields.final_sql}</Alert>}
            {submit.error instanceof EditFailed && <Alert title="The final SQL failed">{submit.error.message}</Alert>}
            {preview.data && <ResultView result={preview.data} label="Final SQL result" />}
          </div>
        )}
        {decision === 'rewrite_question' && (
          <TextAreaField label="New question" value={question} onChange={(e) => setQuestion(e.target.value)} rows={3} error={fields.question} />
        )}
        <SelectField
          label="Error type (1–9)"
          value={errorType}
          onChange={(e) => {
            setErrorType(e.target.value as ErrorType);
            setInvalid(null);
          }}
          error={fields.error_type}
          required
        >
          <option value="">Choose…</option>
          {ERROR_TYPES.map((t, i) => (
            <option key={t} value={t}>
              {i + 1}. {ERROR_TYPE_LABELS[t]}
            </option>
          ))}
        </SelectField>
        <fieldset className="rule-picker">
          <legend>
            Cited rules{current ? ` (guidelines v${current.version})` : ''}
          </legend>
          {guide.isPending ? (
            <Loading label="Loading rules…" />
          ) : !current || current.rules.length === 0 ? (
            <p className="muted small">The guidelines have no rules yet.</p>
          ) : (
            <ul className="rule-list">
              {current.rules.map((r) => (
                <li key={r.id}>
                  <label className="choice" title={r.text}>
                    <input type="checkbox" checked={rules.includes(r.id)} onChange={() => toggleRule(r.id)} />
                    <strong>{r.id}</strong> {r.title}
                  </label>
                </li>
              ))}
            </ul>
          )}
          {fields.rule_ids && <p className="field-error">{fields.rule_ids}</p>}
        </fieldset>
        <TextAreaField label="Comment" value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
        {invalid && <Alert>{invalid}</Alert>}
        {fields.decision && <Alert>{fields.decision}</Alert>}
        {lost ? (
          <Alert
            title={lost.isStaleVersion ? 'This item changed since you opened it' : 'This item is no longer yours'}
            action={
              <Button variant="primary" onClick={onNext}>
                Get next
              </Button>
            }
          >
            {lost.message}
          </Alert>
        ) : err && !(err instanceof EditFailed) && Object.keys(fields).length === 0 ? (
          <Alert>{err.message}</Alert>
        ) : null}
        <div className="toolbar">
          <Button variant="primary" onClick={doSubmit} busy={submit.isPending}>
            Submit decision <kbd>{SAVE_SHORTCUT}</kbd>
          </Button>
          <Button variant="ghost" onClick={() => release.mutate()} busy={release.isPending}>
            Release
          </Button>
        </div>
        {release.isError && <Alert>{release.error.message}</Alert>}
      </aside>
    </div>
  );
}

class EditFailed extends Error {
  constructor(result: QueryResult) {
    super(result.error ?? 'The final SQL failed.');
    this.name = 'EditFailed';
  }
}

function RowDiff({ title, rows, count, cols }: { title: string; rows: unknown[][] | null; count?: number; cols: QueryResult['columns'] }) {
  const list = rows ?? [];
  const n = count ?? list.length;
  return (
    <div>
      <h3 className="diff-title">
        {title} ({formatCount(n)})
      </h3>
      {list.length > 0 ? <RowsTable columns={cols ?? []} rows={list} label={title} /> : <p className="muted">None.</p>}
    </div>
  );
}
