-- +goose Up
-- BIRD (Li et al., NeurIPS 2023) pairs each question with evidence: the external knowledge a
-- person needs to write its SQL ("eligible free rate = Free Meal Count / Enrollment"), and labels
-- it simple, moderate or challenging. Evidence is part of the question people and the agent read,
-- so it is a column of the question, and it is copied into a snapshot's pairs like the question's
-- text, so a snapshot keeps the evidence it was cut with. '' is "none".
ALTER TABLE nlqs ADD COLUMN evidence text NOT NULL DEFAULT '',
    ADD COLUMN difficulty text NOT NULL DEFAULT '';
ALTER TABLE snapshot_pairs ADD COLUMN evidence text NOT NULL DEFAULT '',
    ADD COLUMN difficulty text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE snapshot_pairs DROP COLUMN evidence, DROP COLUMN difficulty;
ALTER TABLE nlqs DROP COLUMN evidence, DROP COLUMN difficulty;
