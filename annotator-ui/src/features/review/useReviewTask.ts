// The state of one review item being decided: the pair compared, the decision or verdict and what it
// needs (error type, rules, comment, final SQL, new question), the keyboard, and submitting or
// releasing it.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, ApiError, type QueryResult } from '../../shared/api';
import { useToast } from '../../components/ui';
import { guidelinesApi } from '../guidelines/api';
import { useHotkeys } from '../../shared/hotkeys';
import { ERROR_TYPES, labelledCandidates, loopApi, NO_ERROR, type Decision, type ErrorType, type ReviewItem } from '../../shared/loop';
import { databaseKeys } from '../databases/keys';
import { guidelineKeys } from '../guidelines/keys';
import { questionKeys } from '../questions/keys';
import { auditedSnapshot, isAccept, validateDecision } from './decision';
import { toggledIn } from '../../shared/toggle';
import { reviewKeys } from './keys';

export type Fix = Exclude<Decision, 'accept' | 'accept_a' | 'accept_b'>;
export const FIXES: { decision: Fix; key: string }[] = [
  { decision: 'edit', key: 'e' },
  { decision: 'rewrite_question', key: 'w' },
  { decision: 'ambiguous', key: 'm' },
  { decision: 'reject', key: 'r' },
];

/** A decision to edit whose final SQL failed when run again: shown, not sent. */
export class EditFailed extends Error {
  constructor(result: QueryResult) {
    super(result.error ?? 'The final SQL failed.');
    this.name = 'EditFailed';
  }
}

/** The item being decided, what comes after a decision (`onNext`) and after a release. */
export interface ReviewTaskProps {
  projectId: string;
  item: ReviewItem;
  onNext: () => void;
  onReleased: () => void;
}

