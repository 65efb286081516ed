-- +goose Up
-- The columns whose order is a table's row order in its source (its primary key, when the source's
-- rows were stored in key order): SQLite returns rows in that order, so the SQLite → PostgreSQL
-- translation can break ties under ORDER BY the way SQLite does.
ALTER TABLE db_tables ADD COLUMN scan_order text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE db_tables DROP COLUMN scan_order;
