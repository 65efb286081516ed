// Query keys of the dashboard: the guideline cycles and the leads' progress.
type Id = string | number;

export const dashboardKeys = {
  cycles: (projectId: Id) => ['cycles', String(projectId)] as const,
  progress: (projectId: Id) => ['progress', String(projectId)] as const,
};
