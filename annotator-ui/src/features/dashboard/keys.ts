// Query keys of the dashboard: the guideline cycles, the leads' progress and the agent batches' schema recall.
type Id = string | number;

export const dashboardKeys = {
  cycles: (projectId: Id) => ['cycles', String(projectId)] as const,
  progress: (projectId: Id) => ['progress', String(projectId)] as const,
  recall: (projectId: Id) => ['retrieval-batches', String(projectId)] as const,
};
