-- +goose Up
-- Runs on River: each pending item of a run is handed to one River job at a time, and the
-- worker process that claims it is recorded (worker_id) so that the items of a process that died are
-- handed to another. River's own tables (river_job, ...) come from rivermigrate, applied with these
-- migrations (see migrations.go).

-- A worker process: one per `goldset serve`, `goldset worker` or foreground `goldset run`. It is alive
-- while it holds the advisory lock (store.WorkerLockClass, id) on its own connection, so a killed process is
-- seen as gone the moment PostgreSQL closes that connection.
CREATE TABLE pipeline_workers (
    id         serial PRIMARY KEY,
    host       text NOT NULL,
    pid        integer NOT NULL,
    version    text NOT NULL DEFAULT '',
    started_at timestamptz NOT NULL DEFAULT now()
);

-- An item is queued when a River job holds it; gen is the generation of that job (its args carry it),
-- so a job for an item that was taken back and handed to a new one finds it is no longer its own.
ALTER TABLE pipeline_items
    ADD COLUMN queued    boolean NOT NULL DEFAULT false,
    ADD COLUMN gen       integer NOT NULL DEFAULT 0,
    ADD COLUMN job_id    bigint,                    -- the River job processing it (set when claimed)
    ADD COLUMN worker_id integer,                   -- the worker process processing it
    ADD COLUMN attempts  integer NOT NULL DEFAULT 0; -- times a worker started it
-- The next items to hand out, in key order, and the items held by jobs: each read without stepping
-- over a run's finished items, once per item.
CREATE INDEX pipeline_items_waiting ON pipeline_items (run_id, item_key) WHERE status = 'pending' AND NOT queued;
CREATE INDEX pipeline_items_queued ON pipeline_items (run_id) WHERE status = 'pending' AND queued;
CREATE INDEX pipeline_items_claimed ON pipeline_items (worker_id) WHERE status = 'pending' AND worker_id IS NOT NULL;

-- The runs that may need jobs, looked up by every worker every few seconds.
CREATE INDEX pipeline_runs_active ON pipeline_runs (id) WHERE status IN ('queued', 'running');

-- Generating pipelines keep some outputs and drop others, counted by reason.
ALTER TABLE pipeline_runs
    ADD COLUMN kept    integer NOT NULL DEFAULT 0,
    ADD COLUMN dropped jsonb NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE pipeline_runs DROP COLUMN dropped, DROP COLUMN kept;
DROP INDEX pipeline_runs_active, pipeline_items_claimed, pipeline_items_queued, pipeline_items_waiting;
ALTER TABLE pipeline_items DROP COLUMN attempts, DROP COLUMN worker_id, DROP COLUMN job_id, DROP COLUMN gen, DROP COLUMN queued;
DROP TABLE pipeline_workers;
