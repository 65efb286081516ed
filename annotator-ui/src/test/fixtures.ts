// Sample API objects for tests of the database screens.
import type { Database, DbTable } from '../shared/api';
import { factory } from './factory';

export const database = factory<Database>(() => ({
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
  created_by: 1,
  created_at: '2025-01-05T10:00:00Z',
  latest: true,
}));

export const shipsTable: DbTable = {
  id: 1,
  database_id: 5,
  position: 0,
  name: 'ships',
  original: 'ships.csv',
  summary: 'Ships of the line',
  row_count: 1234,
  columns: [
    { name: 'id', original: 'id', type: 'bigint', not_null: true },
    { name: 'tonnage_grt', original: 'Tonnage (GRT)', type: 'numeric' },
    { name: 'port_id', original: 'port_id', type: 'bigint' },
  ],
  primary_key: ['id'],
  foreign_keys: [{ columns: ['port_id'], ref_table: 'ports', ref_columns: ['id'] }],
  warnings: ['column Tonnage (GRT): 2 values are not numbers; kept as NULL'],
};

export const portsTable: DbTable = {
  id: 2,
  database_id: 5,
  position: 1,
  name: 'ports',
  original: 'ports',
  summary: '',
  row_count: 3,
  columns: [
    { name: 'id', original: 'id', type: 'bigint' },
    { name: 'name', original: 'name', type: 'text' },
  ],
  primary_key: ['id'],
  foreign_keys: null,
  warnings: null,
};
