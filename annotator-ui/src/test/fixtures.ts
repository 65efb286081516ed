// Sample API objects for tests of the database screens.
import type { Database } from '../api';

export function database(overrides: Partial<Database> = {}): Database {
  return {
    id: 5,
    project_id: 42,
    name: 'medals',
    version: 1,
    kind: 'csv',
    source: { files: ['medals.csv'], hash: 'abc' },
    schema_name: 'db_5',
    schema_hash: 'h',
    table_count: 1,
    row_count: 4,
    report: { tables: [{ name: 'medals', rows: 4 }] },
    created_at: '2025-01-05T10:00:00Z',
    latest: true,
    ...overrides,
  };
}
