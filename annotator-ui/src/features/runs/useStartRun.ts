// The start of a run from its form: post it, refresh the list, say so in a toast and open the run's page,
// and sort a failure into what the form shows where.
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { ApiError, PipelineRun } from '../../shared/api';
import { useToast } from '../../components/ui';
import { fieldErrors, formError } from '../../shared/forms';
import { runPath } from './name';
import { isNoModel } from './RunForm';

/**
 * `start` posts the run; once it is accepted the list under `listKey` is refreshed, `started` names it in
 * a toast, and the page goes to the run's (runPath). A missing model (`missingModel`, by
 * default the 409s of isNoModel) is `noModel`, for RunFormFooter; otherwise the envelope's field errors are
 * `fields` (with `byStatus` as for fieldErrors), and an error that none of the form's `known` fields
 * claims is `general`.
 */
export function useStartRun<R extends { run: PipelineRun }>({
  projectId,
  start,
  listKey,
  started,
  known,
  byStatus,
  missingModel = isNoModel,
}: {
  projectId: string;
  start: () => Promise<R>;
  listKey: QueryKey;
  started: (run: PipelineRun) => string;
  known: string[];
  byStatus?: Parameters<typeof fieldErrors>[1];
  missingModel?: (err: unknown) => err is ApiError;
}) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const mutation = useMutation({
    mutationFn: start,
    onSuccess: ({ run }) => {
      void qc.invalidateQueries({ queryKey: listKey });
      toast(started(run));
      navigate(runPath(projectId, run));
    },
  });
  const noModel = missingModel(mutation.error) ? mutation.error : null;
  const fields = noModel ? {} : fieldErrors(mutation.error, byStatus);
  const general = noModel ? null : formError(mutation.error, Object.fromEntries(Object.entries(fields).filter(([k]) => known.includes(k))));
  return { mutation, noModel, fields, general };
}
