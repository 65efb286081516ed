-- +goose Up
-- Diversity and complexity metrics. A metric run computes one report per stage of a
-- project, over each stage's own questions and over the dataset up to it (cumulatively), and
-- keeps exactly what it read — which question with which SQL, which embedding model — so its figures
-- can be reproduced.
CREATE TABLE metric_runs (
    id              bigserial PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    status          text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
    trigger         text NOT NULL CHECK (trigger IN ('manual', 'pipeline', 'cli')),
    pipeline_run_id bigint REFERENCES pipeline_runs(id) ON DELETE SET NULL,
    stage           text,            -- NULL: every stage
    embedding       text NOT NULL DEFAULT '',   -- the embedding model, or the lexical fallback's name
    params          jsonb NOT NULL DEFAULT '{}',
    error           text NOT NULL DEFAULT '',
    nlqs            integer NOT NULL DEFAULT 0,
    inputs_hash     text NOT NULL DEFAULT '',   -- sha256 over (nlq, question, candidate, sql) of every input
    started_by      bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);
CREATE INDEX metric_runs_project ON metric_runs (project_id, id DESC);

CREATE TABLE metric_results (
    run_id     bigint NOT NULL REFERENCES metric_runs(id) ON DELETE CASCADE,
    position   integer NOT NULL,            -- stage order: by each stage's first question
    stage      text NOT NULL,               -- '' for the whole project
    cumulative boolean NOT NULL,            -- the dataset up to and including this stage
    nlqs       integer NOT NULL,
    report     jsonb NOT NULL,
    PRIMARY KEY (run_id, stage, cumulative)
);

CREATE TABLE metric_run_inputs (
    run_id       bigint NOT NULL REFERENCES metric_runs(id) ON DELETE CASCADE,
    nlq_id       bigint NOT NULL,
    candidate_id bigint,                    -- NULL: the question had no SQL
    PRIMARY KEY (run_id, nlq_id)
);

-- +goose Down
DROP TABLE metric_run_inputs, metric_results, metric_runs;
