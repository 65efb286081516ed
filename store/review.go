package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/jackc/pgx/v5"
)

// Review item statuses.
const (
	ReviewPending  = "pending"
	ReviewClaimed  = "claimed"
	ReviewResolved = "resolved"
)

// ReviewReasons are why an item was queued; ReviewDecisions and ReviewErrorTypes what a reviewer may
// answer. The migration's CHECK constraints hold the same lists.
var (
	ReviewReasons    = []string{"disagreement", "agent_failed", "low_confidence", "checker_warning", "audit", "translation_mismatch", "snapshot_audit"}
	ReviewDecisions  = []string{"accept", "accept_a", "accept_b", "edit", "rewrite_question", "ambiguous", "reject"}
	ReviewErrorTypes = []string{"none", "schema_linking", "join", "aggregation", "filter_value", "null_handling", "ordering_limit", "date_time",
		"question_ambiguous", "other"}
)

// ReviewItem is a question waiting for (or given) a reviewer's judgement between up to two SQL candidates.
type ReviewItem struct {
	ID               int64      `json:"id"`
	ProjectID        int64      `json:"project_id"`
	NLQID            int64      `json:"nlq_id"`
	Reason           string     `json:"reason"`
	Status           string     `json:"status"`
	CandidateA       *int64     `json:"candidate_a_id"`
	CandidateB       *int64     `json:"candidate_b_id"`
	Authors          []int64    `json:"authors"`
	ClaimedBy        *int64     `json:"claimed_by"`
	LeaseUntil       *time.Time `json:"lease_until"`
	Version          int        `json:"version"`
	GuidelineVersion *int       `json:"guideline_version"`
	CreatedAt        time.Time  `json:"created_at"`
	ResolvedAt       *time.Time `json:"resolved_at"`
	// SnapshotID is the snapshot a "snapshot_audit" item audits a pair of.
	SnapshotID *int64 `json:"snapshot_id,omitempty"`
}

// ReviewCandidate is what a reviewer sees of one SQL candidate.
type ReviewCandidate struct {
	ID                int64   `json:"id"`
	Source            string  `json:"source"`
	AuthorEmail       *string `json:"author_email,omitempty"` // a person's candidate
	SQL               string  `json:"sql"`
	ResultFingerprint *string `json:"result_fingerprint"`
	RowCount          *int    `json:"row_count"`
	Error             *string `json:"error"`
	AgentRunID        *int64  `json:"agent_run_id"` // the trajectory behind an agent candidate
}

// ReviewItemView is a claimed item with everything needed to judge it.
type ReviewItemView struct {
	ReviewItem
	Question   string           `json:"question"`
	DatabaseID *int64           `json:"database_id"`
	A          *ReviewCandidate `json:"candidate_a"`
	B          *ReviewCandidate `json:"candidate_b"`
	// Candidates are every SQL of the question, oldest first — the imported reference, the agent's
	// answers, each annotator's — so a reviewer can compare any two and accept any one.
	Candidates []ReviewCandidate `json:"candidates"`
	// AgentRunID is the question's newest agent trajectory (for an item the agent failed, the one
	// that explains why).
	AgentRunID *int64 `json:"agent_run_id"`
}

