// The evidence of a question by its id, for pages that hold only the id (the annotation task, a review
// item). It reads the question's history, which the review page reads too under the same key.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../shared/api';
import { Evidence } from '../../components/Evidence';
import { questionKeys } from './keys';

export function QuestionEvidence({ projectId, nlqId }: { projectId: string | number; nlqId: number }) {
  const history = useQuery({
    queryKey: questionKeys.history(projectId, nlqId),
    queryFn: () => api.nlqHistory(projectId, nlqId),
  });
  const nlq = history.data?.nlq as { evidence?: string; difficulty?: string } | undefined;
  return <Evidence evidence={nlq?.evidence} difficulty={nlq?.difficulty} />;
}
