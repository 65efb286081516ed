package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
)

// Annotation item statuses.
const (
	AnnotationPending   = "pending"
	AnnotationClaimed   = "claimed"
	AnnotationSubmitted = "submitted"
	AnnotationSkipped   = "skipped"
)

// More NLQ statuses (see nlqs.go): the loop decides a question's fate with these.
const (
	NLQAccepted  = "accepted"
	NLQRejected  = "rejected"
	NLQAmbiguous = "ambiguous"
)

// SkipReasons are why an annotator may decline a question; the migration's CHECK holds the same list.
var SkipReasons = []string{"ambiguous", "unanswerable", "bad_question"}

// Policy is how a project runs its loop.
type Policy struct {
	ProjectID int64 `json:"project_id"`
	// DualShare is the share of the agent's questions that also get human SQL.
	DualShare float64 `json:"dual_share"`
	// AnnotatorsPerItem is how many people write SQL for each sampled question.
	AnnotatorsPerItem int `json:"annotators_per_item"`
	// AuditRate is the share of agreements that still go to review.
	AuditRate float64 `json:"audit_rate"`
	// Blind hides the agent's SQL from annotators until they submit their own.
	Blind        bool       `json:"blind"`
	LeaseSeconds int        `json:"lease_seconds"`
	Version      int        `json:"version"` // 0: never saved, the defaults are in force
	UpdatedAt    *time.Time `json:"updated_at"`
}

// DefaultPolicy is in force until a lead saves one (the migration's column defaults).
func DefaultPolicy(projectID int64) Policy {
	return Policy{ProjectID: projectID, DualShare: 0.2, AnnotatorsPerItem: 1, AuditRate: 0.1, Blind: true, LeaseSeconds: 1800}
}

// Validate reports field errors (the migration's CHECK constraints, said for people).
func (p Policy) Validate() error {
	v := Validator{}
	v.Check(p.DualShare >= 0 && p.DualShare <= 1, "dual_share", "must be from 0 to 1")
	v.Check(p.AnnotatorsPerItem >= 1 && p.AnnotatorsPerItem <= 5, "annotators_per_item", "must be from 1 to 5")
	v.Check(p.AuditRate >= 0 && p.AuditRate <= 1, "audit_rate", "must be from 0 to 1")
	v.Check(p.LeaseSeconds >= 60 && p.LeaseSeconds <= 86400, "lease_seconds", "must be from 60 to 86400")
	return v.Err()
}

func loadPolicy(ctx context.Context, q querier, projectID int64) (Policy, error) {
	p := DefaultPolicy(projectID)
	err := q.QueryRow(ctx, `SELECT dual_share, annotators_per_item, audit_rate, blind, lease_seconds, version, updated_at
		FROM project_policies WHERE project_id = $1`, projectID).
		Scan(&p.DualShare, &p.AnnotatorsPerItem, &p.AuditRate, &p.Blind, &p.LeaseSeconds, &p.Version, &p.UpdatedAt)
	_, err = found(err, fmt.Sprintf("policy of project %d", projectID))
	return p, err
}

// Policy returns the project's policy, or the defaults (version 0) when none was saved.
func (s *Store) Policy(ctx context.Context, projectID int64) (Policy, error) {
	return loadPolicy(ctx, s.pool, projectID)
}

// PolicyTx is Policy inside tx.
func PolicyTx(ctx context.Context, tx pgx.Tx, projectID int64) (Policy, error) {
	return loadPolicy(ctx, tx, projectID)
}

