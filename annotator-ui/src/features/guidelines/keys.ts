// Query keys of the annotation guidelines and their proposals.
type Id = string | number;

export const guidelineKeys = {
  /** The versions list; also the prefix of one version's and of a diff's keys. */
  all: (projectId: Id) => ['guidelines', String(projectId)] as const,
  version: (projectId: Id, version: number) => ['guidelines', String(projectId), 'version', version] as const,
  diff: (projectId: Id, from: number, to: number) => ['guidelines', String(projectId), 'diff', from, to] as const,
  proposal: (projectId: Id) => ['guideline-proposal', String(projectId)] as const,
};
