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

-- +goose Down
DROP INDEX llm_calls_usage;
CREATE INDEX agent_runs_pipeline ON agent_runs (pipeline_run_id);
DROP INDEX agent_runs_batch_outcome, agent_runs_batch, audit_log_object;
