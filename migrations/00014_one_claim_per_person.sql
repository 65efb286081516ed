-- +goose Up
-- The database holds the claim rules, so no race can break them: a person holds at most one live
-- annotation claim and one review claim per project, and never more than one slot of a question
-- (two slots of one question are two people, whatever arrives at the same moment).

-- Earlier versions let parallel requests slip past these rules; put the data right first.
UPDATE annotation_items i SET status = 'pending', claimed_by = NULL, lease_until = NULL, version = version + 1
WHERE i.status = 'claimed' AND EXISTS (SELECT 1 FROM annotation_items o
    WHERE o.project_id = i.project_id AND o.claimed_by = i.claimed_by AND o.status = 'claimed' AND o.id < i.id);
UPDATE annotation_items i SET status = 'pending', claimed_by = NULL, lease_until = NULL, version = version + 1
WHERE i.status = 'claimed' AND EXISTS (SELECT 1 FROM annotation_items o
    WHERE o.nlq_id = i.nlq_id AND o.claimed_by = i.claimed_by AND o.id <> i.id AND o.status IN ('submitted', 'skipped'));
-- A second finished slot by the same person keeps its annotation (which names them) but no longer
-- counts as their slot.
UPDATE annotation_items i SET claimed_by = NULL
WHERE i.claimed_by IS NOT NULL AND EXISTS (SELECT 1 FROM annotation_items o
    WHERE o.nlq_id = i.nlq_id AND o.claimed_by = i.claimed_by AND o.id < i.id);
UPDATE review_items i SET status = 'pending', claimed_by = NULL, lease_until = NULL, version = version + 1
WHERE i.status = 'claimed' AND EXISTS (SELECT 1 FROM review_items o
    WHERE o.project_id = i.project_id AND o.claimed_by = i.claimed_by AND o.status = 'claimed' AND o.id < i.id);

CREATE UNIQUE INDEX annotation_items_one_claim ON annotation_items (project_id, claimed_by) WHERE status = 'claimed';
CREATE UNIQUE INDEX annotation_items_one_slot_per_person ON annotation_items (nlq_id, claimed_by) WHERE claimed_by IS NOT NULL;
CREATE UNIQUE INDEX review_items_one_claim ON review_items (project_id, claimed_by) WHERE status = 'claimed';

-- +goose Down
DROP INDEX review_items_one_claim, annotation_items_one_slot_per_person, annotation_items_one_claim;
