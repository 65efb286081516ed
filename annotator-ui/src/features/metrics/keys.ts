// Query keys of the metric computations.
type Id = string | number;

export const metricsKeys = {
  latest: (projectId: Id) => ['metrics', String(projectId), 'latest'] as const,
  runs: (projectId: Id) => ['metrics', String(projectId), 'runs'] as const,
  run: (projectId: Id, runId: number | null) => ['metrics', String(projectId), 'run', runId] as const,
};
