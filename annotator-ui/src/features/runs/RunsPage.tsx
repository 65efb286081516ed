// A project's page of one kind of run (batches, pipelines, evaluations, optimizations): the form that
// starts one, the list of them and whatever else the kind shows, one below the other.
import type { ComponentType } from 'react';
import { useProject } from '../projects/ProjectPage';

/** The page's sections in order, each given the project's id. */
export function ProjectRunsPage({ sections }: { sections: ComponentType<{ projectId: string }>[] }) {
  const project = useProject();
  const projectId = String(project.id);
  return (
    <div className="stack">
      {sections.map((Section, i) => (
        <Section key={i} projectId={projectId} />
      ))}
    </div>
  );
}
