package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// SnapshotAudit is a request to measure a snapshot's error rate: a sample of its pairs queued to
// reviewers (review items of reason "snapshot_audit").
type SnapshotAudit struct {
	ID           int64     `json:"id"`
	SnapshotID   int64     `json:"snapshot_id"`
	TargetUpper  float64   `json:"target_upper"`
	AssumedError float64   `json:"assumed_error"`
	SampleSize   int       `json:"sample_size"` // pairs queued by this audit
	Seed         int64     `json:"seed"`
	CreatedBy    *int64    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// AuditedNLQs are the questions of the snapshot already queued for audit (by any audit of it).
func (s *Store) AuditedNLQs(ctx context.Context, snapshotID int64) (map[int64]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT nlq_id FROM review_items WHERE snapshot_id = $1 AND reason = 'snapshot_audit'`, snapshotID)
	if err != nil {
		return nil, classify(err, "audited questions")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	out := map[int64]bool{}
	for _, id := range ids {
		out[id] = true
	}
	return out, classify(err, "audited questions")
}

// CreateSnapshotAudit records an audit of the snapshot and queues one review item per pair, each
// judging the pair's gold candidate: whoever wrote an SQL of the question or decided a review of it
// is among the item's authors, so never audits it. A pair already queued by an earlier audit is not
// queued again (the database refuses it: review_items_snapshot_pair). Audited in one transaction.
func (s *Store) CreateSnapshotAudit(ctx context.Context, a Actor, projectID int64, au *SnapshotAudit, pairs []SnapshotPair) error {
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		au.SampleSize = len(pairs)
		err := tx.QueryRow(ctx, `INSERT INTO snapshot_audits (snapshot_id, target_upper, assumed_error, sample_size, seed, created_by)
			SELECT $1, $2, $3, $4, $5, $6 FROM snapshots WHERE id = $1 AND project_id = $7 RETURNING id, created_at`,
			au.SnapshotID, au.TargetUpper, au.AssumedError, au.SampleSize, au.Seed, a.id(), projectID).Scan(&au.ID, &au.CreatedAt)
		if err != nil {
			return err
		}
		au.CreatedBy = a.id()
		gv, err := GuidelineVersionTx(ctx, tx, projectID)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			cand := p.CandidateID
			_, err := tx.Exec(ctx, `INSERT INTO review_items (project_id, nlq_id, reason, candidate_a, authors, guideline_version, audit_id, snapshot_id)
				VALUES ($1, $2, 'snapshot_audit', $3,
					ARRAY(SELECT DISTINCT x FROM (
						SELECT created_by AS x FROM sql_candidates WHERE nlq_id = $2 AND created_by IS NOT NULL
						UNION SELECT user_id FROM annotations WHERE nlq_id = $2 AND user_id IS NOT NULL
						UNION SELECT created_by FROM nlqs WHERE id = $2 AND created_by IS NOT NULL
						UNION SELECT r.reviewer_id FROM reviews r JOIN review_items i ON i.id = r.review_item_id
							WHERE i.nlq_id = $2 AND r.reviewer_id IS NOT NULL) authors),
					$4, $5, $6)`, projectID, p.NLQID, cand, gv, au.ID, au.SnapshotID)
			if err != nil {
				return fmt.Errorf("queue the audit of question %d: %w", p.NLQID, err)
			}
		}
		return auditTx(ctx, tx, a, "snapshot.audit", "snapshot", au.SnapshotID, &projectID, nil,
			map[string]any{"audit_id": au.ID, "sample_size": au.SampleSize, "target_upper": au.TargetUpper})
	}), "create snapshot audit")
}

// SnapshotAudits lists the audits of a snapshot, oldest first.
func (s *Store) SnapshotAudits(ctx context.Context, snapshotID int64) ([]SnapshotAudit, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, snapshot_id, target_upper, assumed_error, sample_size, seed, created_by, created_at
		FROM snapshot_audits WHERE snapshot_id = $1 ORDER BY id`, snapshotID)
	return collect(rows, err, "snapshot audits", func(r pgx.CollectableRow) (SnapshotAudit, error) {
		var a SnapshotAudit
		err := r.Scan(&a.ID, &a.SnapshotID, &a.TargetUpper, &a.AssumedError, &a.SampleSize, &a.Seed, &a.CreatedBy, &a.CreatedAt)
		return a, err
	})
}

