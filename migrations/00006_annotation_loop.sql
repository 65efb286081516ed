-- +goose Up
-- The annotation loop: a project's policy, the human annotation work items, what annotators
-- wrote or skipped, and every agent-versus-human comparison. See store/annotation.go.

CREATE TABLE project_policies (
    project_id          bigint PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    dual_share          double precision NOT NULL DEFAULT 0.2 CHECK (dual_share >= 0 AND dual_share <= 1),
    annotators_per_item integer NOT NULL DEFAULT 1 CHECK (annotators_per_item BETWEEN 1 AND 5),
    audit_rate          double precision NOT NULL DEFAULT 0.1 CHECK (audit_rate >= 0 AND audit_rate <= 1),
    blind               boolean NOT NULL DEFAULT true,
    lease_seconds       integer NOT NULL DEFAULT 1800 CHECK (lease_seconds BETWEEN 60 AND 86400),
    version             integer NOT NULL DEFAULT 1,
    updated_at          timestamptz NOT NULL DEFAULT now()
);

-- One slot of human annotation for a question; a question gets annotators_per_item slots.
CREATE TABLE annotation_items (
    id          bigserial PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    nlq_id      bigint NOT NULL REFERENCES nlqs(id) ON DELETE CASCADE,
    slot        integer NOT NULL CHECK (slot BETWEEN 1 AND 5),
    status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'submitted', 'skipped')),
    claimed_by  bigint REFERENCES users(id) ON DELETE SET NULL, -- kept once submitted or skipped: who did it
    lease_until timestamptz,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    done_at     timestamptz,
    UNIQUE (nlq_id, slot)
);
-- The claim walks this index oldest first, as review_items_open (see migration 00005 for why the order
-- is (created_at, id) and not id alone: the primary key would walk every finished item).
CREATE INDEX annotation_items_open ON annotation_items (project_id, created_at, id) WHERE status IN ('pending', 'claimed');
CREATE INDEX annotation_items_claimed ON annotation_items (claimed_by) WHERE status = 'claimed';

CREATE TABLE annotations (
    id                bigserial PRIMARY KEY,
    item_id           bigint NOT NULL REFERENCES annotation_items(id) ON DELETE CASCADE,
    nlq_id            bigint NOT NULL REFERENCES nlqs(id) ON DELETE CASCADE,
    user_id           bigint REFERENCES users(id) ON DELETE SET NULL,
    candidate_id      bigint REFERENCES sql_candidates(id) ON DELETE SET NULL,
    skipped_reason    text CHECK (skipped_reason IN ('ambiguous', 'unanswerable', 'bad_question')),
    comment           text NOT NULL DEFAULT '',
    guideline_version integer,
    elapsed_ms        bigint,
    created_at        timestamptz NOT NULL DEFAULT now()
);
-- "Has this user already annotated this question?" (the claim never hands it to them again).
CREATE INDEX annotations_nlq_user ON annotations (nlq_id, user_id);

-- Agent versus human by execution match.
CREATE TABLE comparisons (
    id                bigserial PRIMARY KEY,
    nlq_id            bigint NOT NULL REFERENCES nlqs(id) ON DELETE CASCADE,
    candidate_a       bigint REFERENCES sql_candidates(id) ON DELETE SET NULL,
    candidate_b       bigint REFERENCES sql_candidates(id) ON DELETE SET NULL,
    match             boolean NOT NULL,
    reason            text NOT NULL DEFAULT '',
    guideline_version integer,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comparisons_nlq ON comparisons (nlq_id);

ALTER TABLE nlqs DROP CONSTRAINT nlqs_status_check,
    ADD CONSTRAINT nlqs_status_check CHECK (status IN ('new', 'needs_review', 'accepted', 'rejected', 'ambiguous')),
    ADD COLUMN gold_candidate_id bigint REFERENCES sql_candidates(id) ON DELETE SET NULL;

-- +goose Down
UPDATE nlqs SET status = 'needs_review' WHERE status = 'ambiguous';
ALTER TABLE nlqs DROP COLUMN gold_candidate_id, DROP CONSTRAINT nlqs_status_check,
    ADD CONSTRAINT nlqs_status_check CHECK (status IN ('new', 'needs_review', 'accepted', 'rejected'));
DROP TABLE comparisons, annotations, annotation_items, project_policies;