// SavePolicy replaces the project's policy; p.Version is the version the caller edited (0 for the
// defaults). A stale version is a *StaleVersionError.
func (s *Store) SavePolicy(ctx context.Context, a Actor, projectID int64, p Policy) (Policy, error) {
	if err := p.Validate(); err != nil {
		return Policy{}, err
	}
	out := p
	out.ProjectID = projectID
	err := s.withTx(ctx, "save policy", func(tx pgx.Tx) error {
		// Lock the project row so two first saves (no policy row yet) cannot both pass the version check.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE`, projectID); err != nil {
			return classify(err, "save policy")
		}
		cur, err := loadPolicy(ctx, tx, projectID)
		if err != nil {
			return err
		}
		if cur.Version != p.Version {
			return &StaleVersionError{Object: "the project's policy", Current: cur.Version}
		}
		err = tx.QueryRow(ctx, `INSERT INTO project_policies (project_id, dual_share, annotators_per_item, audit_rate, blind, lease_seconds)
			VALUES ($1,$2,$3,$4,$5,$6)
			ON CONFLICT (project_id) DO UPDATE SET dual_share = EXCLUDED.dual_share, annotators_per_item = EXCLUDED.annotators_per_item,
				audit_rate = EXCLUDED.audit_rate, blind = EXCLUDED.blind, lease_seconds = EXCLUDED.lease_seconds,
				version = project_policies.version + 1, updated_at = now()
			RETURNING version, updated_at`, projectID, p.DualShare, p.AnnotatorsPerItem, p.AuditRate, p.Blind, p.LeaseSeconds).
			Scan(&out.Version, &out.UpdatedAt)
		if err != nil {
			return classify(err, "save policy")
		}
		return auditTx(ctx, tx, a, "policy.update", "project_policy", projectID, &projectID, cur, out)
	})
	if err != nil {
		return Policy{}, err
	}
	return out, nil
}

