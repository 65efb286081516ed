-- +goose Up
-- The review queue: items that need a person's judgement, claimed under a lease, and the reviews
-- that resolve them. See store/review.go for the claim statement these indexes serve.

CREATE TABLE review_items (
    id                bigserial PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    nlq_id            bigint NOT NULL REFERENCES nlqs(id) ON DELETE CASCADE,
    reason            text NOT NULL CHECK (reason IN ('disagreement', 'agent_failed', 'low_confidence', 'checker_warning',
                                                      'audit', 'translation_mismatch')),
    status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'claimed', 'resolved')),
    candidate_a       bigint REFERENCES sql_candidates(id) ON DELETE SET NULL,
    candidate_b       bigint REFERENCES sql_candidates(id) ON DELETE SET NULL,
    authors           bigint[] NOT NULL DEFAULT '{}', -- users who wrote a candidate: they may not review the item
    claimed_by        bigint REFERENCES users(id) ON DELETE SET NULL,
    lease_until       timestamptz,
    version           integer NOT NULL DEFAULT 1,
    guideline_version integer,
    created_at        timestamptz NOT NULL DEFAULT now(),
    resolved_at       timestamptz
);
-- The claim walks this index in queue order (oldest first) from the start of the project's open items:
-- pending items and claimed ones whose lease ran out are both in it (the lease is checked on the few
-- claimed rows met on the way), and resolved items leave it, so however many were reviewed the walk
-- starts at work. The order is (created_at, id), not id alone, on purpose: the primary key also gives
-- id order, and with every item of a project still open the planner would take it and then walk over
-- every resolved item from the start of the table (measured: a claim went linear as items were
-- resolved); only this index gives (created_at, id) order.
CREATE INDEX review_items_open ON review_items (project_id, created_at, id) WHERE status <> 'resolved';
-- A reviewer's current claim, which the next-item call gives back first.
CREATE INDEX review_items_claimed ON review_items (claimed_by) WHERE status = 'claimed';
CREATE INDEX review_items_nlq ON review_items (nlq_id);

CREATE TABLE reviews (
    id                bigserial PRIMARY KEY,
    review_item_id    bigint NOT NULL REFERENCES review_items(id) ON DELETE CASCADE,
    reviewer_id       bigint REFERENCES users(id) ON DELETE SET NULL,
    decision          text NOT NULL CHECK (decision IN ('accept_a', 'accept_b', 'edit', 'rewrite_question', 'ambiguous', 'reject')),
    error_type        text NOT NULL CHECK (error_type IN ('schema_linking', 'join', 'aggregation', 'filter_value', 'null_handling',
                                                          'ordering_limit', 'date_time', 'question_ambiguous', 'other')),
    rule_ids          text[] NOT NULL DEFAULT '{}',
    comment           text NOT NULL DEFAULT '',
    final_sql         text,
    question          text,
    guideline_version integer,
    created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviews_item ON reviews (review_item_id);
CREATE INDEX reviews_reviewer ON reviews (reviewer_id, id DESC);

-- +goose Down
DROP TABLE reviews, review_items;
