// Query keys of prompt optimizations (runs of kind `optimize`) and the prompt template's versions.
type Id = string | number;

export const optimizationKeys = {
  list: (projectId: Id) => ['optimizations', String(projectId)] as const,
  detail: (projectId: Id, runId: Id) => ['optimization', String(projectId), String(runId)] as const,
};

export const promptKeys = {
  list: (projectId: Id) => ['prompts', String(projectId)] as const,
};