// Sampled decides, deterministically, whether a question falls in a share: the same (salt, project,
// question) always gets the same answer, so a resumed batch or a re-run plan samples the same
// questions, and different salts ("dual", "audit") sample independently. share 0 is never, 1 always.
func Sampled(salt string, projectID, nlqID int64, share float64) bool {
	if share <= 0 || share >= 1 {
		return share >= 1
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s:%d:%d", salt, projectID, nlqID)
	// FNV alone mixes its high bits poorly for keys that differ in a digit or two; splitmix64's
	// finalizer spreads them (measured: share 0.2 of 10,000 ids sampled 14% without it).
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return float64(x)/math.MaxUint64 < share
}

// CreateAnnotationItems gives a question n annotation slots inside tx; slots it already has are kept
// (planning twice is harmless). It returns how many were new.
func CreateAnnotationItems(ctx context.Context, tx pgx.Tx, projectID, nlqID int64, n int) (int, error) {
	tag, err := tx.Exec(ctx, `INSERT INTO annotation_items (project_id, nlq_id, slot)
		SELECT $1, $2, g FROM generate_series(1, $3::int) g ON CONFLICT (nlq_id, slot) DO NOTHING`, projectID, nlqID, n)
	if err != nil {
		return 0, classify(err, fmt.Sprintf("create annotation items for nlq %d", nlqID))
	}
	return int(tag.RowsAffected()), nil
}

// GuidelineVersionTx is the project's current guideline version (nil before the first save).
func GuidelineVersionTx(ctx context.Context, tx pgx.Tx, projectID int64) (*int, error) {
	var v *int
	err := tx.QueryRow(ctx, `SELECT max(version) FROM guidelines WHERE project_id = $1`, projectID).Scan(&v)
	return v, classify(err, "current guideline version")
}

// MarkNeedsReview moves a new question to needs_review inside tx (a question already decided keeps
// its status).
func MarkNeedsReview(ctx context.Context, tx pgx.Tx, nlqID int64) error {
	_, err := tx.Exec(ctx, `UPDATE nlqs SET status = 'needs_review', version = version + 1 WHERE id = $1 AND status = 'new'`, nlqID)
	return classify(err, "mark nlq for review")
}

// AnnotationItem is one person's slot of work on a question.
type AnnotationItem struct {
	ID         int64      `json:"id"`
	ProjectID  int64      `json:"project_id"`
	NLQID      int64      `json:"nlq_id"`
	Slot       int        `json:"slot"`
	Status     string     `json:"status"`
	ClaimedBy  *int64     `json:"claimed_by"`
	LeaseUntil *time.Time `json:"lease_until"`
	Version    int        `json:"version"`
	CreatedAt  time.Time  `json:"created_at"`
	DoneAt     *time.Time `json:"done_at"`
}

const annotationItemColumns = `id, project_id, nlq_id, slot, status, claimed_by, lease_until, version, created_at, done_at`

func annotationItemFields(it *AnnotationItem) []any {
	return []any{&it.ID, &it.ProjectID, &it.NLQID, &it.Slot, &it.Status, &it.ClaimedBy, &it.LeaseUntil, &it.Version, &it.CreatedAt, &it.DoneAt}
}

// AnnotationTask is a claimed item with what the annotator needs: the question, its database and
// answers, and the guideline version in force. AgentSQL is filled by the caller only when the policy
// is not blind.
type AnnotationTask struct {
	Item             AnnotationItem `json:"item"`
	Question         string         `json:"question"`
	DatabaseID       *int64         `json:"database_id"`
	TargetValues     []string       `json:"target_values"`
	GuidelineVersion *int           `json:"guideline_version"`
	Blind            bool           `json:"blind"`
	AgentSQL         *string        `json:"agent_sql,omitempty"`
}

// writtenBy2 holds for a question (n) that the user $2 wrote with its SQL, who would otherwise check
// their own answer. Importing a dataset, starting a generating run or an agent batch does not make
// the person who started it the author of its questions: a lead who imports Spider may annotate it.
const writtenBy2 = `COALESCE(n.origin->>'kind' = 'written' AND n.created_by = $2, false)`

// claimAnnotationSQL is the annotator's claim, one statement like ClaimSQL: their own claim first
// (renewed, even if its lease ran out, as long as nobody took it over), else an item whose lease ran
// out, else the oldest pending item, of a question they
// did not write, have not annotated (or skipped) already, and do not hold another slot of; the
// question must still be open (not rejected or ambiguous). $1 project, $2 user, $3 request ID.
const claimAnnotationSQL = `WITH claimed AS (
	UPDATE annotation_items SET status = 'claimed', claimed_by = $2,
		claimed_at = CASE WHEN status = 'claimed' AND claimed_by = $2 THEN claimed_at ELSE now() END,
		version = version + CASE WHEN status = 'claimed' AND claimed_by = $2 THEN 0 ELSE 1 END,
		lease_until = now() + make_interval(secs => COALESCE((SELECT lease_seconds FROM project_policies WHERE project_id = $1), 1800))
	WHERE id = COALESCE(
		(SELECT id FROM annotation_items WHERE claimed_by = $2 AND status = 'claimed' AND project_id = $1
			ORDER BY id LIMIT 1 FOR UPDATE),
		(SELECT i.id FROM annotation_items i JOIN nlqs n ON n.id = i.nlq_id
			WHERE i.project_id = $1 AND i.status = 'claimed' AND i.lease_until < now()
				AND NOT ` + writtenBy2 + ` AND n.status NOT IN ('rejected', 'ambiguous')
				AND NOT EXISTS (SELECT 1 FROM annotations x WHERE x.nlq_id = i.nlq_id AND x.user_id = $2)
				AND NOT EXISTS (SELECT 1 FROM annotation_items o WHERE o.nlq_id = i.nlq_id AND o.id <> i.id AND o.claimed_by = $2
					AND o.status = 'claimed')
			ORDER BY i.lease_until LIMIT 1 FOR UPDATE OF i SKIP LOCKED),
		(SELECT i.id FROM annotation_items i JOIN nlqs n ON n.id = i.nlq_id
			WHERE i.project_id = $1 AND i.status = 'pending'
				AND NOT ` + writtenBy2 + ` AND n.status NOT IN ('rejected', 'ambiguous')
				AND NOT EXISTS (SELECT 1 FROM annotations x WHERE x.nlq_id = i.nlq_id AND x.user_id = $2)
				AND NOT EXISTS (SELECT 1 FROM annotation_items o WHERE o.nlq_id = i.nlq_id AND o.id <> i.id AND o.claimed_by = $2
					AND o.status = 'claimed')
			ORDER BY i.created_at, i.id LIMIT 1 FOR UPDATE OF i SKIP LOCKED))
	RETURNING *
), audited AS (
	INSERT INTO audit_log (actor_id, action, object_type, object_id, project_id, after, request_id)
	SELECT $2, 'annotation.claim', 'annotation_item', c.id::text, c.project_id,
		jsonb_build_object('version', c.version, 'lease_until', c.lease_until), $3 FROM claimed c
)
SELECT c.id, c.project_id, c.nlq_id, c.slot, c.status, c.claimed_by, c.lease_until, c.version, c.created_at, c.done_at,
	n.question, n.database_id, n.target_values, (SELECT max(version) FROM guidelines WHERE project_id = $1),
	COALESCE((SELECT blind FROM project_policies WHERE project_id = $1), true)
FROM claimed c JOIN nlqs n ON n.id = c.nlq_id`

// ClaimAnnotationItem leases the user's next annotation item (see claimAnnotationSQL) for the
// policy's lease; ErrNoWork when there is none they may take.
//
// The rules the claim follows are also the database's (migration 00014): one claimed item per
// person and project, one slot per person and question. A claim racing another of the same person
// fails on them and is tried again, which then finds the claim the other one made.
func (s *Store) ClaimAnnotationItem(ctx context.Context, a Actor, projectID, userID int64) (AnnotationTask, error) {
	var t AnnotationTask
	err := claimWithRetry(ctx, func() error {
		t = AnnotationTask{}
		return s.pool.QueryRow(ctx, claimAnnotationSQL, projectID, userID, a.RequestID).Scan(
			append(annotationItemFields(&t.Item), &t.Question, &t.DatabaseID, &t.TargetValues, &t.GuidelineVersion, &t.Blind)...)
	}, func() (bool, error) {
		var open bool
		err := s.pool.QueryRow(ctx, claimableAnnotationSQL, projectID, userID).Scan(&open)
		return open, err
	})
	if errors.Is(err, ErrNoWork) {
		return t, ErrNoWork
	}
	if t.TargetValues == nil {
		t.TargetValues = []string{}
	}
	return t, classify(err, fmt.Sprintf("claim annotation item in project %d", projectID))
}

// claimableAnnotationSQL says whether the project has an item user may claim, without locking: a
// claim that found nothing because others held the rows locked tries again. $1 project, $2 user.
const claimableAnnotationSQL = `SELECT EXISTS (SELECT 1 FROM annotation_items i JOIN nlqs n ON n.id = i.nlq_id
	WHERE i.project_id = $1 AND (i.status = 'pending' OR (i.status = 'claimed' AND (i.lease_until < now() OR i.claimed_by = $2)))
		AND NOT ` + writtenBy2 + ` AND n.status NOT IN ('rejected', 'ambiguous')
		AND NOT EXISTS (SELECT 1 FROM annotations x WHERE x.nlq_id = i.nlq_id AND x.user_id = $2)
		AND NOT EXISTS (SELECT 1 FROM annotation_items o WHERE o.nlq_id = i.nlq_id AND o.id <> i.id AND o.claimed_by = $2))`

// AnnotationItemNLQ returns an item of the project and its question (for running SQL on the
// question's database before a submit).
func (s *Store) AnnotationItemNLQ(ctx context.Context, projectID, itemID int64) (AnnotationItem, NLQWithSQL, error) {
	it, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+annotationItemColumns+` FROM annotation_items WHERE project_id = $1 AND id = $2`,
		projectID, itemID), annotationItemFields)
	if err != nil {
		return it, NLQWithSQL{}, classifyRow(err, "annotation item", "no annotation item %d in this project", itemID)
	}
	n, err := s.NLQ(ctx, projectID, it.NLQID)
	return it, n, err
}

