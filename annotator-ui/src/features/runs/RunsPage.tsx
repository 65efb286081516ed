// A project's page of one kind of run (batches, pipelines, evaluations, optimizations): the form that
// starts one, the list of them and whatever else the kind shows, one below the other.
import type { ComponentType } from 'react';
import type { MyProjectRole } from '../../shared/api';
import { useProject } from '../projects/ProjectPage';
import { LeadsOnly } from './RunForm';

/** A section of the page; each is given the project's id. */
type Section = ComponentType<{ projectId: string }>;

/**
 * The page's sections in order. With `leadsOnly`, a member whose role is not `allowed` reads that the
 * kind (`what`, plural) is for leads instead, and no section asks the server anything.
 */
export function ProjectRunsPage({
  sections,
  leadsOnly,
}: {
  sections: Section[];
  leadsOnly?: { what: string; allowed: (role: MyProjectRole | undefined) => boolean };
}) {
  const project = useProject();
  const projectId = String(project.id);
  if (leadsOnly && !leadsOnly.allowed(project.my_role)) return <LeadsOnly what={leadsOnly.what} />;
  return (
    <div className="stack">
      {sections.map((Section, i) => (
        <Section key={i} projectId={projectId} />
      ))}
    </div>
  );
}

