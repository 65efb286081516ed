-- +goose Up
-- When the current claim began, so a lead can see who holds what since when.
ALTER TABLE review_items ADD COLUMN claimed_at timestamptz;
ALTER TABLE annotation_items ADD COLUMN claimed_at timestamptz;
UPDATE review_items SET claimed_at = lease_until - interval '15 minutes' WHERE status = 'claimed';

-- +goose Down
ALTER TABLE annotation_items DROP COLUMN claimed_at;
ALTER TABLE review_items DROP COLUMN claimed_at;
