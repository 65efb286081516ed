-- +goose Up
-- Project guidelines: every save is a new, immutable version. Rules carry stable IDs (R1, R2, ...)
-- parsed from the markdown (see store/guidelines.go); an ID is never given to a second rule, so
-- reviews and annotations that cite "R3 of version 4" stay meaningful.
CREATE TABLE guidelines (
    id         bigserial PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    version    integer NOT NULL CHECK (version > 0),
    markdown   text NOT NULL,
    rules      jsonb NOT NULL DEFAULT '[]', -- [{"id":"R1","title":"...","text":"..."}]
    summary    text NOT NULL DEFAULT '',    -- the author's note on what changed
    author_id  bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, version)
);

-- +goose Down
DROP TABLE guidelines;
