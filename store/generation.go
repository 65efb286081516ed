package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// FailRun ends a queued or running run as failed with reason (its database went away): no item
// starts any more and the workers stop the items in progress within a second, leaving them pending,
// so a resume can finish the run once the cause is fixed. What finished items stored is kept.
func (s *Store) FailRun(ctx context.Context, runID int64, reason string) (bool, error) {
	ctx = context.WithoutCancel(ctx)
	tag, err := s.pool.Exec(ctx, `UPDATE pipeline_runs SET status = 'failed', error = $2, finished_at = now()
		WHERE id = $1 AND status IN ('queued', 'running')`, runID, reason)
	if err != nil {
		return false, classify(err, "fail run")
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	s.AddEvent(ctx, runID, "error", "failed: "+reason)
	return true, nil
}

// QuestionText is a question as the generating pipelines compare with: its text and where it is.
type QuestionText struct {
	ID         int64
	DatabaseID *int64
	Stage      string
	Question   string
}

// QuestionsAfter returns up to limit of a project's questions with an id above afterID, in id order
// (a generating run reads the project once, then only what was added since).
func (s *Store) QuestionsAfter(ctx context.Context, projectID, afterID int64, limit int) ([]QuestionText, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, database_id, stage, question FROM nlqs WHERE project_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, projectID, afterID, limit)
	return collect(rows, err, "questions after", pgx.RowToStructByPos[QuestionText])
}

// Questions returns the questions of a project (of one database and stage, when not 0 or ""), in id
// order: the parents and style references of the augmentation pipelines.
func (s *Store) Questions(ctx context.Context, projectID, databaseID int64, stage string) ([]QuestionText, error) {
	rows, err := s.pool.Query(ctx, `SELECT id, database_id, stage, question FROM nlqs WHERE project_id = $1
		AND database_id IS NOT NULL AND ($2 = 0 OR database_id = $2) AND ($3 = '' OR stage = $3) ORDER BY id`, projectID, databaseID, stage)
	return collect(rows, err, "questions", pgx.RowToStructByPos[QuestionText])
}

// DatabaseSQL returns every SQL candidate written for the questions about a database (what its
// coverage is measured on).
func (s *Store) DatabaseSQL(ctx context.Context, projectID, databaseID int64) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT c.sql FROM sql_candidates c JOIN nlqs n ON n.id = c.nlq_id
		WHERE n.project_id = $1 AND n.database_id = $2 AND c.error IS NULL`, projectID, databaseID)
	return collect(rows, err, "database sql", pgx.RowTo[string])
}

// RunQuestionIDs returns the ids of the questions a generating run made (origin.run_id), in tx.
func RunQuestionIDs(ctx context.Context, tx pgx.Tx, projectID, runID int64) ([]int64, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM nlqs WHERE project_id = $1 AND origin->>'run_id' = $2 ORDER BY id`,
		projectID, strconv.FormatInt(runID, 10))
	if err != nil {
		return nil, classify(err, "run questions")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return ids, classify(err, "run questions")
}

// RunItem is one item of a run with what processing it recorded.
type RunItem struct {
	Key    string          `json:"key"`
	Status string          `json:"status"`
	Detail json.RawMessage `json:"detail"`
}

// RunItems returns a run's items in key order (the table-metadata run's proposals are in them).
func (s *Store) RunItems(ctx context.Context, runID int64, limit int) ([]RunItem, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	rows, err := s.pool.Query(ctx, `SELECT item_key, status, COALESCE(detail, 'null'::jsonb) FROM pipeline_items WHERE run_id = $1
		ORDER BY item_key LIMIT $2`, runID, limit)
	if err != nil {
		return nil, classify(err, fmt.Sprintf("items of run %d", runID))
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[RunItem])
	return out, classify(err, fmt.Sprintf("items of run %d", runID))
}

// AddEventTx appends a log line to a run inside tx.
func AddEventTx(ctx context.Context, tx pgx.Tx, runID int64, level, msg string) error {
	_, err := tx.Exec(ctx, insertEventSQL, runID, level, msg)
	return classify(err, "run event")
}
