package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AnnotatorStatus is what an annotator sees of the work: how far the project's annotation has come,
// what they did, and their recent submissions (the ones they may still reopen marked).
type AnnotatorStatus struct {
	Total     int                `json:"total"` // annotation items of the project
	Done      int                `json:"done"`  // submitted or skipped
	Pending   int                `json:"pending"`
	Claimed   int                `json:"claimed"`
	Submitted int                `json:"submitted"` // by this annotator
	Skipped   int                `json:"skipped"`
	Recent    []RecentSubmission `json:"recent"`
}

// RecentSubmission is one of an annotator's last answers.
type RecentSubmission struct {
	ItemID        int64     `json:"item_id"`
	NLQID         int64     `json:"nlq_id"`
	Question      string    `json:"question"`
	Status        string    `json:"status"` // the item's: submitted or skipped
	SQL           *string   `json:"sql"`
	SkippedReason *string   `json:"skipped_reason"`
	Comment       string    `json:"comment"`
	At            time.Time `json:"at"`
	// Reopenable: nobody has acted on the answer yet (see ReopenAnnotation).
	Reopenable bool `json:"reopenable"`
}

// reopenableSQL says whether annotation a.* can still be taken back: the question is still new (no
// acceptance, no disagreement, no review is waiting on it) and no later SQL was compared with it.
const reopenableSQL = `n.status = 'new'
	AND NOT EXISTS (SELECT 1 FROM review_items ri WHERE ri.nlq_id = a.nlq_id AND ri.created_at >= a.created_at)
	AND NOT EXISTS (SELECT 1 FROM comparisons m WHERE m.nlq_id = a.nlq_id AND m.created_at > a.created_at
		AND a.candidate_id IN (m.candidate_a, m.candidate_b))`

// AnnotatorStatus reads the project's annotation progress and user's last 20 answers.
func (s *Store) AnnotatorStatus(ctx context.Context, projectID, userID int64) (AnnotatorStatus, error) {
	var st AnnotatorStatus
	err := s.pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE status IN ('submitted', 'skipped')),
			count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'claimed'),
			count(*) FILTER (WHERE status = 'submitted' AND claimed_by = $2), count(*) FILTER (WHERE status = 'skipped' AND claimed_by = $2)
		FROM annotation_items WHERE project_id = $1`, projectID, userID).
		Scan(&st.Total, &st.Done, &st.Pending, &st.Claimed, &st.Submitted, &st.Skipped)
	if err != nil {
		return st, classify(err, "annotator status")
	}
	rows, err := s.pool.Query(ctx, `SELECT a.item_id, a.nlq_id, n.question, i.status, c.sql, a.skipped_reason, a.comment, a.created_at,
			i.status = 'submitted' AND `+reopenableSQL+`
		FROM annotations a JOIN annotation_items i ON i.id = a.item_id JOIN nlqs n ON n.id = a.nlq_id
		LEFT JOIN sql_candidates c ON c.id = a.candidate_id
		WHERE i.project_id = $1 AND a.user_id = $2 ORDER BY a.id DESC LIMIT 20`, projectID, userID)
	if err != nil {
		return st, classify(err, "recent submissions")
	}
	st.Recent, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (RecentSubmission, error) {
		var x RecentSubmission
		err := r.Scan(&x.ItemID, &x.NLQID, &x.Question, &x.Status, &x.SQL, &x.SkippedReason, &x.Comment, &x.At, &x.Reopenable)
		return x, err
	})
	if st.Recent == nil {
		st.Recent = []RecentSubmission{}
	}
	return st, classify(err, "recent submissions")
}

// ReopenAnnotation takes back user's submission of an item while nobody has acted on it (see
// reopenableSQL): the annotation, its SQL candidate and the comparisons it was part of are removed,
// and the item is the user's claim again, so they can answer anew. The user may hold no other claim.
func (s *Store) ReopenAnnotation(ctx context.Context, a Actor, projectID, itemID, userID int64) (AnnotationItem, error) {
	var it AnnotationItem
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var annID, nlqID int64
		var cand *int64
		var ok bool
		err := tx.QueryRow(ctx, `SELECT a.id, a.nlq_id, a.candidate_id, i.status = 'submitted' AND `+reopenableSQL+`
			FROM annotation_items i JOIN annotations a ON a.item_id = i.id JOIN nlqs n ON n.id = i.nlq_id
			WHERE i.project_id = $1 AND i.id = $2 AND a.user_id = $3 FOR UPDATE OF i, n`, projectID, itemID, userID).
			Scan(&annID, &nlqID, &cand, &ok)
		if errors.Is(err, pgx.ErrNoRows) {
			return &notFoundError{msg: fmt.Sprintf("you have no answer to annotation item %d", itemID)}
		}
		if err != nil {
			return err
		}
		if !ok {
			return &ConflictError{Msg: "this answer can no longer be reopened: it was compared with later SQL, reviewed, or decided its question"}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM comparisons WHERE nlq_id = $1 AND $2::bigint IN (candidate_a, candidate_b)`, nlqID, cand); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM annotations WHERE id = $1`, annID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sql_candidates WHERE id = $1`, cand); err != nil {
			return err
		}
		it, err = scanRow(tx.QueryRow(ctx, `UPDATE annotation_items SET status = 'claimed', done_at = NULL, claimed_at = now(), version = version + 1,
				lease_until = now() + make_interval(secs => COALESCE((SELECT lease_seconds FROM project_policies WHERE project_id = $1), 1800))
			WHERE id = $2 RETURNING `+annotationItemColumns, projectID, itemID), annotationItemFields)
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, a, "annotation.reopen", "annotation_item", itemID, &projectID, map[string]any{"annotation_id": annID}, nil)
	})
	if uniqueViolation(err) {
		return it, &ConflictError{Msg: "you hold another annotation item: submit, skip or release it first"}
	}
	return it, classify(err, "reopen annotation")
}
