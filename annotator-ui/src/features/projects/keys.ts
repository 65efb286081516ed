// Query keys of projects, their members and their loop policy.
type Id = string | number;

export const projectKeys = {
  list: () => ['projects'] as const,
  detail: (projectId: Id) => ['project', String(projectId)] as const,
  members: (projectId: Id) => ['members', String(projectId)] as const,
  policy: (projectId: Id) => ['policy', String(projectId)] as const,
};
