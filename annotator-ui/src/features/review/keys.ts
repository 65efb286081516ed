// Query keys of the review screen.
type Id = string | number;

export const reviewKeys = {
  compare: (projectId: Id, itemId: number) => ['review-compare', String(projectId), itemId] as const,
  run: (projectId: Id, itemId: number) => ['review-run', String(projectId), itemId] as const,
};