// CreateReviewItem queues an item inside tx (the work that found the disagreement commits it with its
// own results). Whoever created either candidate is added to the item's authors, so nobody is ever
// handed their own SQL to judge.
func CreateReviewItem(ctx context.Context, tx pgx.Tx, a Actor, it *ReviewItem) error {
	v := Validator{}
	v.Check(contains(ReviewReasons, it.Reason), "reason", "must be one of "+fmt.Sprint(ReviewReasons))
	v.Check(it.NLQID > 0, "nlq_id", "is required")
	if err := v.Err(); err != nil {
		return err
	}
	if it.Authors == nil {
		it.Authors = []int64{}
	}
	err := tx.QueryRow(ctx, `INSERT INTO review_items (project_id, nlq_id, reason, candidate_a, candidate_b, authors, guideline_version)
		VALUES ($1, $2, $3, $4, $5, ARRAY(SELECT DISTINCT x FROM unnest($6::bigint[] ||
			ARRAY(SELECT created_by FROM sql_candidates WHERE id IN ($4, $5) AND created_by IS NOT NULL)) x ORDER BY x), $7)
		RETURNING id, status, authors, version, created_at`,
		it.ProjectID, it.NLQID, it.Reason, it.CandidateA, it.CandidateB, it.Authors, it.GuidelineVersion).
		Scan(&it.ID, &it.Status, &it.Authors, &it.Version, &it.CreatedAt)
	if err != nil {
		return classify(err, "create review item")
	}
	return auditTx(ctx, tx, a, "review.create", "review_item", it.ID, &it.ProjectID, nil,
		map[string]any{"nlq_id": it.NLQID, "reason": it.Reason, "candidate_a": it.CandidateA, "candidate_b": it.CandidateB})
}

// ClaimSQL is the whole claim, one statement: take the reviewer's own claim if they hold one, renewed
// even when its lease ran out as long as nobody took it over (asking twice, or reloading the page,
// never takes a second item; the database refuses a second claim anyway, see ClaimReviewItem), else
// an item whose lease ran out
// (abandoned work first; index review_items_leased), else the oldest pending item (by created_at,
// then id; index review_items_pending) — never one the reviewer wrote; lease it, bump its version,
// audit the claim, and return it with its question and both candidates. SKIP LOCKED makes racing
// reviewers take different items without waiting for each other. COALESCE evaluates each sub-select
// only when the ones before it find nothing.
//
// $1 project, $2 reviewer, $3 lease in seconds, $4 request ID. bench/claim.pgbench runs this text.
const ClaimSQL = `WITH claimed AS (
	UPDATE review_items SET status = 'claimed', claimed_by = $2, lease_until = now() + make_interval(secs => $3),
		claimed_at = CASE WHEN status = 'claimed' AND claimed_by = $2 THEN claimed_at ELSE now() END,
		version = version + CASE WHEN status = 'claimed' AND claimed_by = $2 THEN 0 ELSE 1 END
	WHERE id = COALESCE(
		(SELECT id FROM review_items WHERE claimed_by = $2 AND status = 'claimed' AND project_id = $1
			ORDER BY id LIMIT 1 FOR UPDATE),
		(SELECT id FROM review_items WHERE project_id = $1 AND status = 'claimed' AND lease_until < now()
			AND NOT ($2 = ANY (authors)) ORDER BY lease_until LIMIT 1 FOR UPDATE SKIP LOCKED),
		(SELECT id FROM review_items WHERE project_id = $1 AND status = 'pending'
			AND NOT ($2 = ANY (authors)) ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED))
	RETURNING *
), audited AS (
	INSERT INTO audit_log (actor_id, action, object_type, object_id, project_id, after, request_id)
	SELECT $2, 'review.claim', 'review_item', c.id::text, c.project_id,
		jsonb_build_object('version', c.version, 'lease_until', c.lease_until), $4 FROM claimed c
)
SELECT c.id AS item_id, c.project_id, c.nlq_id, c.reason, c.status, c.candidate_a, c.candidate_b, c.authors, c.claimed_by, c.lease_until,
	c.version, c.guideline_version, c.created_at, c.resolved_at, c.snapshot_id, n.question, n.database_id,
	a.id, a.source, a.sql, a.result_fingerprint, a.row_count, a.error, a.agent_run_id,
	b.id, b.source, b.sql, b.result_fingerprint, b.row_count, b.error, b.agent_run_id
FROM claimed c JOIN nlqs n ON n.id = c.nlq_id
	LEFT JOIN sql_candidates a ON a.id = c.candidate_a
	LEFT JOIN sql_candidates b ON b.id = c.candidate_b`

