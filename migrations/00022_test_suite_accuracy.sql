-- +goose Up
-- Test-suite accuracy beside execution accuracy: an answer whose result equals the gold's on the
-- database is run with the gold on the database's neighbours too; suite_correct says it matched on
-- all of them (NULL: not checked, e.g. an optimization's scoring).
ALTER TABLE eval_results ADD COLUMN suite_correct boolean;

-- +goose Down
ALTER TABLE eval_results DROP COLUMN suite_correct;
