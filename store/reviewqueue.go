package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The review queue as people see and steer it: what is pending, claimed and expired, by reason and
// database; a reviewer opens a particular item; a lead releases a stale claim or hands an item to a
// reviewer. The rules of the one-statement claim hold here too (one claim per person and project,
// never one's own work), as database constraints and in the statements' conditions.

// ReviewQueueItem is one item of the queue as a list shows it.
type ReviewQueueItem struct {
	ID           int64      `json:"id"`
	NLQID        int64      `json:"nlq_id"`
	Question     string     `json:"question"`
	Reason       string     `json:"reason"`
	State        string     `json:"state"` // pending, claimed, expired, resolved
	DatabaseID   *int64     `json:"database_id"`
	DatabaseName string     `json:"database_name"`
	SnapshotID   *int64     `json:"snapshot_id,omitempty"`
	ClaimedBy    *int64     `json:"claimed_by,omitempty"`
	ClaimedEmail *string    `json:"claimed_by_email,omitempty"`
	ClaimedAt    *time.Time `json:"claimed_at,omitempty"`
	LeaseUntil   *time.Time `json:"lease_until,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	Mine         bool       `json:"mine"`     // the caller holds it
	Own          bool       `json:"own_work"` // the caller wrote one of its candidates: not theirs to review
}

// ReviewQueueQuery filters the list: by state ("" for every state but resolved), reason and
// database; items created before Before (an id), at most Limit (1..500, default 100).
type ReviewQueueQuery struct {
	State      string
	Reason     string
	DatabaseID int64
	Before     int64
	Limit      int
}

// ReviewStates are the states a queue item can be in.
var ReviewStates = []string{"pending", "claimed", "expired", "resolved"}

// ReviewQueue lists a project's review items newest first, for viewer (who sees which they hold and
// which are their own work).
func (s *Store) ReviewQueue(ctx context.Context, projectID, viewer int64, q ReviewQueueQuery) ([]ReviewQueueItem, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	rows, err := s.pool.Query(ctx, `
		SELECT i.id, i.nlq_id, n.question, i.reason,
			CASE WHEN i.status = 'claimed' AND i.lease_until <= now() THEN 'expired' ELSE i.status END AS state,
			n.database_id, coalesce(d.name, ''), i.snapshot_id, i.claimed_by, u.email, i.claimed_at, i.lease_until, i.created_at,
			i.claimed_by IS NOT DISTINCT FROM $2 AND i.status = 'claimed', $2 = ANY (i.authors)
		FROM review_items i JOIN nlqs n ON n.id = i.nlq_id
		LEFT JOIN databases d ON d.id = n.database_id
		LEFT JOIN users u ON u.id = i.claimed_by AND i.status = 'claimed'
		WHERE i.project_id = $1 AND ($3 = 0 OR n.database_id = $3) AND ($4 = '' OR i.reason = $4) AND ($5 = 0 OR i.id < $5)
			AND CASE $6 WHEN '' THEN i.status <> 'resolved'
				WHEN 'expired' THEN i.status = 'claimed' AND i.lease_until <= now()
				WHEN 'claimed' THEN i.status = 'claimed' AND i.lease_until > now()
				ELSE i.status = $6 END
		ORDER BY i.id DESC LIMIT $7`, projectID, viewer, q.DatabaseID, q.Reason, q.Before, q.State, q.Limit)
	if err != nil {
		return nil, classify(err, "review queue")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReviewQueueItem, error) {
		var it ReviewQueueItem
		err := r.Scan(&it.ID, &it.NLQID, &it.Question, &it.Reason, &it.State, &it.DatabaseID, &it.DatabaseName, &it.SnapshotID,
			&it.ClaimedBy, &it.ClaimedEmail, &it.ClaimedAt, &it.LeaseUntil, &it.CreatedAt, &it.Mine, &it.Own)
		return it, err
	})
	if out == nil {
		out = []ReviewQueueItem{}
	}
	return out, classify(err, "review queue")
}

// ReviewCountsByDatabase counts the open items (pending, claimed, expired) of each database.
func (s *Store) ReviewCountsByDatabase(ctx context.Context, projectID int64) (map[string]map[string]int, error) {
	rows, err := s.pool.Query(ctx, `SELECT coalesce(d.name, ''),
			CASE WHEN i.status = 'claimed' AND i.lease_until <= now() THEN 'expired' ELSE i.status END, count(*)
		FROM review_items i JOIN nlqs n ON n.id = i.nlq_id LEFT JOIN databases d ON d.id = n.database_id
		WHERE i.project_id = $1 AND i.status <> 'resolved' GROUP BY 1, 2`, projectID)
	if err != nil {
		return nil, classify(err, "review counts by database")
	}
	out := map[string]map[string]int{}
	for rows.Next() {
		var db, state string
		var n int
		if err := rows.Scan(&db, &state, &n); err != nil {
			return nil, classify(err, "review counts by database")
		}
		if out[db] == nil {
			out[db] = map[string]int{}
		}
		out[db][state] = n
	}
	return out, classify(rows.Err(), "review counts by database")
}

// ClaimReviewItemByID claims one particular item for reviewer: it must be pending, or claimed under
// a lease that ran out (or by the reviewer already), and not the reviewer's own work; the reviewer
// may hold no other claim in the project. The answer is the item with every candidate, like
// ClaimReviewItem's; the errors say why not.
func (s *Store) ClaimReviewItemByID(ctx context.Context, a Actor, projectID, itemID, reviewerID int64, lease time.Duration) (ReviewItemView, error) {
	return s.takeReviewItem(ctx, a, projectID, itemID, reviewerID, lease, "review.claim")
}

// AssignReviewItem hands an item to a reviewer (a lead's action): a claim made for them, as if they
// had opened it. The same rules hold: not their own work, no other claim of theirs.
func (s *Store) AssignReviewItem(ctx context.Context, a Actor, projectID, itemID, reviewerID int64, lease time.Duration) (ReviewItemView, error) {
	return s.takeReviewItem(ctx, a, projectID, itemID, reviewerID, lease, "review.assign")
}

func (s *Store) takeReviewItem(ctx context.Context, a Actor, projectID, itemID, reviewerID int64, lease time.Duration, action string) (ReviewItemView, error) {
	var v ReviewItemView
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var status string
		var claimedBy *int64
		var live, own bool
		err := tx.QueryRow(ctx, `SELECT status, claimed_by, coalesce(lease_until > now(), false), $3 = ANY (authors)
			FROM review_items WHERE project_id = $1 AND id = $2 FOR UPDATE`, projectID, itemID, reviewerID).Scan(&status, &claimedBy, &live, &own)
		if errors.Is(err, pgx.ErrNoRows) {
			return &notFoundError{msg: fmt.Sprintf("no review item %d in this project", itemID)}
		}
		if err != nil {
			return err
		}
		switch {
		case status == ReviewResolved:
			return &ConflictError{Msg: fmt.Sprintf("review item %d is already decided", itemID)}
		case own:
			return &ConflictError{Msg: fmt.Sprintf("review item %d judges SQL this reviewer wrote: someone else reviews it", itemID)}
		case status == ReviewClaimed && live && (claimedBy == nil || *claimedBy != reviewerID) && action == "review.claim":
			return &ConflictError{Msg: fmt.Sprintf("review item %d is being reviewed by someone else", itemID)}
		}
		var held int64
		err = tx.QueryRow(ctx, `SELECT id FROM review_items WHERE project_id = $1 AND claimed_by = $2 AND status = 'claimed' AND id <> $3`,
			projectID, reviewerID, itemID).Scan(&held)
		if err == nil {
			return &ConflictError{Msg: fmt.Sprintf("the reviewer holds review item %d: decide or release it first", held)}
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, `UPDATE review_items SET status = 'claimed', claimed_by = $3, lease_until = now() + make_interval(secs => $4),
				claimed_at = CASE WHEN status = 'claimed' AND claimed_by = $3 THEN claimed_at ELSE now() END,
				version = version + CASE WHEN status = 'claimed' AND claimed_by = $3 THEN 0 ELSE 1 END
			WHERE project_id = $1 AND id = $2 RETURNING version`, projectID, itemID, reviewerID, lease.Seconds()).Scan(&version); err != nil {
			return err
		}
		if err := auditTx(ctx, tx, a, action, "review_item", itemID, &projectID, nil, map[string]any{"claimed_by": reviewerID, "version": version}); err != nil {
			return err
		}
		var ca, cb nullCandidate
		err = tx.QueryRow(ctx, `SELECT i.id, i.project_id, i.nlq_id, i.reason, i.status, i.candidate_a, i.candidate_b, i.authors, i.claimed_by,
				i.lease_until, i.version, i.guideline_version, i.created_at, i.resolved_at, i.snapshot_id, n.question, n.database_id,
				a.id, a.source, a.sql, a.result_fingerprint, a.row_count, a.error, a.agent_run_id,
				b.id, b.source, b.sql, b.result_fingerprint, b.row_count, b.error, b.agent_run_id
			FROM review_items i JOIN nlqs n ON n.id = i.nlq_id
				LEFT JOIN sql_candidates a ON a.id = i.candidate_a LEFT JOIN sql_candidates b ON b.id = i.candidate_b
			WHERE i.id = $1`, itemID).Scan(reviewItemViewFields(&v, &ca, &cb)...)
		v.A, v.B = ca.candidate(), cb.candidate()
		return err
	})
	if uniqueViolation(err) { // the other claim was made meanwhile
		return ReviewItemView{}, &ConflictError{Msg: "the reviewer holds another review item: decide or release it first"}
	}
	if err != nil {
		return ReviewItemView{}, classify(err, "take review item")
	}
	return v, s.fillReviewContext(ctx, &v)
}

// UnclaimReviewItem gives a claimed item back to the queue whoever holds it (a lead's action, for a
// claim left behind); audited with whom it was taken from.
func (s *Store) UnclaimReviewItem(ctx context.Context, a Actor, projectID, itemID int64) error {
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var from *int64
		err := tx.QueryRow(ctx, `UPDATE review_items i SET status = 'pending', claimed_by = NULL, lease_until = NULL, claimed_at = NULL,
				version = i.version + 1
			FROM (SELECT id, claimed_by FROM review_items WHERE project_id = $1 AND id = $2 AND status = 'claimed' FOR UPDATE) old
			WHERE i.id = old.id RETURNING old.claimed_by`, projectID, itemID).Scan(&from)
		if errors.Is(err, pgx.ErrNoRows) {
			return &ConflictError{Msg: fmt.Sprintf("review item %d is not claimed", itemID)}
		}
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, a, "review.unclaim", "review_item", itemID, &projectID, map[string]any{"claimed_by": from}, nil)
	}), "unclaim review item")
}