// LatestAgentCandidate returns the agent's newest SQL for a question; nil when it has none.
func (s *Store) LatestAgentCandidate(ctx context.Context, nlqID int64) (*Candidate, error) {
	var c Candidate
	err := s.pool.QueryRow(ctx, `SELECT id, nlq_id, source, sql, result_fingerprint, row_count, error, agent_run_id, created_at
		FROM sql_candidates WHERE nlq_id = $1 AND source = 'agent' ORDER BY id DESC LIMIT 1`, nlqID).
		Scan(&c.ID, &c.NLQID, &c.Source, &c.SQL, &c.ResultFingerprint, &c.RowCount, &c.Error, &c.AgentRunID, &c.CreatedAt)
	if ok, err := found(err, "agent candidate"); !ok {
		return nil, err
	}
	return &c, nil
}

// lockAnnotationItem locks an item and checks that user holds a live claim on the given version
// (version < 0: any version, and an expired claim is enough, for a release).
func lockAnnotationItem(ctx context.Context, tx pgx.Tx, projectID, itemID, userID int64, version int) (AnnotationItem, error) {
	var it AnnotationItem
	var live bool
	err := tx.QueryRow(ctx, `SELECT `+annotationItemColumns+`, COALESCE(lease_until > now(), false)
		FROM annotation_items WHERE project_id = $1 AND id = $2 FOR UPDATE`, projectID, itemID).Scan(append(annotationItemFields(&it), &live)...)
	if err != nil {
		return it, classifyRow(err, "lock annotation item", "no annotation item %d in this project", itemID)
	}
	switch {
	case it.Status == AnnotationSubmitted || it.Status == AnnotationSkipped:
		return it, &ConflictError{Msg: fmt.Sprintf("annotation item %d is already %s", itemID, it.Status)}
	case it.Status != AnnotationClaimed || it.ClaimedBy == nil:
		return it, &ConflictError{Msg: fmt.Sprintf("annotation item %d is not claimed; ask for the next item first", itemID)}
	case *it.ClaimedBy != userID:
		return it, &ConflictError{Msg: fmt.Sprintf("annotation item %d is claimed by someone else", itemID)}
	case version < 0:
		return it, nil
	case !live:
		return it, &ConflictError{Msg: fmt.Sprintf("your claim on annotation item %d expired; ask for the next item again", itemID)}
	case it.Version != version:
		return it, &StaleVersionError{Object: fmt.Sprintf("annotation item %d", itemID), Current: it.Version}
	}
	return it, nil
}

