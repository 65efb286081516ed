-- +goose Up
-- Indexes behind the pages of a large project (server.BenchmarkPageAPIs: 100,000 questions).
-- A question's history looks up its own audit entries instead of filtering the project's whole log
-- (three entries per question there: 180 ms a history before, a few ms after).
CREATE INDEX audit_log_object ON audit_log (object_type, object_id);
-- A batch's page of trajectories reads its own, by id or by outcome then id, one page at a time
-- (keyset pagination), however many the batch and the project hold; the first index also serves
-- what agent_runs_pipeline did.
CREATE INDEX agent_runs_batch ON agent_runs (pipeline_run_id, id);
CREATE INDEX agent_runs_batch_outcome ON agent_runs (pipeline_run_id, status, id);
DROP INDEX agent_runs_pipeline;
-- A run's model calls, newest first, and their totals (calls, cached, failed, tokens, cost) read from the
-- index alone: the batch page's usage summed the heap rows of every call (350 ms for 50,000).
CREATE INDEX llm_calls_usage ON llm_calls (project_id, run_kind, run_id, id)
    INCLUDE (cached, error, prompt_tokens, completion_tokens, cost_usd);

-- The dashboard's questions by stage and status from the index alone, not the questions' rows
-- (their text, origin and values: ten times the size).
CREATE INDEX nlqs_status_stage ON nlqs (project_id, status, stage);

-- A comparison carries its project and, for each side, the candidate's source and author, copied when
-- it is recorded (candidates never change either): the dashboard's agreement per person counted
-- comparisons by looking both candidates up, 225,000 lookups for 112,500 comparisons (0.8 s); now it
-- reads the project's comparisons alone.
ALTER TABLE comparisons ADD COLUMN project_id bigint, ADD COLUMN source_a text, ADD COLUMN author_a bigint,
    ADD COLUMN source_b text, ADD COLUMN author_b bigint;
UPDATE comparisons c SET project_id = n.project_id FROM nlqs n WHERE n.id = c.nlq_id;
UPDATE comparisons c SET source_a = s.source, author_a = s.created_by FROM sql_candidates s WHERE s.id = c.candidate_a;
UPDATE comparisons c SET source_b = s.source, author_b = s.created_by FROM sql_candidates s WHERE s.id = c.candidate_b;
CREATE INDEX comparisons_project ON comparisons (project_id, guideline_version);
-- +goose StatementBegin
CREATE FUNCTION comparisons_sides() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT project_id INTO NEW.project_id FROM nlqs WHERE id = NEW.nlq_id;
    SELECT source, created_by INTO NEW.source_a, NEW.author_a FROM sql_candidates WHERE id = NEW.candidate_a;
    SELECT source, created_by INTO NEW.source_b, NEW.author_b FROM sql_candidates WHERE id = NEW.candidate_b;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER comparisons_sides BEFORE INSERT ON comparisons FOR EACH ROW EXECUTE FUNCTION comparisons_sides();

-- +goose Down
DROP TRIGGER comparisons_sides ON comparisons;
DROP FUNCTION comparisons_sides();
DROP INDEX comparisons_project;
DROP INDEX nlqs_status_stage;
ALTER TABLE comparisons DROP COLUMN author_b, DROP COLUMN source_b, DROP COLUMN author_a, DROP COLUMN source_a, DROP COLUMN project_id;
DROP INDEX llm_calls_usage;
CREATE INDEX agent_runs_pipeline ON agent_runs (pipeline_run_id);
DROP INDEX agent_runs_batch_outcome, agent_runs_batch, audit_log_object;
