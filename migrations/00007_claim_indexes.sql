-- +goose Up
-- Claims look up expired leases and pending items separately, each through a partial index of its
-- own. An index that also holds live claims makes every claim step over all of them: with claims left
-- unresolved, a claim slowed from ~0.4 ms to tens of milliseconds within seconds (measured with the
-- review-queue benchmark). Live claims are few in either index now: none in the pending one, and in
-- the leased one a claim stops at the first lease that has not run out.
DROP INDEX review_items_open;
CREATE INDEX review_items_pending ON review_items (project_id, created_at, id) WHERE status = 'pending';
CREATE INDEX review_items_leased ON review_items (project_id, lease_until) WHERE status = 'claimed';
DROP INDEX annotation_items_open;
CREATE INDEX annotation_items_pending ON annotation_items (project_id, created_at, id) WHERE status = 'pending';
CREATE INDEX annotation_items_leased ON annotation_items (project_id, lease_until) WHERE status = 'claimed';

-- +goose Down
DROP INDEX annotation_items_leased, annotation_items_pending, review_items_leased, review_items_pending;
CREATE INDEX annotation_items_open ON annotation_items (project_id, created_at, id) WHERE status IN ('pending', 'claimed');
CREATE INDEX review_items_open ON review_items (project_id, created_at, id) WHERE status <> 'resolved';
