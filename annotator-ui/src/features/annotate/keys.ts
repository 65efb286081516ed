// Query keys of the annotator's own view of the work.
type Id = string | number;

export const annotateKeys = {
  status: (projectId: Id) => ['annotation-status', String(projectId)] as const,
};
