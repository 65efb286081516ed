// One target database: schema browser, table detail with sample rows (leads edit a table's name and
// summary there), SQL runner with history and "Save as a question" (the question with the runner's
// SQL), and compare (gold vs predicted by execution match).
// Loaded on demand: it carries the CodeMirror editor.
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api } from '../../shared/api';
import { ErrorState, Loading } from '../../components/ui';
import { canManageProject } from '../../shared/nav';
import { databaseKeys } from './keys';
import { projectKeys } from '../projects/keys';
import { DatabaseWorkspace } from './DatabaseWorkspace';

export function DatabasePage() {
  const { projectId = '', databaseId = '' } = useParams();
  const project = useQuery({ queryKey: projectKeys.detail(projectId), queryFn: () => api.getProject(projectId) });
  const db = useQuery({
    queryKey: databaseKeys.detail(projectId, databaseId),
    queryFn: () => api.getDatabase(projectId, databaseId),
  });

  if (db.isPending) return <Loading label="Loading database…" />;
  const crumbs = (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <Link to="/projects">Projects</Link>
      <span aria-hidden="true">/</span>
      <Link to={`/projects/${projectId}`}>{project.data?.project.name ?? 'Project'}</Link>
      <span aria-hidden="true">/</span>
      <Link to={`/projects/${projectId}/databases`}>Databases</Link>
      {db.data && (
        <>
          <span aria-hidden="true">/</span>
          <span aria-current="page">{db.data.database.name}</span>
        </>
      )}
    </nav>
  );
  if (db.isError) {
    return (
      <div className="page">
        {crumbs}
        <ErrorState error={db.error} onRetry={() => db.refetch()} />
      </div>
    );
  }
  return (
    <div className="page page-wide">
      {crumbs}
      <DatabaseWorkspace
        projectId={projectId}
        database={db.data.database}
        tables={db.data.tables}
        canEdit={canManageProject(project.data?.project.my_role)}
      />
    </div>
  );
}