// AuditVerdict is one audited pair of a snapshot: whether its gold was judged correct, and what
// the error-rate breakdowns need to know of the pair.
type AuditVerdict struct {
	NLQID      int64   `json:"nlq_id"`
	AcceptedBy string  `json:"accepted_by"`
	Correct    bool    `json:"correct"`
	ErrorType  string  `json:"error_type"`
	Source     string  `json:"source"`       // the gold candidate's: agent, human, import, generator
	Author     *string `json:"author_email"` // a person's gold
	Database   string  `json:"database"`
	Kind       string  `json:"kind"` // snapshot_audit, or audit (an agreement sampled by the project's audit rate)
}

// AuditVerdicts are the decided audits of the snapshot's pairs: its own audit items, and the
// audit-rate reviews of agreements whose pair of SQLs included the pair's gold. A verdict is
// "correct" when the reviewer accepted the pair's gold candidate; any other decision (an edit, a
// rejection, ambiguity, a rewritten question, another candidate) says the gold was wrong.
func (s *Store) AuditVerdicts(ctx context.Context, snapshotID int64) ([]AuditVerdict, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT DISTINCT ON (p.nlq_id) p.nlq_id, p.accepted_by,
			CASE r.decision WHEN 'accept_a' THEN i.candidate_a = p.candidate_id WHEN 'accept_b' THEN i.candidate_b = p.candidate_id
				WHEN 'accept' THEN r.candidate_id = p.candidate_id ELSE false END,
			r.error_type, coalesce(c.source, ''), u.email, p.database_name, i.reason
		FROM snapshot_pairs p
		JOIN review_items i ON i.nlq_id = p.nlq_id AND i.status = 'resolved'
			AND ((i.reason = 'snapshot_audit' AND i.snapshot_id = p.snapshot_id)
				OR (i.reason = 'audit' AND p.candidate_id IN (i.candidate_a, i.candidate_b)))
		JOIN LATERAL (SELECT * FROM reviews WHERE review_item_id = i.id ORDER BY id DESC LIMIT 1) r ON true
		LEFT JOIN sql_candidates c ON c.id = p.candidate_id
		LEFT JOIN users u ON u.id = c.created_by
		WHERE p.snapshot_id = $1
		ORDER BY p.nlq_id, (i.reason = 'snapshot_audit') DESC, r.id DESC`, snapshotID)
	return collect(rows, err, "audit verdicts", func(r pgx.CollectableRow) (AuditVerdict, error) {
		var v AuditVerdict
		err := r.Scan(&v.NLQID, &v.AcceptedBy, &v.Correct, &v.ErrorType, &v.Source, &v.Author, &v.Database, &v.Kind)
		return v, err
	})
}

// AuditStatus counts a snapshot's audit items by review status.
func (s *Store) AuditStatus(ctx context.Context, snapshotID int64) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT status, count(*) FROM review_items WHERE snapshot_id = $1 AND reason = 'snapshot_audit' GROUP BY status`, snapshotID)
	return collectMap(rows, err, "audit status", map[string]int{"pending": 0, "claimed": 0, "resolved": 0})
}

// SnapshotStrata counts a snapshot's pairs by how they were accepted.
func (s *Store) SnapshotStrata(ctx context.Context, snapshotID int64) (map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT accepted_by, count(*) FROM snapshot_pairs WHERE snapshot_id = $1 GROUP BY 1`, snapshotID)
	return collectMap(rows, err, "snapshot strata", map[string]int{})
}
