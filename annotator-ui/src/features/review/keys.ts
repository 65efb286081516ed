// Query keys of the review screen.
type Id = string | number;

export const reviewKeys = {
  /** Two candidates of an item compared (`left` runs as the API's gold side, `right` as its pred side). */
  compare: (projectId: Id, itemId: number, left: number, right: number) => ['review-compare', String(projectId), itemId, left, right] as const,
  /** One candidate of an item run on its database. */
  run: (projectId: Id, itemId: number, candidateId: number) => ['review-run', String(projectId), itemId, candidateId] as const,
  /** The snapshot a snapshot-audit item's pair comes from. */
  auditedSnapshot: (projectId: Id, itemId: number) => ['review-audited-snapshot', String(projectId), itemId] as const,
};
