package store

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"
)

// NLQFacets is what the question list's filters can select, with how many questions each selects.
type NLQFacets struct {
	Statuses   map[string]int `json:"statuses" tstype:"Record<string, number>"`
	Stages     map[string]int `json:"stages" tstype:"Record<string, number>"`
	Origins    map[string]int `json:"origins" tstype:"Record<string, number>"`
	ErrorTypes map[string]int `json:"error_types" tstype:"Record<string, number>"` // questions with at least one decision of that type
}

// Facets counts a project's questions by status, stage, origin kind and reviewers' error types. The
// three queries are asked at once: status and stage come from an index (nlqs_status_stage), the origin
// kind from the questions' rows, the error types from the reviews.
func (s *Store) Facets(ctx context.Context, projectID int64) (NLQFacets, error) {
	out := NLQFacets{Statuses: map[string]int{}, Stages: map[string]int{}, Origins: map[string]int{}, ErrorTypes: map[string]int{}}
	facet := map[string]map[string]int{"status": out.Statuses, "stage": out.Stages, "origin": out.Origins, "error_type": out.ErrorTypes}
	queries := []string{
		`SELECT CASE WHEN GROUPING(status) = 0 THEN 'status' ELSE 'stage' END, coalesce(status, stage), count(*)
			FROM nlqs WHERE project_id = $1 GROUP BY GROUPING SETS ((status), (stage))`,
		`SELECT 'origin', coalesce(origin->>'kind', 'unknown'), count(*) FROM nlqs WHERE project_id = $1 GROUP BY 2`,
		`SELECT 'error_type', r.error_type, count(DISTINCT ri.nlq_id) FROM review_items ri
			JOIN reviews r ON r.review_item_id = ri.id WHERE ri.project_id = $1 GROUP BY r.error_type`,
	}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for _, q := range queries {
		g.Go(func() error {
			rows, err := s.pool.Query(gctx, q, projectID)
			if err != nil {
				return err
			}
			var kind, value string
			var n int
			_, err = pgx.ForEachRow(rows, []any{&kind, &value, &n}, func() error {
				mu.Lock()
				facet[kind][value] = n
				mu.Unlock()
				return nil
			})
			return err
		})
	}
	return out, classify(g.Wait(), "nlq facets")
}

// AuthoredCandidate is a candidate with who wrote it.
type AuthoredCandidate struct {
	Candidate
	AuthorID    *int64  `json:"author_id"`
	AuthorEmail *string `json:"author_email"`
}

// UserAnnotation is an annotation with its annotator's email.
type UserAnnotation struct {
	Annotation
	Email *string `json:"email"`
}

// ReviewerReview is a review with its reviewer's email.
type ReviewerReview struct {
	Review
	ReviewerEmail *string `json:"reviewer_email"`
}

// ReviewItemWithReviews is a review item with every decision taken on it.
type ReviewItemWithReviews struct {
	ReviewItem
	Reviews []ReviewerReview `json:"reviews" tstype:"HistoryReview[]"`
}

