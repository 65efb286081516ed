-- +goose Up
-- Exports of golden snapshots: who took which file of which snapshot, and its sha256, so a
-- fine-tuning or evaluation run can be traced to the exact bytes it read. A row is written when the
-- export starts ('running') and closed when it ends: 'done' with the count and hash, or 'failed' when
-- it was interrupted (client gone, cancelled, a query failed), so a partial file is never mistaken
-- for a whole one.
CREATE TABLE exports (
    id          bigserial PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    snapshot_id bigint NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    format      text NOT NULL,
    split       text NOT NULL CHECK (split IN ('train', 'val', 'test', 'all')),
    status      text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'failed')),
    rows        integer NOT NULL DEFAULT 0,
    bytes       bigint NOT NULL DEFAULT 0,
    sha256      text NOT NULL DEFAULT '',     -- of the bytes written, as far as they went
    error       text NOT NULL DEFAULT '',
    created_by  bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX exports_project ON exports (project_id, id DESC);

-- +goose Down
DROP TABLE exports;
