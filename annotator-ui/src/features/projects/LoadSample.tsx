import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Alert, Button, useToast } from '../../components/ui';
import { api } from '../../shared/api';
import { formError } from '../../shared/forms';
import { projectKeys } from './keys';

/**
 * Offers the sample dataset that comes with Goldset (three Spider databases and six
 * WikiTableQuestions tables, with their questions) as a project of its own, with the admin as its
 * lead and every question planned for annotation.
 */
export function LoadSample() {
  const qc = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const load = useMutation({
    mutationFn: api.loadSample,
    onSuccess: ({ project, questions_imported, plan }) => {
      void qc.invalidateQueries({ queryKey: projectKeys.list() });
      toast(`Sample loaded: ${questions_imported} questions, ${plan.items} ready to annotate`);
      navigate(`/projects/${project.id}`);
    },
  });
  return (
    <div className="sample-offer">
      <Button variant="primary" onClick={() => load.mutate()} busy={load.isPending}>
        {load.isPending ? 'Importing the sample…' : 'Load the sample project'}
      </Button>
      <p className="muted">
        {load.isPending
          ? 'Importing 4 databases and checking 127 gold queries by execution; this takes a few seconds.'
          : 'Three Spider databases with 127 gold questions and six Wikipedia tables with 55 questions (CC BY-SA 4.0), ready to annotate, review and measure.'}{' '}
        The agent and the pipelines also need a model endpoint: <Link to="/settings/llm">Language model settings</Link>.
      </p>
      {load.isError && <Alert>{formError(load.error, {}) ?? 'The sample could not be loaded.'}</Alert>}
    </div>
  );
}
