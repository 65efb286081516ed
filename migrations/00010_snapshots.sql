-- +goose Up
-- Golden snapshots: an immutable copy of a project's accepted pairs with their split, so
-- an export, an evaluation or a fine-tuning run months later reads exactly what was cut. The pairs
-- are copied, not referenced: editing a question afterwards must not change a snapshot.
CREATE TABLE snapshots (
    id           bigserial PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name         text NOT NULL,
    params       jsonb NOT NULL,              -- filters, seed, ratios, split_by_database as asked
    content_hash text NOT NULL,               -- sha256 over the pairs (with their split), sorted by question
    pairs        integer NOT NULL,
    manifest     jsonb NOT NULL,              -- counts, versions, metrics, leakage
    created_by   bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshots_project ON snapshots (project_id, id DESC);

CREATE TABLE snapshot_pairs (
    snapshot_id        bigint NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    nlq_id             bigint NOT NULL,       -- no foreign key: the snapshot outlives the question
    candidate_id       bigint NOT NULL,
    split              text NOT NULL CHECK (split IN ('train', 'val', 'test')),
    stage              text NOT NULL,
    question           text NOT NULL,
    sql                text NOT NULL,
    original_sql       text NOT NULL DEFAULT '',
    database_id        bigint,
    database_name      text NOT NULL DEFAULT '',
    database_version   integer,
    schema_hash        text NOT NULL DEFAULT '',
    result_fingerprint text NOT NULL DEFAULT '',
    hardness           text NOT NULL,
    guideline_version  integer,
    PRIMARY KEY (snapshot_id, nlq_id)
);
CREATE INDEX snapshot_pairs_split ON snapshot_pairs (snapshot_id, split, nlq_id);

-- Immutability is the database's promise, not only the API's: no route updates a snapshot, and no
-- statement can either.
-- +goose StatementBegin
CREATE FUNCTION snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'snapshots are immutable' USING ERRCODE = 'check_violation';
END $$;
-- +goose StatementEnd
CREATE TRIGGER snapshots_immutable BEFORE UPDATE ON snapshots FOR EACH ROW EXECUTE FUNCTION snapshots_immutable();
CREATE TRIGGER snapshot_pairs_immutable BEFORE UPDATE ON snapshot_pairs FOR EACH ROW EXECUTE FUNCTION snapshots_immutable();

-- +goose Down
DROP TABLE snapshot_pairs, snapshots;
DROP FUNCTION snapshots_immutable();
