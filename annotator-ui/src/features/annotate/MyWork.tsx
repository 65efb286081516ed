// The annotator's view of the work around the editor: how far the project's annotation has come
// ("x of N done") and their last answers, each reopenable while nobody has acted on it (no later
// SQL compared with it, no review, the question still open).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ProportionBar } from '../../components/charts';
import { Button, Card, ErrorState, Loading, Table } from '../../components/ui';
import { formatDateTime } from '../../shared/format';
import { loopApi, skipReasonText } from '../../shared/loop';
import { annotateKeys } from './keys';

export function MyWork({ projectId, onReopened }: { projectId: string; onReopened: () => void }) {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: annotateKeys.status(projectId), queryFn: () => loopApi.annotatorStatus(projectId) });
  const reopen = useMutation({
    mutationFn: (itemId: number) => loopApi.reopenAnnotation(projectId, itemId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: annotateKeys.status(projectId) });
      onReopened();
    },
  });
  if (status.isPending) return <Loading label="Loading your work…" />;
  if (status.isError) return <ErrorState error={status.error} onRetry={() => status.refetch()} />;
  const s = status.data;
  return (
    <Card title="Your work" description="How far the project’s annotation has come, and your last answers. An answer can be reopened until someone acts on it.">
      <p data-testid="annotation-progress">
        <strong>
          {s.done} of {s.total}
        </strong>{' '}
        annotation slots done · you answered {s.submitted} and skipped {s.skipped}
      </p>
      <ProportionBar
        label="Annotation slots"
        legend
        parts={[
          { key: 'done', label: 'Done', value: s.done, className: 'chart-status-accepted' },
          { key: 'claimed', label: 'Being answered', value: s.claimed, className: 'chart-status-needs_review' },
          { key: 'pending', label: 'Waiting', value: s.pending, className: 'chart-status-new' },
        ]}
      />
      {reopen.isError && <ErrorState error={reopen.error} />}
      {s.recent.length > 0 && (
        <Table label="Your recent answers" columns={['Question', 'Your answer', 'When', { ariaLabel: 'Actions' }]}>
          {s.recent.map((r) => (
            <tr key={r.item_id}>
              <td>{r.question}</td>
              <td>
                {r.status === 'skipped' ? (
                  <span className="muted">Skipped ({skipReasonText(r.skipped_reason ?? '')})</span>
                ) : (
                  <code className="mono small">{r.sql}</code>
                )}
                {r.comment && <div className="muted small">“{r.comment}”</div>}
              </td>
              <td className="nowrap">{formatDateTime(r.at)}</td>
              <td>
                {r.reopenable && (
                  <Button size="sm" onClick={() => reopen.mutate(r.item_id)} busy={reopen.isPending && reopen.variables === r.item_id}>
                    Reopen
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
