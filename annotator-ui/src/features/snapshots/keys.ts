// Query keys of the golden set snapshots and their exports.
type Id = string | number;

export const snapshotKeys = {
  list: (projectId: Id) => ['snapshots', String(projectId)] as const,
  detail: (projectId: Id, snapshotId: Id) => ['snapshot', String(projectId), String(snapshotId)] as const,
  compare: (projectId: Id, a?: string, b?: string) => ['snapshot-compare', String(projectId), a, b] as const,
  pairs: (projectId: Id, snapshotId: Id, split: string) => ['snapshot-pairs', String(projectId), String(snapshotId), split] as const,
  /** A snapshot's measured error rate, its audits and their queue. */
  errorRate: (projectId: Id, snapshotId: Id) => ['snapshot-error-rate', String(projectId), String(snapshotId)] as const,
  exports: (projectId: Id) => ['exports', String(projectId)] as const,
};
