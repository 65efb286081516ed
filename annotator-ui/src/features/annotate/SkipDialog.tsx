// Skipping an item: why (ambiguous, unanswerable, a bad question) and an optional comment.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError } from '../../shared/api';
import { Alert, Button, Dialog, TextAreaField } from '../../components/ui';
import { useHotkeys } from '../../shared/hotkeys';
import { loopApi, SKIP_REASONS, type AnnotationTask, type SkipReason } from '../../shared/loop';
import { ClaimLost } from '../../components/QueueStart';
import { isClaimLost } from './claim';
import { bindValue } from '../../shared/forms';

export function SkipDialog({
  projectId,
  task,
  onClose,
  onSkipped,
  onNext,
}: {
  projectId: string;
  task: AnnotationTask;
  onClose: () => void;
  onSkipped: () => void;
  onNext: () => void;
}) {
  const [reason, setReason] = useState<SkipReason | null>(null);
  const [comment, setComment] = useState('');
  const skip = useMutation({
    mutationFn: () =>
      loopApi.skipAnnotation(projectId, task.item.id, {
        version: task.item.version,
        reason: reason!,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      }),
    onSuccess: onSkipped,
  });
  const confirm = () => {
    if (reason && !skip.isPending) skip.mutate();
  };
  useHotkeys({
    '1': () => setReason('ambiguous'),
    '2': () => setReason('unanswerable'),
    '3': () => setReason('bad_question'),
    Enter: confirm,
    'Mod-s': confirm,
  });
  const lost = isClaimLost(skip.error) ? skip.error : null;
  return (
    <Dialog
      title="Skip this question"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" onClick={confirm} disabled={!reason} busy={skip.isPending}>
            Skip question <kbd>↵</kbd>
          </Button>
        </>
      }
    >
      <fieldset className="skip-reasons">
        <legend>Why? Press 1, 2 or 3.</legend>
        {SKIP_REASONS.map((r) => (
          <label key={r.reason} className="choice">
            <input type="radio" name="skip-reason" value={r.reason} checked={reason === r.reason} onChange={() => setReason(r.reason)} />
            <kbd>{r.key}</kbd> {r.label}
          </label>
        ))}
      </fieldset>
      <TextAreaField label="Comment (optional)" {...bindValue(comment, setComment)} rows={2} />
      {lost ? (
        <ClaimLost message={lost.message} onNext={onNext} />
      ) : skip.isError ? (
        <Alert>{skip.error instanceof ApiError && skip.error.fields.reason ? skip.error.fields.reason : skip.error.message}</Alert>
      ) : null}
    </Dialog>
  );
}
