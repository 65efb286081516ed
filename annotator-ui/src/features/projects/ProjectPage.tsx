import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, NavLink, Outlet, useOutletContext, useParams } from 'react-router';
import { api, type Project } from '../../shared/api';
import { AuditLog } from '../../components/AuditLog';
import { LoopPolicyCard } from './LoopPolicy';
import { RetrievalSettingsCard } from './RetrievalSettings';
import { Badge, Button, Card, ErrorState, Loading, PageHeader } from '../../components/ui';
import { formatDateTime } from '../../shared/format';
import { canManageProject, projectTabs, ROLE_LABELS } from '../../shared/nav';
import { projectKeys } from './keys';
import { EditProject } from './EditProject';

function useProjectId(): string {
  const { projectId } = useParams();
  return projectId ?? '';
}

export function useProject(): Project {
  return useOutletContext<{ project: Project }>().project;
}

/** The project of a page under it, its id as the API's paths take it, and whether the user leads it (canManageProject). */
export function useProjectScope() {
  const project = useProject();
  return { project, projectId: String(project.id), lead: canManageProject(project.my_role) };
}

export function ProjectLayout() {
  const projectId = useProjectId();
  const project = useQuery({ queryKey: projectKeys.detail(projectId), queryFn: () => api.getProject(projectId) });

  if (project.isPending) return <Loading label="Loading project…" />;
  if (project.isError) {
    return (
      <div className="page">
        <nav className="breadcrumbs" aria-label="Breadcrumb">
          <Link to="/projects">Projects</Link>
        </nav>
        <ErrorState error={project.error} onRetry={() => project.refetch()} />
      </div>
    );
  }
  const p = project.data.project;
  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumb">
        <Link to="/projects">Projects</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">{p.name}</span>
      </nav>
      <PageHeader
        title={p.name}
        subtitle={p.description || undefined}
        actions={<Badge tone={p.my_role}>You: {ROLE_LABELS[p.my_role] ?? p.my_role}</Badge>}
      />
      <nav className="tabs" aria-label="Project sections">
        {projectTabs(p.id, p.my_role).map((t) => (
          // Overview only on its own page; the others stay active on their sub-pages (a run, a batch).
          <NavLink key={t.to} to={t.to} end={t.to === `/projects/${p.id}`} className="tab">
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet context={{ project: p }} />
    </div>
  );
}

export function ProjectOverview() {
  const project = useProject();
  const [editing, setEditing] = useState(false);
  const canEdit = canManageProject(project.my_role);
  return (
    <div className="stack">
      {editing ? (
        <EditProject project={project} onDone={() => setEditing(false)} />
      ) : (
        <Card
          title="About this project"
          actions={
            canEdit ? (
              <Button size="sm" onClick={() => setEditing(true)}>
                Edit
              </Button>
            ) : null
          }
        >
          <dl className="details">
            <dt>Name</dt>
            <dd>{project.name}</dd>
            <dt>Description</dt>
            <dd className="prewrap">{project.description || <span className="muted">No description.</span>}</dd>
            <dt>Created</dt>
            <dd>{formatDateTime(project.created_at)}</dd>
            <dt>Your role</dt>
            <dd>{ROLE_LABELS[project.my_role] ?? project.my_role}</dd>
          </dl>
        </Card>
      )}
      {canEdit && <LoopPolicyCard projectId={String(project.id)} />}
      {canEdit && <RetrievalSettingsCard projectId={String(project.id)} />}
    </div>
  );
}

export function ProjectActivity() {
  const project = useProject();
  const projectId = String(project.id);
  return (
    <AuditLog
      queryKey={['audit', 'project', projectId]}
      fetchPage={(page) => api.projectAudit(projectId, page)}
    />
  );
}
