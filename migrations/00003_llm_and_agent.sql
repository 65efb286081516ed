-- +goose Up
-- Language-model settings and calls, the agent's runs and steps, and batch runs.

-- One row: the endpoint and models an admin configured. The API key is not here: it comes from the
-- environment or a file (see llm.Settings).
CREATE TABLE llm_settings (
    id         integer PRIMARY KEY CHECK (id = 1),
    settings   jsonb NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    updated_by bigint REFERENCES users(id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every model call, answered or not, for cost and debugging.
CREATE TABLE llm_calls (
    id                bigserial PRIMARY KEY,
    at                timestamptz NOT NULL DEFAULT now(),
    purpose           text NOT NULL,
    model             text NOT NULL,
    project_id        bigint REFERENCES projects(id) ON DELETE CASCADE,
    run_kind          text NOT NULL DEFAULT '',
    run_id            bigint,
    item_key          text NOT NULL DEFAULT '',
    user_id           bigint REFERENCES users(id) ON DELETE SET NULL,
    request           jsonb,
    response          jsonb,
    prompt_tokens     integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    latency_ms        double precision NOT NULL DEFAULT 0,
    attempts          integer NOT NULL DEFAULT 1,
    cached            boolean NOT NULL DEFAULT false,
    error             text NOT NULL DEFAULT '',
    cost_usd          double precision NOT NULL DEFAULT 0
);
CREATE INDEX llm_calls_run ON llm_calls (run_kind, run_id, id);
CREATE INDEX llm_calls_project ON llm_calls (project_id, id DESC);

-- Responses of deterministic calls by the exact request, so a resumed run never pays twice.
CREATE TABLE llm_cache (
    key        text PRIMARY KEY,
    model      text NOT NULL,
    response   bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Batch work: an agent batch today, augmentation and evaluation later.
CREATE TABLE pipeline_runs (
    id                bigserial PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind              text NOT NULL,
    params            jsonb NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    total             integer NOT NULL DEFAULT 0,
    done              integer NOT NULL DEFAULT 0,
    succeeded         integer NOT NULL DEFAULT 0,
    failed            integer NOT NULL DEFAULT 0,
    prompt_tokens     bigint NOT NULL DEFAULT 0,
    completion_tokens bigint NOT NULL DEFAULT 0,
    cost_usd          double precision NOT NULL DEFAULT 0,
    error             text NOT NULL DEFAULT '',
    started_by        bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    heartbeat_at      timestamptz
);
CREATE INDEX pipeline_runs_project ON pipeline_runs (project_id, id DESC);

-- The items of a run; an item done is never done again (resume skips it).
CREATE TABLE pipeline_items (
    run_id     bigint NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
    item_key   text NOT NULL,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
    detail     jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, item_key)
);
CREATE INDEX pipeline_items_pending ON pipeline_items (run_id) WHERE status = 'pending';

CREATE TABLE pipeline_events (
    id      bigserial PRIMARY KEY,
    run_id  bigint NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
    at      timestamptz NOT NULL DEFAULT now(),
    level   text NOT NULL,
    message text NOT NULL
);
CREATE INDEX pipeline_events_run ON pipeline_events (run_id, id);

-- One agent trajectory: a question, its steps, and how it ended.
CREATE TABLE agent_runs (
    id                bigserial PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    database_id       bigint NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
    nlq_id            bigint REFERENCES nlqs(id) ON DELETE SET NULL,
    pipeline_run_id   bigint REFERENCES pipeline_runs(id) ON DELETE SET NULL,
    question          text NOT NULL,
    status            text NOT NULL DEFAULT 'running'
                      CHECK (status IN ('running', 'answered', 'budget', 'loop', 'error', 'cancelled')),
    stop_detail       text NOT NULL DEFAULT '',
    sql               text NOT NULL DEFAULT '',
    explanation       text NOT NULL DEFAULT '',
    warnings          jsonb NOT NULL DEFAULT '[]',
    confidence        double precision,
    samples           integer NOT NULL DEFAULT 1,
    prompt_version    text NOT NULL DEFAULT '',
    guideline_version integer,
    model             text NOT NULL DEFAULT '',
    prompt_tokens     integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    started_by        bigint REFERENCES users(id) ON DELETE SET NULL,
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz
);
CREATE INDEX agent_runs_project ON agent_runs (project_id, id DESC);
CREATE INDEX agent_runs_pipeline ON agent_runs (pipeline_run_id);

CREATE TABLE agent_steps (
    id                bigserial PRIMARY KEY,
    run_id            bigint NOT NULL REFERENCES agent_runs(id) ON DELETE CASCADE,
    sample            integer NOT NULL DEFAULT 0,
    idx               integer NOT NULL,
    kind              text NOT NULL,
    content           text NOT NULL DEFAULT '',
    tool              text NOT NULL DEFAULT '',
    args              jsonb,
    result            text NOT NULL DEFAULT '',
    sql               text NOT NULL DEFAULT '',
    sql_result        jsonb,
    prompt_tokens     integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    latency_ms        double precision NOT NULL DEFAULT 0,
    error             text NOT NULL DEFAULT '',
    at                timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, sample, idx)
);

ALTER TABLE sql_candidates ADD COLUMN agent_run_id bigint REFERENCES agent_runs(id) ON DELETE SET NULL;
ALTER TABLE sql_candidates ADD COLUMN warnings jsonb;
-- One agent candidate per question and batch: a resumed batch cannot add a second.
ALTER TABLE sql_candidates ADD COLUMN pipeline_run_id bigint REFERENCES pipeline_runs(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX sql_candidates_run_item ON sql_candidates (pipeline_run_id, nlq_id) WHERE pipeline_run_id IS NOT NULL;

-- +goose Down
DROP INDEX sql_candidates_run_item;
ALTER TABLE sql_candidates DROP COLUMN pipeline_run_id, DROP COLUMN warnings, DROP COLUMN agent_run_id;
DROP TABLE agent_steps, agent_runs, pipeline_events, pipeline_items, pipeline_runs, llm_cache, llm_calls, llm_settings;
