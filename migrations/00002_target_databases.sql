-- +goose Up
-- Target databases (the data questions are asked about), the questions, and their SQL.

-- A target database version. Its tables live in schema_name, readable only by reader_role.
-- A re-import creates a new version; what was computed on an old version keeps pointing at it.
CREATE TABLE databases (
    id          bigserial PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        text NOT NULL,
    version     integer NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('csv', 'sqlite')),
    source      jsonb NOT NULL DEFAULT '{}',
    schema_name text NOT NULL UNIQUE,
    reader_role text NOT NULL,
    schema_hash text NOT NULL,
    table_count integer NOT NULL,
    row_count   bigint NOT NULL,
    report      jsonb NOT NULL DEFAULT '{}',
    created_by  bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, name, version)
);

CREATE TABLE db_tables (
    id           bigserial PRIMARY KEY,
    database_id  bigint NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
    position     integer NOT NULL,
    name         text NOT NULL,
    original     text NOT NULL DEFAULT '',
    summary      text NOT NULL DEFAULT '',
    row_count    bigint NOT NULL,
    columns      jsonb NOT NULL,          -- [{name, original, type, not_null}]
    primary_key  text[] NOT NULL DEFAULT '{}',
    foreign_keys jsonb NOT NULL DEFAULT '[]',
    warnings     text[] NOT NULL DEFAULT '{}',
    UNIQUE (database_id, name)
);

-- Natural-language questions. origin_key makes imports idempotent: importing a file twice adds nothing.
CREATE TABLE nlqs (
    id            bigserial PRIMARY KEY,
    project_id    bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    database_id   bigint REFERENCES databases(id) ON DELETE SET NULL,
    question      text NOT NULL,
    stage         text NOT NULL DEFAULT 'human-seed',
    status        text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'needs_review', 'accepted', 'rejected')),
    origin        jsonb NOT NULL DEFAULT '{}',
    origin_key    text,
    parent_id     bigint REFERENCES nlqs(id) ON DELETE SET NULL,
    target_values text[],                   -- WikiTableQuestions answers
    created_by    bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX nlqs_origin_key ON nlqs (project_id, origin_key) WHERE origin_key IS NOT NULL;
CREATE INDEX nlqs_project_stage ON nlqs (project_id, stage, id);
CREATE INDEX nlqs_database ON nlqs (database_id);

-- SQL written for a question, by whom or what, with its execution outcome.
CREATE TABLE sql_candidates (
    id                 bigserial PRIMARY KEY,
    nlq_id             bigint NOT NULL REFERENCES nlqs(id) ON DELETE CASCADE,
    source             text NOT NULL CHECK (source IN ('import', 'human', 'agent', 'generator')),
    sql                text NOT NULL,
    original_sql       text,
    original_dialect   text,
    translation        jsonb,              -- what the SQLite → PostgreSQL translation changed
    verification       jsonb,              -- original vs translation, by execution match
    result_fingerprint text,
    row_count          integer,
    error              text,
    elapsed_ms         double precision,
    created_by         bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sql_candidates_nlq ON sql_candidates (nlq_id);

-- What people ran in the SQL runner, for their history.
CREATE TABLE sql_history (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    database_id bigint NOT NULL REFERENCES databases(id) ON DELETE CASCADE,
    sql         text NOT NULL,
    row_count   integer,
    error       text,
    elapsed_ms  double precision NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sql_history_user ON sql_history (user_id, id DESC);

-- +goose Down
DROP TABLE sql_history, sql_candidates, nlqs, db_tables, databases;
