// A project page reached by URL by someone whose role cannot use it: a clear page saying who it is
// for and where to go, never a form that fails after pressing Start. The server still refuses the
// calls; this only spares people the broken screen.
import { Link, Outlet } from 'react-router';
import { Forbidden } from '../../components/AppShell';
import type { MyProjectRole } from '../../shared/api';
import { useProject } from './ProjectPage';

export function RequireProjectRole({ allowed, who }: { allowed: (role: MyProjectRole | undefined) => boolean; who: string }) {
  const project = useProject();
  if (allowed(project.my_role)) return <Outlet context={{ project }} />;
  return (
    <Forbidden title={`For ${who} only`}>
      <p>Your role in {project.name} does not include this page. Ask a lead of the project if you need it.</p>
      <Link to={`/projects/${project.id}`}>Back to the project overview</Link>
    </Forbidden>
  );
}