// ReleaseAnnotationItem gives a claimed item back; only its claimer may (also after the lease ran
// out, as long as nobody else took it).
func (s *Store) ReleaseAnnotationItem(ctx context.Context, a Actor, projectID, itemID, userID int64) error {
	return s.withTx(ctx, "release annotation item", func(tx pgx.Tx) error {
		it, err := lockAnnotationItem(ctx, tx, projectID, itemID, userID, -1)
		if err != nil {
			return err
		}
		return releaseItem(ctx, tx, a, "annotation", projectID, itemID, it.Status, it.Version)
	})
}

// Annotation is what one annotator did with an item: SQL (a candidate) or a skip.
type Annotation struct {
	ID               int64     `json:"id"`
	ItemID           int64     `json:"item_id"`
	NLQID            int64     `json:"nlq_id"`
	UserID           int64     `json:"user_id"`
	CandidateID      *int64    `json:"candidate_id"`
	SkippedReason    *string   `json:"skipped_reason"`
	Comment          string    `json:"comment"`
	GuidelineVersion *int      `json:"guideline_version"`
	ElapsedMS        *int64    `json:"elapsed_ms"`
	CreatedAt        time.Time `json:"created_at"`
}

func insertAnnotation(ctx context.Context, tx pgx.Tx, an *Annotation) error {
	return classify(tx.QueryRow(ctx, `INSERT INTO annotations (item_id, nlq_id, user_id, candidate_id, skipped_reason, comment, guideline_version, elapsed_ms)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id, created_at`,
		an.ItemID, an.NLQID, an.UserID, an.CandidateID, an.SkippedReason, an.Comment, an.GuidelineVersion, an.ElapsedMS).
		Scan(&an.ID, &an.CreatedAt), "insert annotation")
}

// SkipAnnotationItem records that the claimer declined the item, with a reason.
func (s *Store) SkipAnnotationItem(ctx context.Context, a Actor, projectID, itemID, userID int64, version int, reason, comment string) (Annotation, error) {
	v := Validator{}
	v.Check(contains(SkipReasons, reason), "reason", "must be one of "+fmt.Sprint(SkipReasons))
	v.Check(len(comment) <= 10_000, "comment", "is longer than 10,000 bytes")
	if err := v.Err(); err != nil {
		return Annotation{}, err
	}
	var an Annotation
	err := s.withTx(ctx, "skip annotation item", func(tx pgx.Tx) error {
		it, err := lockAnnotationItem(ctx, tx, projectID, itemID, userID, version)
		if err != nil {
			return err
		}
		an = Annotation{ItemID: itemID, NLQID: it.NLQID, UserID: userID, SkippedReason: &reason, Comment: comment}
		if an.GuidelineVersion, err = GuidelineVersionTx(ctx, tx, projectID); err != nil {
			return err
		}
		if err := insertAnnotation(ctx, tx, &an); err != nil {
			return err
		}
		if err := finishItem(ctx, tx, a, it, AnnotationSkipped, an); err != nil {
			return err
		}
		// The others may all have agreed already, waiting for this one.
		return settle(ctx, tx, a, projectID, it.NLQID, &Agreement{})
	})
	if err != nil {
		return Annotation{}, err
	}
	return an, nil
}

