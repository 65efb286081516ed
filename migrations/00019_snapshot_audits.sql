-- +goose Up
-- Audits measure a snapshot's error rate: a random sample of its pairs, drawn to reach a target
-- interval width, is queued to reviewers who wrote none of those pairs; each verdict (the gold is
-- correct, or wrong and why) updates the estimate. Audit items are review items, worked in the same
-- queue with the same claims and leases.
CREATE TABLE snapshot_audits (
    id            bigserial PRIMARY KEY,
    snapshot_id   bigint NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
    target_upper  double precision NOT NULL CHECK (target_upper > 0 AND target_upper < 1),
    assumed_error double precision NOT NULL CHECK (assumed_error >= 0 AND assumed_error < 1),
    sample_size   integer NOT NULL CHECK (sample_size >= 0),
    seed          bigint NOT NULL,
    created_by    bigint REFERENCES users(id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshot_audits_snapshot ON snapshot_audits (snapshot_id, id);

ALTER TABLE review_items DROP CONSTRAINT review_items_reason_check,
    ADD CONSTRAINT review_items_reason_check CHECK (reason IN ('disagreement', 'agent_failed', 'low_confidence', 'checker_warning',
        'audit', 'translation_mismatch', 'snapshot_audit')),
    ADD COLUMN audit_id bigint REFERENCES snapshot_audits(id) ON DELETE CASCADE,
    ADD COLUMN snapshot_id bigint REFERENCES snapshots(id) ON DELETE CASCADE,
    ADD CONSTRAINT review_items_snapshot_audit CHECK ((reason = 'snapshot_audit') = (audit_id IS NOT NULL AND snapshot_id IS NOT NULL));
-- A pair of a snapshot is audited at most once, however many audits ask for it.
CREATE UNIQUE INDEX review_items_snapshot_pair ON review_items (snapshot_id, nlq_id) WHERE reason = 'snapshot_audit';

-- How each pair was accepted: the strata of the error-rate estimate.
ALTER TABLE snapshot_pairs ADD COLUMN accepted_by text NOT NULL DEFAULT '' CHECK (accepted_by IN ('', 'agreed', 'reviewed', 'imported'));

-- A verdict that the audited gold is right carries no error type.
ALTER TABLE reviews DROP CONSTRAINT reviews_error_type_check,
    ADD CONSTRAINT reviews_error_type_check CHECK (error_type IN ('none', 'schema_linking', 'join', 'aggregation', 'filter_value',
        'null_handling', 'ordering_limit', 'date_time', 'question_ambiguous', 'other'));

-- +goose Down
ALTER TABLE reviews DROP CONSTRAINT reviews_error_type_check,
    ADD CONSTRAINT reviews_error_type_check CHECK (error_type IN ('schema_linking', 'join', 'aggregation', 'filter_value',
        'null_handling', 'ordering_limit', 'date_time', 'question_ambiguous', 'other'));
ALTER TABLE snapshot_pairs DROP COLUMN accepted_by;
ALTER TABLE review_items DROP CONSTRAINT review_items_snapshot_audit, DROP COLUMN audit_id, DROP COLUMN snapshot_id, DROP CONSTRAINT review_items_reason_check,
    ADD CONSTRAINT review_items_reason_check CHECK (reason IN ('disagreement', 'agent_failed', 'low_confidence', 'checker_warning',
        'audit', 'translation_mismatch'));
DROP TABLE snapshot_audits;
