-- +goose Up
-- Every export records the snapshot's error rate as its audits stood when it was written.
ALTER TABLE exports ADD COLUMN error_rate jsonb;

-- +goose Down
ALTER TABLE exports DROP COLUMN error_rate;
