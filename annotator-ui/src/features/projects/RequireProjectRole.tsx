// A project page reached by URL by someone whose role cannot use it: a clear page (or, for a section
// that is only read, a notice) saying who it is for and where to go, never a form that fails after
// pressing Start. The server still refuses the calls; this only spares people the broken screen.
import { Link, Outlet } from 'react-router';
import { Forbidden } from '../../components/AppShell';
import { Alert } from '../../components/ui';
import type { RoleCheck } from '../../shared/nav';
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
 * A section of the project (the dashboard, the snapshots, the evaluations) that a role may not read,
 * said inside the project's page: a warning titled `title` that says to ask a lead if you `need` it.
 * Nothing under it asks the server.
 */
export function RoleNotice({ allowed, title, need }: { allowed: RoleCheck; title: string; need: string }) {
  const project = useProject();
  if (allowed(project.my_role)) return <Outlet context={{ project }} />;
  return (
    <Alert tone="warning" title={title}>
      {`Ask a lead of this project if you need ${need}.`}
    </Alert>
  );
}
