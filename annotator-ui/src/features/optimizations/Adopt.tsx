// Adopting an optimization's best candidate (or any scored one) as the project's new prompt version.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, useToast } from '../../components/ui';
import { formError } from '../../shared/forms';
import { goldenApi, pct, type OptReport, type PromptTemplate } from '../../shared/golden';
import { promptKeys } from './keys';
import { ORIGIN_LABELS } from './labels';

/** Adopting a candidate (none: the best) as the project's new prompt version, said in a toast. */
export function useAdopt(projectId: string, runId: string) {
  const qc = useQueryClient();
  const toast = useToast();
  return useMutation({
    mutationFn: (candidateId?: number) => goldenApi.adopt(projectId, runId, candidateId),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: promptKeys.list(projectId) });
      toast(`Adopted as prompt version ${p.version}`);
    },
  });
}

export function Adopt({ projectId, runId, rep, live }: { projectId: string; runId: string; rep: OptReport; live: boolean }) {
  const adopt = useAdopt(projectId, runId);
  return (
    <Card title="Adopt the best prompt">
      <p>
        The best candidate is <a href={`#candidate-${rep.best!.id}`}>#{rep.best!.id}</a> ({ORIGIN_LABELS[rep.best!.origin] ?? rep.best!.origin}, step{' '}
        {rep.best!.step}), {pct(rep.best!.val_score ?? rep.best!.score)} on validation
        {rep.best!.test_score !== null ? `, ${pct(rep.best!.test_score)} on test` : ''}.
        {live && <span className="muted"> The run is still going: a better one may come.</span>}
      </p>
      <div className="form-actions form-actions-start">
        <Button variant="primary" onClick={() => adopt.mutate(undefined)} busy={adopt.isPending && adopt.variables === undefined}>
          Adopt as the project’s prompt (new version)
        </Button>
      </div>
      <AdoptOutcome adopt={adopt} />
    </Card>
  );
}

type AdoptMutation = { data?: PromptTemplate; error: unknown; isSuccess: boolean; variables?: number };

function AdoptOutcome({ adopt }: { adopt: AdoptMutation }) {
  if (adopt.isSuccess && adopt.data)
    return (
      <Alert tone="success" title={`Adopted as prompt version ${adopt.data.version}`}>
        <span data-testid="adopted">
          The project’s prompt is now version {adopt.data.version}
          {adopt.data.candidate_id !== null ? ` (candidate #${adopt.data.candidate_id})` : ''}; new evaluations and optimizations start from it.
        </span>
      </Alert>
    );
  if (adopt.error) return <Alert>{formError(adopt.error, {}) ?? 'That did not work.'}</Alert>;
  return null;
}
