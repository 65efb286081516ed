// Query keys of a project's target databases.
type Id = string | number;

export const databaseKeys = {
  /** Every list of the project's databases: what an upload or a deletion invalidates. */
  all: (projectId: Id) => ['databases', String(projectId)] as const,
  /** The databases, with their older versions or only the current ones. */
  list: (projectId: Id, allVersions: boolean) => ['databases', String(projectId), allVersions] as const,
  /** A database with its schema; the id may be null while a query is disabled. */
  detail: (projectId: Id, databaseId: Id | null) => ['database', String(projectId), String(databaseId)] as const,
  rows: (projectId: Id, databaseId: Id, table: string) => ['rows', String(projectId), String(databaseId), table] as const,
  history: (projectId: Id, databaseId: Id) => ['history', String(projectId), String(databaseId)] as const,
};
