// Query keys of runs (batches, generating pipelines, evaluations, optimizations), their model calls
// and the agent runs they are made of.
type Id = string | number;

export const runKeys = {
  /** The batch list; also the prefix of every run list, so invalidating it refreshes them all. */
  list: (projectId: Id) => ['runs', String(projectId)] as const,
  /** The runs of every kind. */
  listAllKinds: (projectId: Id) => ['runs', String(projectId), 'all'] as const,
  detail: (projectId: Id, runId: Id) => ['run', String(projectId), String(runId)] as const,
  /** Every page of a run's model calls. */
  allLlmCalls: (projectId: Id, runId: Id) => ['llm-calls', String(projectId), String(runId)] as const,
  llmCalls: (projectId: Id, runId: Id, withBodies: boolean) => ['llm-calls', String(projectId), String(runId), withBodies] as const,
};

export const agentRunKeys = {
  /** Every list of agent runs. */
  all: (projectId: Id) => ['agent-runs', String(projectId)] as const,
  /** The agent runs of one batch, or of every batch. */
  list: (projectId: Id, batch?: Id) => ['agent-runs', String(projectId), batch ? String(batch) : 'all'] as const,
  detail: (projectId: Id, runId: Id) => ['agent-run', String(projectId), String(runId)] as const,
};