func finishItem(ctx context.Context, tx pgx.Tx, a Actor, it AnnotationItem, status string, an Annotation) error {
	if _, err := tx.Exec(ctx, `UPDATE annotation_items SET status = $2, done_at = now(), lease_until = NULL, version = version + 1
		WHERE id = $1`, it.ID, status); err != nil {
		return classify(err, "finish annotation item")
	}
	action := "annotation.submit"
	if status == AnnotationSkipped {
		action = "annotation.skip"
	}
	return auditTx(ctx, tx, a, action, "annotation_item", it.ID, &it.ProjectID,
		map[string]any{"status": it.Status, "version": it.Version},
		map[string]any{"status": status, "version": it.Version + 1, "annotation_id": an.ID, "candidate_id": an.CandidateID,
			"skipped_reason": an.SkippedReason, "guideline_version": an.GuidelineVersion})
}

// Comparison is one execution-match verdict between two candidates of a question.
type Comparison struct {
	ID         int64  `json:"id"`
	NLQID      int64  `json:"nlq_id"`
	CandidateA int64  `json:"candidate_a_id"` // the agent's when the agent's is one of the two, else the earlier
	CandidateB int64  `json:"candidate_b_id"`
	Match      bool   `json:"match"`
	Reason     string `json:"reason"`
	// Detail, for SQLs whose results were equal on the database but not on one of its neighbours
	// (sqlexec.Distinguish), is that Distinction: which neighbour, and the rows that tell them apart.
	Detail           json.RawMessage `json:"detail,omitempty" tstype:"NeighbourDetail | null"`
	GuidelineVersion *int            `json:"guideline_version"`
	CreatedAt        time.Time       `json:"created_at"`
	// Against says, for a comparison just made, what the new SQL was compared with: "agent" or
	// "person" (another annotator's). Not stored: a question's history tells by the candidates.
	Against string `json:"against,omitempty" tstype:"'agent' | 'person'"`
}

// Submission is an annotator's SQL for a claimed item, already run in the sandbox (Candidate carries
// the outcome).
type Submission struct {
	ProjectID, ItemID, UserID int64
	Version                   int
	Candidate                 Candidate // Source, SQL and outcome; NLQID and created_by are set here
	ElapsedMS                 *int64    // the annotator's time on the item
	Comment                   string    // what the annotator wants reviewers to know (a doubt, a cited rule)
}

// Submission results.
const (
	ResultAgreed    = "agreed"    // matched every earlier SQL of the question (accepted once all its annotators are done)
	ResultDisagreed = "disagreed" // did not match one: a review item holds the pair
	ResultNoAgent   = "no_agent"  // nothing to compare with yet: the agent's answer will be compared when it comes
)

// SubmitResult is what a submission did.
type SubmitResult struct {
	Annotation  Annotation   `json:"annotation"`
	Candidate   Candidate    `json:"candidate"`
	Result      string       `json:"result"`
	Comparison  *Comparison  `json:"comparison,omitempty"` // the first mismatch, else the first comparison
	Comparisons []Comparison `json:"comparisons"`          // against the agent and each other annotator
	ReviewItem  *int64       `json:"review_item_id,omitempty"`
	Audited     bool         `json:"audited"`
	Awaiting    int          `json:"awaiting"` // other annotators of the question still to submit
}

