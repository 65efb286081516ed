-- +goose Up
-- Evaluation of models on snapshots, and prompt optimization.

-- A project's text-to-SQL prompt template, versioned: what evaluations and optimizations start from,
-- and what the agent adds to its system prompt as the project's instructions. Versions are never
-- changed; adopting an optimized prompt makes a new one that says where it came from.
CREATE TABLE prompt_templates (
    id           bigserial PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    version      integer NOT NULL CHECK (version > 0),
    body         text NOT NULL,
    note         text NOT NULL DEFAULT '',
    source       text NOT NULL CHECK (source IN ('manual', 'optimization')),
    run_id       bigint REFERENCES pipeline_runs(id) ON DELETE SET NULL,
    candidate_id bigint,
    created_by   bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, version)
);

-- The prompts an optimization run tried: the baseline, and each step's proposals (OPRO) or edits
-- (APO, with the critique they applied and their parent). Scores are filled in as they are known.
CREATE TABLE prompt_candidates (
    id              bigserial PRIMARY KEY,
    run_id          bigint NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
    step            integer NOT NULL,
    ordinal         integer NOT NULL,
    parent_id       bigint REFERENCES prompt_candidates(id) ON DELETE SET NULL,
    origin          text NOT NULL CHECK (origin IN ('baseline', 'opro', 'apo')),
    prompt          text NOT NULL,
    critique        text NOT NULL DEFAULT '',
    score           double precision,   -- on the validation items of its step
    scored          integer NOT NULL DEFAULT 0,
    val_score       double precision,   -- on the whole validation split
    val_n           integer NOT NULL DEFAULT 0,
    test_score      double precision,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (run_id, step, ordinal)
);

-- One scored item: a pair of a snapshot answered by the target model with one prompt (candidate 0
-- for a plain evaluation). Written once per (run, candidate, question), so a resumed run re-scores
-- nothing it scored.
CREATE TABLE eval_results (
    run_id            bigint NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
    candidate_id      bigint NOT NULL DEFAULT 0,
    nlq_id            bigint NOT NULL,
    split             text NOT NULL,
    database_name     text NOT NULL DEFAULT '',
    hardness          text NOT NULL DEFAULT '',
    sql               text NOT NULL DEFAULT '',
    correct           boolean NOT NULL,
    reason            text NOT NULL DEFAULT '',
    error             text NOT NULL DEFAULT '',
    diff              jsonb,
    judge             boolean,
    judge_reason      text NOT NULL DEFAULT '',
    prompt_tokens     integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, candidate_id, nlq_id)
);

-- +goose Down
DROP TABLE eval_results;
DROP TABLE prompt_candidates;
DROP TABLE prompt_templates;