// HistoryEvent is an audit entry about a question or its annotation and review items.
type HistoryEvent struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	Action     string          `json:"action"`
	ActorEmail *string         `json:"actor_email"`
	ObjectType string          `json:"object_type"`
	ObjectID   string          `json:"object_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
}

// NLQHistory is everything that happened to one question, each list oldest first.
type NLQHistory struct {
	NLQ         NLQWithSQL              `json:"nlq"`
	Candidates  []AuthoredCandidate     `json:"candidates" tstype:"HistoryCandidate[]"`
	Annotations []UserAnnotation        `json:"annotations" tstype:"HistoryAnnotation[]"`
	Comparisons []Comparison            `json:"comparisons" tstype:"HistoryComparison[]"`
	ReviewItems []ReviewItemWithReviews `json:"review_items" tstype:"HistoryReviewItem[]"`
	Events      []HistoryEvent          `json:"events" tstype:"HistoryEvent[]"`
}

// History returns a question of the project with its candidates, annotations, comparisons, review
// items with their decisions, and the audit entries about it, in one repeatable-read snapshot.
func (s *Store) NLQHistory(ctx context.Context, projectID, nlqID int64) (NLQHistory, error) {
	var h NLQHistory
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		ns, err := s.listNLQsWith(ctx, tx, `n.project_id = $1 AND n.id = $2`, projectID, nlqID)
		if err != nil {
			return err
		}
		if len(ns) == 0 {
			return &notFoundError{msg: fmt.Sprintf("no question %d in this project", nlqID)}
		}
		h.NLQ = ns[0]
		if h.Candidates, err = historyRows(ctx, tx, `
			SELECT c.id, c.nlq_id, c.source, c.sql, c.original_sql, c.original_dialect, c.translation, c.verification,
				c.result_fingerprint, c.row_count, c.error, c.elapsed_ms, c.agent_run_id, c.pipeline_run_id, c.warnings, c.created_at,
				c.created_by, u.email
			FROM sql_candidates c LEFT JOIN users u ON u.id = c.created_by WHERE c.nlq_id = $1 ORDER BY c.id`,
			func(row pgx.CollectableRow) (AuthoredCandidate, error) {
				var c AuthoredCandidate
				err := row.Scan(&c.ID, &c.NLQID, &c.Source, &c.SQL, &c.OriginalSQL, &c.OriginalDialect, &c.Translation, &c.Verification,
					&c.ResultFingerprint, &c.RowCount, &c.Error, &c.ElapsedMS, &c.AgentRunID, &c.PipelineRunID, &c.Warnings, &c.CreatedAt,
					&c.AuthorID, &c.AuthorEmail)
				return c, err
			}, nlqID); err != nil {
			return err
		}
		if h.Annotations, err = historyRows(ctx, tx, `
			SELECT a.id, a.item_id, a.nlq_id, coalesce(a.user_id, 0), a.candidate_id, a.skipped_reason, a.comment,
				a.guideline_version, a.elapsed_ms, a.created_at, u.email
			FROM annotations a LEFT JOIN users u ON u.id = a.user_id WHERE a.nlq_id = $1 ORDER BY a.id`,
			func(row pgx.CollectableRow) (UserAnnotation, error) {
				var a UserAnnotation
				err := row.Scan(&a.ID, &a.ItemID, &a.NLQID, &a.UserID, &a.CandidateID, &a.SkippedReason, &a.Comment,
					&a.GuidelineVersion, &a.ElapsedMS, &a.CreatedAt, &a.Email)
				return a, err
			}, nlqID); err != nil {
			return err
		}
		if h.Comparisons, err = historyRows(ctx, tx, `
			SELECT id, nlq_id, coalesce(candidate_a, 0), coalesce(candidate_b, 0), match, reason, detail, guideline_version, created_at
			FROM comparisons WHERE nlq_id = $1 ORDER BY id`,
			func(row pgx.CollectableRow) (Comparison, error) {
				var c Comparison
				err := row.Scan(&c.ID, &c.NLQID, &c.CandidateA, &c.CandidateB, &c.Match, &c.Reason, &c.Detail, &c.GuidelineVersion, &c.CreatedAt)
				return c, err
			}, nlqID); err != nil {
			return err
		}
		if h.ReviewItems, err = historyRows(ctx, tx, `
			SELECT id, project_id, nlq_id, reason, status, candidate_a, candidate_b, authors, claimed_by, lease_until, version,
				guideline_version, created_at, resolved_at, snapshot_id
			FROM review_items WHERE nlq_id = $1 ORDER BY id`,
			func(row pgx.CollectableRow) (ReviewItemWithReviews, error) {
				var it ReviewItemWithReviews
				err := row.Scan(&it.ID, &it.ProjectID, &it.NLQID, &it.Reason, &it.Status, &it.CandidateA, &it.CandidateB, &it.Authors,
					&it.ClaimedBy, &it.LeaseUntil, &it.Version, &it.GuidelineVersion, &it.CreatedAt, &it.ResolvedAt, &it.SnapshotID)
				it.Reviews = []ReviewerReview{}
				return it, err
			}, nlqID); err != nil {
			return err
		}
		reviews, err := historyRows(ctx, tx, `
			SELECT r.id, r.review_item_id, coalesce(r.reviewer_id, 0), r.guideline_version, r.created_at, r.decision, r.error_type,
				r.rule_ids, r.comment, coalesce(r.final_sql, ''), coalesce(r.question, ''), u.email, r.candidate_id
			FROM reviews r JOIN review_items ri ON ri.id = r.review_item_id LEFT JOIN users u ON u.id = r.reviewer_id
			WHERE ri.nlq_id = $1 ORDER BY r.id`,
			func(row pgx.CollectableRow) (ReviewerReview, error) {
				var r ReviewerReview
				err := row.Scan(&r.ID, &r.ReviewItemID, &r.ReviewerID, &r.GuidelineVersion, &r.CreatedAt, &r.Decision.Decision, &r.ErrorType,
					&r.RuleIDs, &r.Comment, &r.FinalSQL, &r.Question, &r.ReviewerEmail, &r.CandidateID)
				return r, err
			}, nlqID)
		if err != nil {
			return err
		}
		for _, r := range reviews {
			for i := range h.ReviewItems {
				if h.ReviewItems[i].ID == r.ReviewItemID {
					h.ReviewItems[i].Reviews = append(h.ReviewItems[i].Reviews, r)
				}
			}
		}
		h.Events, err = historyRows(ctx, tx, `
			SELECT l.id, l.at, l.action, u.email, l.object_type, l.object_id, l.before, l.after
			FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
			WHERE l.project_id = $1 AND (
				(l.object_type = 'nlq' AND l.object_id = $2::bigint::text)
				OR (l.object_type = 'annotation_item' AND l.object_id = ANY (ARRAY(SELECT id::text FROM annotation_items WHERE nlq_id = $2::bigint)))
				OR (l.object_type = 'review_item' AND l.object_id = ANY (ARRAY(SELECT id::text FROM review_items WHERE nlq_id = $2::bigint))))
			ORDER BY l.id`,
			func(row pgx.CollectableRow) (HistoryEvent, error) {
				var e HistoryEvent
				err := row.Scan(&e.ID, &e.At, &e.Action, &e.ActorEmail, &e.ObjectType, &e.ObjectID, &e.Before, &e.After)
				return e, err
			}, projectID, nlqID)
		return err
	})
	return h, classify(err, "question history")
}

// historyRows runs one query of a history and collects its rows (never nil, so lists encode as []).
func historyRows[T any](ctx context.Context, tx pgx.Tx, sql string, scan pgx.RowToFunc[T], args ...any) ([]T, error) {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, scan)
	if out == nil {
		out = []T{}
	}
	return out, err
}

// WrittenQuestion is a question a person wrote about a database, with the SQL they wrote for it
// (already run in the sandbox: SQL carries its outcome) or none.
type WrittenQuestion struct {
	ProjectID, DatabaseID, UserID int64
	Question, Stage               string
	SQL                           *Candidate // nil: the question alone, for others to answer
}

// WriteQuestion stores a person's question in one transaction. Their SQL becomes a human candidate
// and counts as the question's first annotation (slot 1, submitted by them), so the agent's answer
// is compared with it when it comes and a disagreement goes to review like any other. The same
// question (letter case and spacing aside) asked twice about one database is refused with a
// conflict naming the first.
func (s *Store) WriteQuestion(ctx context.Context, a Actor, w WrittenQuestion) (NLQ, error) {
	norm := strings.Join(strings.Fields(strings.ToLower(w.Question)), " ")
	key := fmt.Sprintf("written:%d:%x", w.DatabaseID, sha256.Sum256([]byte(norm)))
	origin, _ := json.Marshal(map[string]any{"kind": "written", "author_id": w.UserID})
	n := NLQ{ProjectID: w.ProjectID, DatabaseID: &w.DatabaseID, Question: strings.TrimSpace(w.Question), Stage: w.Stage, Origin: origin, OriginKey: &key}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		inserted, err := InsertNLQ(ctx, tx, a, &n)
		if err != nil {
			return err
		}
		if !inserted {
			var first int64
			if err := tx.QueryRow(ctx, `SELECT id FROM nlqs WHERE project_id = $1 AND origin_key = $2`, w.ProjectID, key).Scan(&first); err != nil {
				return err
			}
			return &ConflictError{Msg: fmt.Sprintf("this question was already asked about this database (question %d)", first)}
		}
		after := map[string]any{"question": n.Question, "database_id": w.DatabaseID, "stage": n.Stage}
		if w.SQL != nil {
			c := *w.SQL
			c.NLQID, c.Source = n.ID, "human"
			if err := InsertCandidate(ctx, tx, a, &c); err != nil {
				return err
			}
			gv, err := GuidelineVersionTx(ctx, tx, w.ProjectID)
			if err != nil {
				return err
			}
			var item int64
			if err := tx.QueryRow(ctx, `INSERT INTO annotation_items (project_id, nlq_id, slot, status, claimed_by, done_at)
				VALUES ($1, $2, 1, 'submitted', $3, now()) RETURNING id`, w.ProjectID, n.ID, w.UserID).Scan(&item); err != nil {
				return err
			}
			an := Annotation{ItemID: item, NLQID: n.ID, UserID: w.UserID, CandidateID: &c.ID, GuidelineVersion: gv}
			if err := insertAnnotation(ctx, tx, &an); err != nil {
				return err
			}
			after["candidate_id"], after["guideline_version"] = c.ID, gv
		}
		return auditTx(ctx, tx, a, "nlq.write", "nlq", n.ID, &w.ProjectID, nil, after)
	})
	return n, classify(err, "write question")
}