// ClaimReviewItem leases the next item of the project to reviewer (see ClaimSQL); ErrNoWork when
// there is none they may take. One claim per reviewer and project is the database's rule too
// (review_items_one_claim): a claim racing the same reviewer's other one fails on it and is tried
// again, which finds the other's claim.
func (s *Store) ClaimReviewItem(ctx context.Context, a Actor, projectID, reviewerID int64, lease time.Duration) (ReviewItemView, error) {
	if lease <= 0 {
		return ReviewItemView{}, &ValidationError{Fields: map[string]string{"lease": "must be positive"}}
	}
	var v ReviewItemView
	var ca, cb nullCandidate
	err := claimWithRetry(ctx, func() error {
		v, ca, cb = ReviewItemView{}, nullCandidate{}, nullCandidate{}
		return s.pool.QueryRow(ctx, ClaimSQL, projectID, reviewerID, lease.Seconds(), a.RequestID).Scan(reviewItemViewFields(&v, &ca, &cb)...)
	}, func() (bool, error) {
		var open bool
		err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM review_items WHERE project_id = $1
			AND (status = 'pending' OR (status = 'claimed' AND (lease_until < now() OR claimed_by = $2))) AND NOT ($2 = ANY (authors)))`,
			projectID, reviewerID).Scan(&open)
		return open, err
	})
	if errors.Is(err, ErrNoWork) {
		return ReviewItemView{}, ErrNoWork
	}
	if err != nil {
		return ReviewItemView{}, classify(err, fmt.Sprintf("claim review item in project %d", projectID))
	}
	v.A, v.B = ca.candidate(), cb.candidate()
	if err := s.fillReviewContext(ctx, &v); err != nil {
		return ReviewItemView{}, err
	}
	return v, nil
}

// fillReviewContext adds every candidate of the item's question and its newest agent run, both
// asked in one round trip.
func (s *Store) fillReviewContext(ctx context.Context, v *ReviewItemView) error {
	b := &pgx.Batch{}
	b.Queue(`SELECT c.id, c.source, u.email, c.sql, c.result_fingerprint, c.row_count, c.error, c.agent_run_id
		FROM sql_candidates c LEFT JOIN users u ON u.id = c.created_by WHERE c.nlq_id = $1 ORDER BY c.id`, v.NLQID).
		Query(func(rows pgx.Rows) error {
			var err error
			v.Candidates, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (ReviewCandidate, error) {
				var c ReviewCandidate
				err := r.Scan(&c.ID, &c.Source, &c.AuthorEmail, &c.SQL, &c.ResultFingerprint, &c.RowCount, &c.Error, &c.AgentRunID)
				return c, err
			})
			return err
		})
	b.Queue(`SELECT max(id) FROM agent_runs WHERE nlq_id = $1`, v.NLQID).QueryRow(func(row pgx.Row) error {
		return row.Scan(&v.AgentRunID)
	})
	return classify(s.pool.SendBatch(ctx, b).Close(), "review candidates and agent run")
}

// reviewItemViewFields are the scan targets of an item with its question and its two candidates
// (LEFT JOINed as a and b), in the order ClaimSQL returns them.
func reviewItemViewFields(v *ReviewItemView, ca, cb *nullCandidate) []any {
	return append([]any{&v.ID, &v.ProjectID, &v.NLQID, &v.Reason, &v.Status, &v.CandidateA, &v.CandidateB, &v.Authors, &v.ClaimedBy,
		&v.LeaseUntil, &v.Version, &v.GuidelineVersion, &v.CreatedAt, &v.ResolvedAt, &v.SnapshotID, &v.Question, &v.DatabaseID},
		append(ca.fields(), cb.fields()...)...)
}

// nullCandidate scans a LEFT JOINed candidate.
type nullCandidate struct {
	ID                *int64
	Source, SQL       *string
	ResultFingerprint *string
	RowCount          *int
	Error             *string
	AgentRunID        *int64
}

func (n *nullCandidate) fields() []any {
	return []any{&n.ID, &n.Source, &n.SQL, &n.ResultFingerprint, &n.RowCount, &n.Error, &n.AgentRunID}
}

func (n nullCandidate) candidate() *ReviewCandidate {
	if n.ID == nil {
		return nil
	}
	return &ReviewCandidate{ID: *n.ID, Source: *n.Source, SQL: *n.SQL, ResultFingerprint: n.ResultFingerprint, RowCount: n.RowCount, Error: n.Error,
		AgentRunID: n.AgentRunID}
}

// lockClaim locks an item of the project and checks that reviewer holds its claim (live or not: nobody
// else took it); the errors say why not.
func lockClaim(ctx context.Context, tx pgx.Tx, projectID, itemID, reviewerID int64) (ReviewItem, error) {
	var it ReviewItem
	err := tx.QueryRow(ctx, `SELECT id, project_id, nlq_id, status, claimed_by, lease_until, version
		FROM review_items WHERE project_id = $1 AND id = $2 FOR UPDATE`, projectID, itemID).
		Scan(&it.ID, &it.ProjectID, &it.NLQID, &it.Status, &it.ClaimedBy, &it.LeaseUntil, &it.Version)
	if err != nil {
		return it, classifyRow(err, "lock review item", "no review item %d in this project", itemID)
	}
	return it, claimRefusal(itemID, it, reviewerID, true)
}

// claimRefusal says why reviewer may not act on an item (nil when they may): it is resolved, not
// claimed, claimed by someone else, or their lease ran out (when live is false).
func claimRefusal(itemID int64, it ReviewItem, reviewerID int64, live bool) error {
	switch {
	case it.Status == ReviewResolved:
		return &ConflictError{Msg: fmt.Sprintf("review item %d is already resolved", itemID)}
	case it.Status != ReviewClaimed || it.ClaimedBy == nil:
		return &ConflictError{Msg: fmt.Sprintf("review item %d is not claimed; claim it first", itemID)}
	case *it.ClaimedBy != reviewerID:
		// Also what a reviewer whose lease ran out hears once another took the item over.
		return &ConflictError{Msg: fmt.Sprintf("review item %d is claimed by someone else", itemID)}
	case !live:
		return &ConflictError{Msg: fmt.Sprintf("your claim on review item %d expired; claim it again", itemID)}
	}
	return nil
}

// ReleaseReviewItem gives a claimed item back to the queue; only its claimer may (even after the
// lease ran out, as long as nobody else took it).
func (s *Store) ReleaseReviewItem(ctx context.Context, a Actor, projectID, itemID, reviewerID int64) error {
	return s.withTx(ctx, "release review item", func(tx pgx.Tx) error {
		it, err := lockClaim(ctx, tx, projectID, itemID, reviewerID)
		if err != nil {
			return err
		}
		return releaseItem(ctx, tx, a, "review", projectID, itemID, it.Status, it.Version)
	})
}

// Decision is a reviewer's judgement of an item.
type Decision struct {
	Decision string `json:"decision"`
	// CandidateID is the candidate an "accept" makes gold: any SQL candidate of the question.
	CandidateID *int64   `json:"candidate_id,omitempty"`
	ErrorType   string   `json:"error_type"`
	RuleIDs     []string `json:"rule_ids"`
	Comment     string   `json:"comment"`
	FinalSQL    string   `json:"final_sql"`
	Question    string   `json:"question"`
	// FinalResult is what running FinalSQL in the sandbox gave (fingerprint, row count, elapsed), set
	// by the caller for an edit: the new candidate carries it.
	FinalResult *Candidate `json:"-"`
}

// Review is a recorded decision.
type Review struct {
	ID               int64     `json:"id"`
	ReviewItemID     int64     `json:"review_item_id"`
	ReviewerID       int64     `json:"reviewer_id"`
	GuidelineVersion *int      `json:"guideline_version"`
	CreatedAt        time.Time `json:"created_at"`
	Decision
}

var ruleID = regexp.MustCompile(`^R[1-9][0-9]*$`)

// Validate reports field errors: error_type is always required, final_sql for an edit and question
// for a rewrite.
func (d Decision) Validate() error {
	v := Validator{}
	v.Check(contains(ReviewDecisions, d.Decision), "decision", "must be one of "+fmt.Sprint(ReviewDecisions))
	v.Check(d.ErrorType != "", "error_type", "is required")
	v.Check(contains(ReviewErrorTypes, d.ErrorType), "error_type", "must be one of "+fmt.Sprint(ReviewErrorTypes))
	v.Check(d.Decision != "edit" || d.FinalSQL != "", "final_sql", "is required for an edit")
	v.Check(d.Decision != "accept" || d.CandidateID != nil, "candidate_id", "is required to accept a candidate")
	v.Check(d.Decision != "rewrite_question" || d.Question != "", "question", "is required to rewrite the question")
	for _, id := range d.RuleIDs {
		v.Check(ruleID.MatchString(id), "rule_ids", fmt.Sprintf("%q is not a rule ID (R1, R2, …)", id))
	}
	v.Check(len(d.Comment) <= 10_000, "comment", "is longer than 10,000 bytes")
	return v.Err()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// decideSQL is a decision in one statement (one round trip, no explicit transaction): lock the item,
// resolve it only if reviewer holds a live claim on the given version (and the candidate an accept
// names exists), record the review, make the decision take effect on the question, and audit both.
// The locked row is returned either way, so a refusal can say why.
//
// Effects: accept (any candidate of the question, $16) and accept_a/accept_b accept the question with
// that candidate as gold; edit stores final_sql
// as a new human candidate by the reviewer (with its sandbox outcome, $13-$15) and accepts the
// question with it as gold; rewrite_question replaces the question's text (the old one stays in the
// audit entry), clears its gold and sets it back to new, so it goes around the loop again; ambiguous
// and reject set those statuses. All CTEs see one snapshot, so old is the question before the update.
//
// $1 project, $2 item, $3 reviewer, $4 version, $5 decision, $6 error type, $7 rule IDs, $8 comment,
// $9 final SQL, $10 question, $11 request ID, $12 the decision as JSON for the audit log,
// $13 final SQL's result fingerprint, $14 its row count, $15 its elapsed ms, $16 the candidate an
// accept names.
const decideSQL = `WITH item AS (
	SELECT id, nlq_id, status, claimed_by, version, candidate_a, candidate_b, COALESCE(lease_until > now(), false) AS live
	FROM review_items WHERE project_id = $1 AND id = $2 FOR UPDATE
), resolved AS (
	UPDATE review_items r SET status = 'resolved', resolved_at = now(), lease_until = NULL, version = r.version + 1
	FROM item WHERE r.id = item.id AND item.status = 'claimed' AND item.claimed_by = $3 AND item.live AND item.version = $4
		AND NOT ($5 = 'accept_a' AND item.candidate_a IS NULL) AND NOT ($5 = 'accept_b' AND item.candidate_b IS NULL)
		AND NOT ($5 = 'accept' AND NOT EXISTS (SELECT 1 FROM sql_candidates sc WHERE sc.id = $16 AND sc.nlq_id = item.nlq_id))
	RETURNING r.id, r.version
), review AS (
	INSERT INTO reviews (review_item_id, reviewer_id, decision, error_type, rule_ids, comment, final_sql, question, guideline_version, candidate_id)
	SELECT id, $3, $5, $6, $7, $8, NULLIF($9, ''), NULLIF($10, ''), (SELECT max(version) FROM guidelines WHERE project_id = $1),
		CASE $5 WHEN 'accept' THEN $16::bigint END
	FROM resolved
	RETURNING id, guideline_version, created_at
), edited AS (
	INSERT INTO sql_candidates (nlq_id, source, sql, result_fingerprint, row_count, elapsed_ms, created_by)
	SELECT item.nlq_id, 'human', $9, $13, $14, $15, $3 FROM item, resolved WHERE $5 = 'edit'
	RETURNING id
), old AS (
	SELECT n.id, n.status, n.question, n.gold_candidate_id FROM nlqs n JOIN item ON n.id = item.nlq_id
), effect AS (
	UPDATE nlqs n SET
		status = CASE $5 WHEN 'rewrite_question' THEN 'new' WHEN 'ambiguous' THEN 'ambiguous' WHEN 'reject' THEN 'rejected' ELSE 'accepted' END,
		gold_candidate_id = CASE $5 WHEN 'accept_a' THEN item.candidate_a WHEN 'accept_b' THEN item.candidate_b WHEN 'accept' THEN $16::bigint
			WHEN 'edit' THEN (SELECT id FROM edited) WHEN 'rewrite_question' THEN NULL ELSE n.gold_candidate_id END,
		question = CASE WHEN $5 = 'rewrite_question' THEN $10 ELSE n.question END,
		version = n.version + 1
	FROM item, resolved WHERE n.id = item.nlq_id
	RETURNING n.id, n.status, n.question, n.gold_candidate_id
), audited AS (
	INSERT INTO audit_log (actor_id, action, object_type, object_id, project_id, before, after, request_id)
	SELECT $3, 'review.decide', 'review_item', resolved.id::text, $1,
		jsonb_build_object('status', 'claimed', 'version', $4::int),
		jsonb_build_object('status', 'resolved', 'version', resolved.version, 'review_id', review.id, 'decision', $12::jsonb), $11
	FROM resolved, review
	UNION ALL
	SELECT $3, 'nlq.decide', 'nlq', effect.id::text, $1,
		jsonb_build_object('status', old.status, 'question', old.question, 'gold_candidate_id', old.gold_candidate_id),
		jsonb_build_object('status', effect.status, 'question', effect.question, 'gold_candidate_id', effect.gold_candidate_id,
			'review_item_id', $2::bigint, 'decision', $5::text), $11
	FROM effect, old
)
SELECT item.status, item.claimed_by, item.version, item.live, item.candidate_a, item.candidate_b,
	review.id, review.guideline_version, review.created_at
FROM item LEFT JOIN review ON true`

// DecideReviewItem records reviewer's decision, resolves the item and makes the decision take effect
// on the question (see decideSQL). Only the current claimer with a live lease may, and only on the
// version they were given: otherwise a 409 that says why. An edit's SQL is stored as given: running it
// in the sandbox first (and refusing one that fails) is the caller's part.
func (s *Store) DecideReviewItem(ctx context.Context, a Actor, projectID, itemID, reviewerID int64, version int, d Decision) (Review, error) {
	if err := d.Validate(); err != nil {
		return Review{}, err
	}
	if d.RuleIDs == nil {
		d.RuleIDs = []string{}
	}
	raw, err := json.Marshal(d)
	if err != nil {
		return Review{}, err
	}
	var it ReviewItem
	var live bool
	var reviewID *int64
	r := Review{ReviewItemID: itemID, ReviewerID: reviewerID, Decision: d}
	var created *time.Time
	var fin Candidate
	if d.FinalResult != nil {
		fin = *d.FinalResult
	}
	err = s.pool.QueryRow(ctx, decideSQL, projectID, itemID, reviewerID, version, d.Decision, d.ErrorType, d.RuleIDs, d.Comment,
		d.FinalSQL, d.Question, a.RequestID, string(raw), fin.ResultFingerprint, fin.RowCount, fin.ElapsedMS, d.CandidateID).
		Scan(&it.Status, &it.ClaimedBy, &it.Version, &live, &it.CandidateA, &it.CandidateB, &reviewID, &r.GuidelineVersion, &created)
	if err != nil {
		return Review{}, classifyRow(err, "decide review item", "no review item %d in this project", itemID)
	}
	if reviewID != nil {
		r.ID, r.CreatedAt = *reviewID, *created
		return r, nil
	}
	if err := claimRefusal(itemID, it, reviewerID, live); err != nil {
		return Review{}, err
	}
	if it.Version == version { // the claim and version were right: the accepted candidate is missing
		if d.Decision == "accept" {
			return Review{}, &ValidationError{Fields: map[string]string{"candidate_id": fmt.Sprintf("candidate %d is not an SQL of this question", *d.CandidateID)}}
		}
		return Review{}, &ValidationError{Fields: map[string]string{"decision": fmt.Sprintf("review item %d has no candidate %s to accept",
			itemID, d.Decision[len(d.Decision)-1:])}}
	}
	return Review{}, &StaleVersionError{Object: fmt.Sprintf("review item %d", itemID), Current: it.Version}
}

// ReviewStats counts a project's items.
type ReviewStats struct {
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"` // pending, claimed (a live lease), expired (a lease that ran out), resolved
	ByReason map[string]int `json:"by_reason"` // open items (not resolved) by reason
}

// ReviewStats counts a project's review items by status and, for open ones, by reason.
func (s *Store) ReviewStats(ctx context.Context, projectID int64) (ReviewStats, error) {
	st := ReviewStats{ByStatus: map[string]int{ReviewPending: 0, ReviewClaimed: 0, "expired": 0, ReviewResolved: 0}, ByReason: map[string]int{}}
	rows, err := s.pool.Query(ctx, `SELECT CASE WHEN status = 'claimed' AND lease_until <= now() THEN 'expired' ELSE status END, reason, count(*)
		FROM review_items WHERE project_id = $1 GROUP BY 1, 2`, projectID)
	if err != nil {
		return st, classify(err, "review stats")
	}
	defer rows.Close()
	for rows.Next() {
		var status, reason string
		var n int
		if err := rows.Scan(&status, &reason, &n); err != nil {
			return st, classify(err, "review stats")
		}
		st.Total += n
		st.ByStatus[status] += n
		if status != ReviewResolved {
			st.ByReason[reason] += n
		}
	}
	return st, classify(rows.Err(), "review stats")
}

// Disagreement is a case where the agent and a person wrote SQL with different results, with what a
// reviewer decided about it (when someone has): the material a guideline change is learned from.
type Disagreement struct {
	Question   string   `json:"question"`
	SQLA       string   `json:"sql_a"` // the agent's
	SQLB       string   `json:"sql_b"` // the person's
	Decision   string   `json:"decision,omitempty"`
	ErrorType  string   `json:"error_type,omitempty"`
	RuleIDs    []string `json:"rule_ids,omitempty"`
	Comment    string   `json:"comment,omitempty"`
	FinalSQL   string   `json:"final_sql,omitempty"`
	ReviewedAt string   `json:"reviewed_at,omitempty"`
}

// RecentDisagreements returns the project's latest disagreement review items, decided or not, newest
// first.
func (s *Store) RecentDisagreements(ctx context.Context, projectID int64, limit int) ([]Disagreement, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, `SELECT n.question, COALESCE(a.sql, ''), COALESCE(b.sql, ''), COALESCE(r.decision, ''),
			COALESCE(r.error_type, ''), COALESCE(r.rule_ids, '{}'), COALESCE(r.comment, ''), COALESCE(r.final_sql, ''),
			COALESCE(to_char(r.created_at, 'YYYY-MM-DD'), '')
		FROM review_items i JOIN nlqs n ON n.id = i.nlq_id
		LEFT JOIN sql_candidates a ON a.id = i.candidate_a LEFT JOIN sql_candidates b ON b.id = i.candidate_b
		LEFT JOIN LATERAL (SELECT * FROM reviews r WHERE r.review_item_id = i.id ORDER BY r.id DESC LIMIT 1) r ON true
		WHERE i.project_id = $1 AND i.reason = 'disagreement' ORDER BY i.id DESC LIMIT $2`, projectID, limit)
	return collect(rows, err, "recent disagreements", func(row pgx.CollectableRow) (Disagreement, error) {
		var d Disagreement
		err := row.Scan(&d.Question, &d.SQLA, &d.SQLB, &d.Decision, &d.ErrorType, &d.RuleIDs, &d.Comment, &d.FinalSQL, &d.ReviewedAt)
		return d, err
	})
}
