-- +goose Up
-- A reviewer may accept any candidate of the question (the agent's, any annotator's, the imported
-- reference), not only the two the item was opened with: decision 'accept' names it.
ALTER TABLE reviews DROP CONSTRAINT reviews_decision_check,
    ADD CONSTRAINT reviews_decision_check CHECK (decision IN ('accept', 'accept_a', 'accept_b', 'edit', 'rewrite_question', 'ambiguous', 'reject')),
    ADD COLUMN candidate_id bigint REFERENCES sql_candidates(id) ON DELETE SET NULL,
    ADD CONSTRAINT reviews_accept_names_a_candidate CHECK (decision <> 'accept' OR candidate_id IS NOT NULL);
-- The review of an item the agent failed shows the question's newest trajectory.
CREATE INDEX agent_runs_nlq ON agent_runs (nlq_id, id);

-- +goose Down
DROP INDEX agent_runs_nlq;
ALTER TABLE reviews DROP CONSTRAINT reviews_accept_names_a_candidate, DROP COLUMN candidate_id, DROP CONSTRAINT reviews_decision_check,
    ADD CONSTRAINT reviews_decision_check CHECK (decision IN ('accept_a', 'accept_b', 'edit', 'rewrite_question', 'ambiguous', 'reject'));
