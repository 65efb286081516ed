-- +goose Up
-- What made two SQLs of a question differ when their results on the database were equal: the
-- neighbour database that told them apart and the rows only one of them returned there.
ALTER TABLE comparisons ADD COLUMN detail jsonb;

-- +goose Down
ALTER TABLE comparisons DROP COLUMN detail;
