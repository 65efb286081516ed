// Query keys of the project's questions (NLQs).
type Id = string | number;

export const questionKeys = {
  /** Every filtered list of the project's questions. */
  all: (projectId: Id) => ['nlqs', String(projectId)] as const,
  list: (projectId: Id, filters: unknown) => ['nlqs', String(projectId), filters] as const,
  facets: (projectId: Id) => ['nlq-facets', String(projectId)] as const,
  translationReport: (projectId: Id) => ['translation-report', String(projectId)] as const,
  history: (projectId: Id, nlqId: Id) => ['nlq-history', String(projectId), String(nlqId)] as const,
};
