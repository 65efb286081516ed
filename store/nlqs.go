package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// NLQ statuses.
const (
	NLQNew         = "new"
	NLQNeedsReview = "needs_review"
)

// NLQ is a natural-language question about a target database.
type NLQ struct {
	ID           int64           `json:"id"`
	ProjectID    int64           `json:"project_id"`
	DatabaseID   *int64          `json:"database_id"`
	Question     string          `json:"question"`
	Stage        string          `json:"stage"`
	Status       string          `json:"status" tstype:"NlqStatus"`
	Origin       json.RawMessage `json:"origin" tstype:"Record<string, unknown> | null"`
	OriginKey    *string         `json:"origin_key"`
	ParentID     *int64          `json:"parent_id"`
	TargetValues []string        `json:"target_values"`
	// Evidence is external knowledge the question needs (BIRD's evidence); Difficulty is its
	// benchmark's label (BIRD: simple, moderate, challenging). "" when none.
	Evidence   string    `json:"evidence"`
	Difficulty string    `json:"difficulty,omitempty"`
	GoldID     *int64    `json:"gold_candidate_id"`
	CreatedAt  time.Time `json:"created_at"`
}

// Candidate is SQL written for an NLQ and what running it gave.
type Candidate struct {
	ID                int64           `json:"id"`
	NLQID             int64           `json:"nlq_id"`
	Source            string          `json:"source"`
	SQL               string          `json:"sql"`
	OriginalSQL       *string         `json:"original_sql"`
	OriginalDialect   *string         `json:"original_dialect"`
	Translation       json.RawMessage `json:"translation" tstype:"{ changes?: string[] | null } | null"`
	Verification      json.RawMessage `json:"verification" tstype:"{ match: boolean; reason: string; sqlite?: ResultPreview; postgres?: ResultPreview } | null"`
	ResultFingerprint *string         `json:"result_fingerprint"`
	RowCount          *int            `json:"row_count"`
	Error             *string         `json:"error"`
	ElapsedMS         *float64        `json:"elapsed_ms"`
	AgentRunID        *int64          `json:"agent_run_id"`
	PipelineRunID     *int64          `json:"pipeline_run_id"`
	Warnings          json.RawMessage `json:"warnings" tstype:"RuleWarning[] | null"`
	CreatedAt         time.Time       `json:"created_at"`
}

// InsertNLQ adds a question inside tx. With an OriginKey already present in the project it adds
// nothing and returns inserted=false: importing the same file twice is harmless.
func InsertNLQ(ctx context.Context, tx pgx.Tx, a Actor, n *NLQ) (inserted bool, err error) {
	if n.Origin == nil {
		n.Origin = json.RawMessage("{}")
	}
	if n.Stage == "" {
		n.Stage = "human-seed"
	}
	if n.Status == "" {
		n.Status = NLQNew
	}
	err = tx.QueryRow(ctx, `INSERT INTO nlqs (project_id, database_id, question, stage, status, origin, origin_key, parent_id, target_values, created_by,
			evidence, difficulty)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
		ON CONFLICT (project_id, origin_key) WHERE origin_key IS NOT NULL DO NOTHING
		RETURNING id, created_at`,
		n.ProjectID, n.DatabaseID, n.Question, n.Stage, n.Status, n.Origin, n.OriginKey, n.ParentID, n.TargetValues, a.id(), n.Evidence, n.Difficulty).
		Scan(&n.ID, &n.CreatedAt)
	return found(err, "insert nlq")
}

// InsertCandidate adds SQL for an NLQ inside tx. A batch adds at most one candidate per question:
// a second one from the same pipeline run (a resumed item) is ignored and inserted is false.
func InsertCandidate(ctx context.Context, tx pgx.Tx, a Actor, c *Candidate) error {
	_, err := insertCandidate(ctx, tx, a, c)
	return err
}

// InsertCandidateOnce is InsertCandidate that reports whether the candidate was new.
func InsertCandidateOnce(ctx context.Context, tx pgx.Tx, a Actor, c *Candidate) (bool, error) {
	return insertCandidate(ctx, tx, a, c)
}

func insertCandidate(ctx context.Context, tx pgx.Tx, a Actor, c *Candidate) (bool, error) {
	err := tx.QueryRow(ctx, `INSERT INTO sql_candidates (nlq_id, source, sql, original_sql, original_dialect, translation, verification,
			result_fingerprint, row_count, error, elapsed_ms, agent_run_id, pipeline_run_id, warnings, created_by)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)
		ON CONFLICT (pipeline_run_id, nlq_id) WHERE pipeline_run_id IS NOT NULL DO NOTHING
		RETURNING id, created_at`,
		c.NLQID, c.Source, c.SQL, c.OriginalSQL, c.OriginalDialect, nullJSON(c.Translation), nullJSON(c.Verification),
		c.ResultFingerprint, c.RowCount, c.Error, c.ElapsedMS, c.AgentRunID, c.PipelineRunID, nullJSON(c.Warnings), a.id()).Scan(&c.ID, &c.CreatedAt)
	return found(err, "insert sql candidate")
}

