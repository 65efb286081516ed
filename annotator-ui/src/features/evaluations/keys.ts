// Query keys of evaluations (runs of kind `evaluate`) and their per-item results.
type Id = string | number;

export const evaluationKeys = {
  list: (projectId: Id) => ['evaluations', String(projectId)] as const,
  detail: (projectId: Id, runId: Id) => ['evaluation', String(projectId), String(runId)] as const,
  /** Every page of an evaluation's results, whatever the outcome shown. */
  allResults: (projectId: Id, runId: Id) => ['eval-results', String(projectId), String(runId)] as const,
  results: (projectId: Id, runId: Id, outcome: string) => ['eval-results', String(projectId), String(runId), outcome] as const,
};