// SubmitAnnotation stores a submission in one transaction: the person's candidate, the annotation
// with the guideline version in force, the item submitted, and the verdicts of compare against the
// agent's newest SQL and every other annotator's (see applyVerdicts for their effect).
func (s *Store) SubmitAnnotation(ctx context.Context, a Actor, sub Submission, compare CompareFunc) (SubmitResult, error) {
	var out SubmitResult
	err := s.withTx(ctx, "submit annotation", func(tx pgx.Tx) error {
		it, err := lockAnnotationItem(ctx, tx, sub.ProjectID, sub.ItemID, sub.UserID, sub.Version)
		if err != nil {
			return err
		}
		gv, err := GuidelineVersionTx(ctx, tx, sub.ProjectID)
		if err != nil {
			return err
		}
		earlier, err := earlierCandidates(ctx, tx, it.NLQID, true)
		if err != nil {
			return err
		}
		verdicts, err := compare(earlier)
		if err != nil {
			return err
		}
		c := sub.Candidate
		c.NLQID, c.Source, c.PipelineRunID = it.NLQID, "human", nil
		if err := InsertCandidate(ctx, tx, Actor{UserID: sub.UserID, RequestID: a.RequestID}, &c); err != nil {
			return err
		}
		out.Candidate = c
		out.Annotation = Annotation{ItemID: it.ID, NLQID: it.NLQID, UserID: sub.UserID, CandidateID: &c.ID, GuidelineVersion: gv, ElapsedMS: sub.ElapsedMS,
			Comment: sub.Comment}
		if err := insertAnnotation(ctx, tx, &out.Annotation); err != nil {
			return err
		}
		if err := finishItem(ctx, tx, a, it, AnnotationSubmitted, out.Annotation); err != nil {
			return err
		}
		ag, err := applyVerdicts(ctx, tx, a, sub.ProjectID, c, &sub.UserID, verdicts, gv)
		if err != nil {
			return err
		}
		out.Result, out.Comparisons, out.ReviewItem, out.Audited, out.Awaiting = ag.Result, ag.Comparisons, ag.ReviewItem, ag.Audited, ag.Awaiting
		for i, cmp := range ag.Comparisons {
			if out.Comparison == nil || (!cmp.Match && out.Comparison.Match) {
				out.Comparison = &ag.Comparisons[i]
			}
		}
		return nil
	})
	return out, err
}

// CompareAgentAnswer compares an agent's new answer (already stored as c, inside tx) with the SQL
// annotators submitted for the question before there was one to compare with, and applies the
// verdicts. It reports whether there was any (then the answer's routing is decided by them).
func CompareAgentAnswer(ctx context.Context, tx pgx.Tx, a Actor, projectID int64, c Candidate, compare CompareFunc) (bool, error) {
	humans, err := earlierCandidates(ctx, tx, c.NLQID, false)
	if err != nil || len(humans) == 0 {
		return false, err
	}
	verdicts, err := compare(humans)
	if err != nil {
		return true, err
	}
	gv, err := GuidelineVersionTx(ctx, tx, projectID)
	if err != nil {
		return true, err
	}
	_, err = applyVerdicts(ctx, tx, a, projectID, c, nil, verdicts, gv)
	return true, err
}

// setNLQStatus moves a question that is still new to status with gold as its gold candidate, audited.
func setNLQStatus(ctx context.Context, tx pgx.Tx, a Actor, projectID, nlqID int64, status string, gold *int64, why string) error {
	var before string
	err := tx.QueryRow(ctx, `WITH old AS (SELECT status FROM nlqs WHERE id = $1 AND status = 'new' FOR UPDATE)
		UPDATE nlqs n SET status = $2, gold_candidate_id = $3, version = n.version + 1 FROM old WHERE n.id = $1 RETURNING old.status`,
		nlqID, status, gold).Scan(&before)
	if ok, err := found(err, "update nlq status"); !ok {
		return err // no row: already decided (another annotator's agreement, a review)
	}
	return auditTx(ctx, tx, a, "nlq.status", "nlq", nlqID, &projectID, map[string]any{"status": before},
		map[string]any{"status": status, "gold_candidate_id": gold, "why": why})
}

// ReviewItemNLQID returns the question a review item of the project is about.
func (s *Store) ReviewItemNLQID(ctx context.Context, projectID, itemID int64) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `SELECT nlq_id FROM review_items WHERE project_id = $1 AND id = $2`, projectID, itemID).Scan(&id)
	return id, classifyRow(err, "review item", "no review item %d in this project", itemID)
}