// AgentCandidates returns the SQL the agent wrote in a batch, by question.
func (s *Store) AgentCandidates(ctx context.Context, pipelineRunID int64) (map[int64]Candidate, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, nlq_id, sql, result_fingerprint, row_count, error, agent_run_id FROM sql_candidates
		WHERE pipeline_run_id = $1`, pipelineRunID)
	if err != nil {
		return nil, classify(err, "agent candidates")
	}
	defer rows.Close()
	out := map[int64]Candidate{}
	for rows.Next() {
		var c Candidate
		if err := rows.Scan(&c.ID, &c.NLQID, &c.SQL, &c.ResultFingerprint, &c.RowCount, &c.Error, &c.AgentRunID); err != nil {
			return nil, classify(err, "agent candidates")
		}
		c.Source = "agent"
		out[c.NLQID] = c
	}
	return out, classify(rows.Err(), "agent candidates")
}

// NLQQuery filters the question list.
type NLQQuery struct {
	ProjectID  int64
	DatabaseID int64  // 0: any
	Status     string // "": any
	Stage      string // "": any
	Origin     string // the origin's kind ("spider", "wtq", …); "": any
	ErrorType  string // questions a reviewer decided with this error type; "": any
	Text       string // a case-insensitive substring of the question; "": any
	Before     int64  // paging: ids below this
	Limit      int    // default 100, at most 500
}

// NLQWithSQL is a question with its first imported SQL candidate, for lists.
type NLQWithSQL struct {
	NLQ
	DatabaseName *string    `json:"database_name"`
	Candidate    *Candidate `json:"candidate"`
	// AnswersHidden: the reader may not see this question's SQL yet (blind annotation); Candidate
	// is withheld.
	AnswersHidden bool `json:"answers_hidden,omitempty"`
}

// QuestionsAnsweredBy lists the questions of the project that user wrote or annotated (submitted
// or skipped): the ones whose SQL a blind annotator may read.
func (s *Store) QuestionsAnsweredBy(ctx context.Context, projectID, userID int64) (map[int64]bool, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM nlqs WHERE project_id = $1 AND created_by = $2
		UNION SELECT a.nlq_id FROM annotations a JOIN nlqs n ON n.id = a.nlq_id WHERE n.project_id = $1 AND a.user_id = $2`, projectID, userID)
	if err != nil {
		return nil, classify(err, "questions answered")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, classify(err, "questions answered")
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// ListNLQs returns questions newest first with their imported SQL.
func (s *Store) ListNLQs(ctx context.Context, q NLQQuery) ([]NLQWithSQL, error) {
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	return s.listNLQs(ctx, `n.project_id = $1 AND ($2 = 0 OR n.database_id = $2) AND ($3 = '' OR n.status = $3)
			AND ($4 = '' OR n.stage = $4) AND ($5 = 0 OR n.id < $5)
			AND ($7 = '' OR n.origin->>'kind' = $7)
			AND ($8 = '' OR EXISTS (SELECT 1 FROM review_items ri JOIN reviews r ON r.review_item_id = ri.id
				WHERE ri.nlq_id = n.id AND r.error_type = $8))
			AND ($9 = '' OR strpos(lower(n.question), lower($9)) > 0)
		ORDER BY n.id DESC LIMIT $6`, q.ProjectID, q.DatabaseID, q.Status, q.Stage, q.Before, q.Limit, q.Origin, q.ErrorType, q.Text)
}

// listNLQs selects questions (with their database name and first candidate) by a WHERE clause.
func (s *Store) listNLQs(ctx context.Context, where string, args ...any) ([]NLQWithSQL, error) {
	return s.listNLQsWith(ctx, s.pool, where, args...)
}

// listNLQsWith is listNLQs on a pool or inside a transaction.
func (s *Store) listNLQsWith(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, where string, args ...any) ([]NLQWithSQL, error) {
	rows, err := q.Query(ctx, `
		SELECT n.id, n.project_id, n.database_id, n.question, n.stage, n.status, n.origin, n.origin_key, n.parent_id,
			n.target_values, n.evidence, n.difficulty, n.gold_candidate_id, n.created_at, d.name,
			c.id, c.source, c.sql, c.original_sql, c.original_dialect, c.translation, c.verification, c.result_fingerprint,
			c.row_count, c.error, c.elapsed_ms, c.created_at
		FROM nlqs n
		LEFT JOIN databases d ON d.id = n.database_id
		LEFT JOIN LATERAL (SELECT * FROM sql_candidates c WHERE c.nlq_id = n.id ORDER BY c.id LIMIT 1) c ON true
		WHERE `+where, args...)
	if err != nil {
		return nil, classify(err, "list nlqs")
	}
	defer rows.Close()
	out := []NLQWithSQL{}
	for rows.Next() {
		var n NLQWithSQL
		var c Candidate
		var cid *int64
		var csrc, csql *string
		var cat *time.Time
		if err := rows.Scan(&n.ID, &n.ProjectID, &n.DatabaseID, &n.Question, &n.Stage, &n.Status, &n.Origin, &n.OriginKey, &n.ParentID,
			&n.TargetValues, &n.Evidence, &n.Difficulty, &n.GoldID, &n.CreatedAt, &n.DatabaseName,
			&cid, &csrc, &csql, &c.OriginalSQL, &c.OriginalDialect, &c.Translation, &c.Verification, &c.ResultFingerprint,
			&c.RowCount, &c.Error, &c.ElapsedMS, &cat); err != nil {
			return nil, classify(err, "list nlqs")
		}
		if cid != nil {
			c.ID, c.NLQID, c.Source, c.SQL, c.CreatedAt = *cid, n.ID, *csrc, *csql, *cat
			n.Candidate = &c
		}
		out = append(out, n)
	}
	return out, classify(rows.Err(), "list nlqs")
}

// TranslationReport summarises how imported SQLite gold SQL fared when translated to PostgreSQL.
type TranslationReport struct {
	DatabaseID   int64   `json:"database_id"`
	DatabaseName string  `json:"database_name"`
	Total        int     `json:"total"`
	Matched      int     `json:"matched"`
	Mismatched   int     `json:"mismatched"`
	MatchRate    float64 `json:"match_rate"`
}

// TranslationReports returns one row per database of the project that has translated gold SQL.
func (s *Store) TranslationReports(ctx context.Context, projectID int64) ([]TranslationReport, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT d.id, d.name, count(*),
			count(*) FILTER (WHERE (c.verification->>'match')::boolean),
			count(*) FILTER (WHERE NOT (c.verification->>'match')::boolean)
		FROM sql_candidates c JOIN nlqs n ON n.id = c.nlq_id JOIN databases d ON d.id = n.database_id
		WHERE n.project_id = $1 AND c.source = 'import' AND c.verification IS NOT NULL
		GROUP BY d.id, d.name ORDER BY lower(d.name)`, projectID)
	return collect(rows, err, "translation report", func(row pgx.CollectableRow) (TranslationReport, error) {
		var r TranslationReport
		if err := row.Scan(&r.DatabaseID, &r.DatabaseName, &r.Total, &r.Matched, &r.Mismatched); err != nil {
			return r, err
		}
		if r.Total > 0 {
			r.MatchRate = float64(r.Matched) / float64(r.Total)
		}
		return r, nil
	})
}

// HistoryEntry is one query a person ran in the SQL runner.
type HistoryEntry struct {
	ID         int64     `json:"id"`
	DatabaseID int64     `json:"database_id"`
	SQL        string    `json:"sql"`
	RowCount   *int      `json:"row_count"`
	Error      *string   `json:"error"`
	ElapsedMS  float64   `json:"elapsed_ms"`
	CreatedAt  time.Time `json:"created_at"`
}

// AddHistory records a query run by userID.
func (s *Store) AddHistory(ctx context.Context, userID int64, h *HistoryEntry) error {
	err := s.pool.QueryRow(ctx, `INSERT INTO sql_history (user_id, database_id, sql, row_count, error, elapsed_ms)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id, created_at`, userID, h.DatabaseID, h.SQL, h.RowCount, h.Error, h.ElapsedMS).
		Scan(&h.ID, &h.CreatedAt)
	return classify(err, "add history")
}

// History returns a user's recent queries on a database, newest first.
func (s *Store) History(ctx context.Context, userID, databaseID int64, limit int) ([]HistoryEntry, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, `SELECT id, database_id, sql, row_count, error, elapsed_ms, created_at FROM sql_history
		WHERE user_id = $1 AND database_id = $2 ORDER BY id DESC LIMIT $3`, userID, databaseID, limit)
	return collect(rows, err, "history", func(row pgx.CollectableRow) (HistoryEntry, error) {
		var h HistoryEntry
		err := row.Scan(&h.ID, &h.DatabaseID, &h.SQL, &h.RowCount, &h.Error, &h.ElapsedMS, &h.CreatedAt)
		return h, err
	})
}

// NLQ returns one question of a project with its first SQL candidate.
func (s *Store) NLQ(ctx context.Context, projectID, id int64) (NLQWithSQL, error) {
	ns, err := s.listNLQs(ctx, `n.project_id = $1 AND n.id = $2`, projectID, id)
	if err != nil {
		return NLQWithSQL{}, err
	}
	if len(ns) == 0 {
		return NLQWithSQL{}, &notFoundError{msg: fmt.Sprintf("no question %d in this project", id)}
	}
	return ns[0], nil
}

// NLQIDs returns the ids of the questions a batch selects, oldest first.
func (s *Store) NLQIDs(ctx context.Context, q NLQQuery) ([]int64, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 1 << 30
	}
	rows, err := s.pool.Query(ctx, `SELECT id FROM nlqs WHERE project_id = $1 AND database_id IS NOT NULL AND ($2 = 0 OR database_id = $2)
		AND ($3 = '' OR status = $3) AND ($4 = '' OR stage = $4) ORDER BY id LIMIT $5`, q.ProjectID, q.DatabaseID, q.Status, q.Stage, limit)
	if err != nil {
		return nil, classify(err, "select nlqs")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, classify(err, "select nlqs")
}
