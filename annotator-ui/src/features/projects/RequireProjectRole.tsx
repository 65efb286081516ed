// A project page reached by URL by someone whose role cannot use it: a clear page saying who it is
// for and where to go, never a form that fails after pressing Start. The server still refuses the
// calls; this only spares people the broken screen.
import { Link, Outlet } from 'react-router';
import { Forbidden } from '../../components/AppShell';
import { Alert } from '../../components/ui';
import { canEvaluate, type RoleCheck } from '../../shared/nav';
import { useProject } from './ProjectPage';

export function RequireProjectRole({ allowed, who }: { allowed: RoleCheck; who: string }) {
  const project = useProject();
  if (allowed(project.my_role)) return <Outlet context={{ project }} />;
  return (
    <Forbidden title={`For ${who} only`}>
      <p>Your role in {project.name} does not include this page. Ask a lead of the project if you need it.</p>
      <Link to={`/projects/${project.id}`}>Back to the project overview</Link>
    </Forbidden>
  );
}

/**
 * The golden-set pages (evaluations, optimizations) for leads (canEvaluate); anyone else reads that
 * `what` (plural) is for leads, inside the project's page, and nothing under it asks the server.
 */
export function LeadsOnly({ what }: { what: string }) {
  const project = useProject();
  if (canEvaluate(project.my_role)) return <Outlet context={{ project }} />;
  return (
    <Alert tone="warning" title={`${what} are for leads`}>
      Ask a lead of this project if you need them.
    </Alert>
  );
}