export function useReviewTask({ projectId, item, onNext, onReleased }: ReviewTaskProps) {
  const toast = useToast();
  const a = item.candidate_a;
  const b = item.candidate_b;
  const dbId = item.database_id;
  const audit = item.reason === 'snapshot_audit';
  const candidates = labelledCandidates(item);
  const byId = new Map(candidates.map((l) => [l.candidate.id, l]));
  const labelOf = (id: number | null | undefined) => (id != null ? (byId.get(id)?.label ?? `#${id}`) : '');
  // A and B side by side; with A alone (an audit's gold), A beside the first other candidate.
  const [pair, setPair] = useState<[number | null, number | null]>(() => {
    if (a && b) return [a.id, b.id];
    const others = candidates.map((l) => l.candidate.id).filter((id) => id !== a?.id);
    return a ? [a.id, others[0] ?? null] : [others[0] ?? null, others[1] ?? null];
  });
  const [decision, setDecision] = useState<Decision | null>(null);
  const [acceptId, setAcceptId] = useState<number | null>(null);
  const [verdict, setVerdict] = useState<'correct' | 'wrong' | null>(null);
  const [errorType, setErrorType] = useState<ErrorType | ''>('');
  const [rules, setRules] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const [finalSql, setFinalSql] = useState(a?.sql ?? b?.sql ?? candidates[0]?.candidate.sql ?? '');
  const [question, setQuestion] = useState(item.question);
  const [invalid, setInvalid] = useState<string | null>(null);

  const db = useQuery({
    queryKey: databaseKeys.detail(projectId, dbId),
    queryFn: () => api.getDatabase(projectId, dbId!),
    enabled: dbId != null,
  });
  const guide = useQuery({ queryKey: guidelineKeys.all(projectId), queryFn: () => guidelinesApi.list(projectId) });
  // The question's stored comparisons: one may explain a pair the database cannot tell apart.
  const history = useQuery({
    queryKey: questionKeys.history(projectId, item.nlq_id),
    queryFn: () => api.nlqHistory(projectId, item.nlq_id),
    enabled: candidates.length > 1,
  });
  const snapshot = useQuery({
    queryKey: reviewKeys.auditedSnapshot(projectId, item.id),
    queryFn: () => auditedSnapshot(projectId, item),
    enabled: audit,
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
        ...(decision === 'accept' && acceptId != null ? { candidate_id: acceptId } : {}),
        error_type: errorType as ErrorType,
        ...(rules.length ? { rule_ids: rules } : {}),
        ...(comment.trim() ? { comment: comment.trim() } : {}),
        ...(decision === 'edit' ? { final_sql: finalSql } : {}),
        ...(decision === 'rewrite_question' ? { question: question.trim() } : {}),
      });
    },
    onSuccess: () => {
      toast(audit ? 'Verdict saved' : 'Decision saved');
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
    setAcceptId(d === 'accept_a' ? a!.id : d === 'accept_b' ? b!.id : null);
    if (audit) {
      const correct = d === 'accept_a';
      setVerdict(correct ? 'correct' : 'wrong');
      setErrorType((t) => (correct ? NO_ERROR : t === NO_ERROR ? '' : t));
    } else if (!isAccept(d) && errorType === NO_ERROR) setErrorType('');
    setInvalid(null);
  };
  /** Accept any candidate: A and B keep their own decisions, any other is "accept" with its id. */
  const acceptCandidate = (id: number) => {
    if (id === a?.id) return choose('accept_a');
    if (id === b?.id) return choose('accept_b');
    choose('accept');
    setAcceptId(id);
  };
  const wrong = () => {
    setVerdict('wrong');
    if (decision === 'accept_a') setDecision(null);
    if (errorType === NO_ERROR) setErrorType('');
    setInvalid(null);
  };
  const pick = (side: 0 | 1, id: number) =>
    setPair(([l, r]) => {
      const other = side === 0 ? r : l;
      const kept = other === id ? (side === 0 ? l : r) : other;
      return side === 0 ? [id, kept] : [kept, id];
    });
  const doSubmit = () => {
    if (submit.isPending) return;
    const why = validateDecision({ reason: item.reason, decision, errorType, finalSql, question });
    setInvalid(why);
    if (!why) submit.mutate();
  };
  const noneAllowed = isAccept(decision) && (audit ? verdict === 'correct' : item.reason === 'audit');
  const keys: Record<string, () => void> = { 'Mod-s': doSubmit };
  if (audit) {
    keys.c = () => choose('accept_a');
    keys.x = wrong;
  } else {
    keys.a = () => choose('accept_a');
    keys.b = () => choose('accept_b');
  }
  for (const f of FIXES) keys[f.key] = () => choose(f.decision);
  ERROR_TYPES.forEach((t, i) => {
    keys[String(i + 1)] = () => {
      setErrorType(t);
      setInvalid(null);
    };
  });
  if (noneAllowed) keys['0'] = () => setErrorType(NO_ERROR);
  useHotkeys(keys);

  const left = pair[0] != null ? (byId.get(pair[0]) ?? null) : null;
  const right = pair[1] != null ? (byId.get(pair[1]) ?? null) : null;
  const current = guide.data?.current ?? null;
  const err = submit.error;
  const lost = err instanceof ApiError && err.status === 409 ? err : null;
  const fields = err instanceof ApiError && err.status === 400 ? err.fields : {};
  const toggleRule = (id: string) => setRules((r) => toggledIn(r, id));
  const agentRun = item.agent_run_id ?? candidates.find((l) => l.candidate.agent_run_id)?.candidate.agent_run_id ?? null;
  const snap = snapshot.data;
  const snapName = snap ? `snapshot #${snap.id}${snap.name ? ` “${snap.name}”` : ''}` : 'a snapshot';
  return { projectId, a, b, dbId, audit, candidates, labelOf, pair, decision, acceptId, verdict, errorType, setErrorType, rules, comment, setComment, finalSql, setFinalSql, question, setQuestion, invalid, setInvalid, db, guide, history, snapshot, preview, submit, release, choose, acceptCandidate, wrong, pick, doSubmit, noneAllowed, left, right, current, err, lost, fields, toggleRule, agentRun, snap, snapName };
}

export type ReviewTaskState = ReturnType<typeof useReviewTask>;
