package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Run statuses.
const (
	RunQueued    = "queued"
	RunRunning   = "running"
	RunSucceeded = "succeeded"
	RunFailed    = "failed"
	RunCancelled = "cancelled"
)

// PipelineRun is one batch of work with its progress.
type PipelineRun struct {
	ID               int64           `json:"id"`
	ProjectID        int64           `json:"project_id"`
	Kind             string          `json:"kind"`
	Params           json.RawMessage `json:"params"`
	Status           string          `json:"status"`
	Total            int             `json:"total"`
	Done             int             `json:"done"`
	Succeeded        int             `json:"succeeded"`
	Failed           int             `json:"failed"`
	PromptTokens     int64           `json:"prompt_tokens"`
	CompletionTokens int64           `json:"completion_tokens"`
	CostUSD          float64         `json:"cost_usd"`
	Error            string          `json:"error"`
	StartedBy        *int64          `json:"started_by"`
	CreatedAt        time.Time       `json:"created_at"`
	StartedAt        *time.Time      `json:"started_at"`
	FinishedAt       *time.Time      `json:"finished_at"`
	HeartbeatAt      *time.Time      `json:"heartbeat_at"`
}

// Finished reports whether the run has ended (for now: it may be resumed).
func (r PipelineRun) Finished() bool {
	return r.Status == RunSucceeded || r.Status == RunFailed || r.Status == RunCancelled
}

const runColumns = `id, project_id, kind, params, status, total, done, succeeded, failed, prompt_tokens, completion_tokens, cost_usd,
	error, started_by, created_at, started_at, finished_at, heartbeat_at`

func scanRun(row pgx.Row) (PipelineRun, error) {
	var r PipelineRun
	err := row.Scan(&r.ID, &r.ProjectID, &r.Kind, &r.Params, &r.Status, &r.Total, &r.Done, &r.Succeeded, &r.Failed, &r.PromptTokens,
		&r.CompletionTokens, &r.CostUSD, &r.Error, &r.StartedBy, &r.CreatedAt, &r.StartedAt, &r.FinishedAt, &r.HeartbeatAt)
	return r, err
}

// CreatePipelineRun records a run and its items (all pending) in one transaction.
func (s *Store) CreatePipelineRun(ctx context.Context, a Actor, projectID int64, kind string, params any, items []string) (PipelineRun, error) {
	raw, err := json.Marshal(params)
	if err != nil {
		return PipelineRun{}, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return PipelineRun{}, classify(err, "create run")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	r, err := scanRun(tx.QueryRow(ctx, `INSERT INTO pipeline_runs (project_id, kind, params, total, started_by) VALUES ($1,$2,$3,$4,$5)
		RETURNING `+runColumns, projectID, kind, raw, len(items), a.id()))
	if err != nil {
		return PipelineRun{}, classify(err, "create run")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO pipeline_items (run_id, item_key) SELECT $1, unnest($2::text[])`, r.ID, items); err != nil {
		return PipelineRun{}, classify(err, "create run items")
	}
	if err := auditTx(ctx, tx, a, "run.create", "pipeline_run", r.ID, &projectID, nil, map[string]any{"kind": kind, "params": json.RawMessage(raw), "items": len(items)}); err != nil {
		return PipelineRun{}, err
	}
	return r, classify(tx.Commit(ctx), "create run")
}

// PipelineRun returns a run of a project.
func (s *Store) PipelineRun(ctx context.Context, projectID, id int64) (PipelineRun, error) {
	r, err := scanRun(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE project_id = $1 AND id = $2`, projectID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return PipelineRun{}, &notFoundError{msg: fmt.Sprintf("no run %d in this project", id)}
	}
	return r, classify(err, "get run")
}

// ListPipelineRuns returns a project's runs, newest first.
func (s *Store) ListPipelineRuns(ctx context.Context, projectID int64, kind string, limit int) ([]PipelineRun, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE project_id = $1 AND ($2 = '' OR kind = $2)
		ORDER BY id DESC LIMIT $3`, projectID, kind, limit)
	if err != nil {
		return nil, classify(err, "list runs")
	}
	defer rows.Close()
	out := []PipelineRun{}
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, classify(err, "list runs")
		}
		out = append(out, r)
	}
	return out, classify(rows.Err(), "list runs")
}

// StartRun marks a queued (or resumed) run running; false when it is not startable (already running
// elsewhere, or finished).
func (s *Store) StartRun(ctx context.Context, id int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE pipeline_runs SET status = 'running', started_at = COALESCE(started_at, now()), heartbeat_at = now(),
		finished_at = NULL, error = '' WHERE id = $1 AND status = 'queued'`, id)
	return tag.RowsAffected() == 1, classify(err, "start run")
}

// Heartbeat tells that a runner is alive and returns the run's status, so the runner sees a cancel.
func (s *Store) Heartbeat(ctx context.Context, id int64) (string, error) {
	var status string
	err := s.pool.QueryRow(ctx, `UPDATE pipeline_runs SET heartbeat_at = now() WHERE id = $1 RETURNING status`, id).Scan(&status)
	return status, classify(err, "heartbeat")
}

// PendingItems returns the keys of a run's items not yet done, in key order.
func (s *Store) PendingItems(ctx context.Context, runID int64) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT item_key FROM pipeline_items WHERE run_id = $1 AND status = 'pending' ORDER BY item_key`, runID)
	if err != nil {
		return nil, classify(err, "pending items")
	}
	keys, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return keys, classify(err, "pending items")
}

// ItemOutcome is what processing one item gave.
type ItemOutcome struct {
	Key              string
	OK               bool
	Detail           any
	PromptTokens     int
	CompletionTokens int
	CostUSD          float64
}

// CompleteItem records an item's outcome and adds it to the run's counters, once: an item already
// completed (by a runner that was thought dead) is left as it was and false is returned.
// extra runs in the same transaction (to store the item's result with its completion).
func (s *Store) CompleteItem(ctx context.Context, runID int64, o ItemOutcome, extra func(tx pgx.Tx) error) (bool, error) {
	detail, err := json.Marshal(o.Detail)
	if err != nil {
		return false, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, classify(err, "complete item")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	status := "done"
	if !o.OK {
		status = "failed"
	}
	tag, err := tx.Exec(ctx, `UPDATE pipeline_items SET status = $3, detail = $4, updated_at = now()
		WHERE run_id = $1 AND item_key = $2 AND status = 'pending'`, runID, o.Key, status, detail)
	if err != nil {
		return false, classify(err, "complete item")
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	ok, failed := 0, 0
	if o.OK {
		ok = 1
	} else {
		failed = 1
	}
	if _, err := tx.Exec(ctx, `UPDATE pipeline_runs SET done = done + 1, succeeded = succeeded + $2, failed = failed + $3,
		prompt_tokens = prompt_tokens + $4, completion_tokens = completion_tokens + $5, cost_usd = cost_usd + $6, heartbeat_at = now()
		WHERE id = $1`, runID, ok, failed, o.PromptTokens, o.CompletionTokens, o.CostUSD); err != nil {
		return false, classify(err, "complete item")
	}
	if extra != nil {
		if err := extra(tx); err != nil {
			return false, err
		}
	}
	return true, classify(tx.Commit(ctx), "complete item")
}

// FinishRun ends a run (unless it was cancelled meanwhile, which stays cancelled).
func (s *Store) FinishRun(ctx context.Context, id int64, status, errText string) error {
	_, err := s.pool.Exec(context.WithoutCancel(ctx), `UPDATE pipeline_runs SET status = CASE WHEN status = 'cancelled' THEN status ELSE $2 END,
		error = $3, finished_at = now() WHERE id = $1`, id, status, errText)
	return classify(err, "finish run")
}

// CancelRun asks a queued or running run to stop; its runner sees it at its next item.
func (s *Store) CancelRun(ctx context.Context, a Actor, projectID, id int64) (PipelineRun, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE pipeline_runs SET status = 'cancelled', finished_at = now()
		WHERE project_id = $1 AND id = $2 AND status IN ('queued', 'running')`, projectID, id)
	if err != nil {
		return PipelineRun{}, classify(err, "cancel run")
	}
	r, err := s.PipelineRun(ctx, projectID, id)
	if err != nil {
		return r, err
	}
	if tag.RowsAffected() == 0 {
		return r, &ConflictError{Msg: fmt.Sprintf("run %d is %s; only a queued or running run can be cancelled", id, r.Status)}
	}
	s.AddEvent(ctx, id, "info", fmt.Sprintf("cancel requested by user %d", a.UserID))
	return r, nil
}

// ResumeRun queues a finished run again; with retryFailed its failed items are retried too.
func (s *Store) ResumeRun(ctx context.Context, a Actor, projectID, id int64, retryFailed bool) (PipelineRun, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return PipelineRun{}, classify(err, "resume run")
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	r, err := scanRun(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE project_id = $1 AND id = $2 FOR UPDATE`, projectID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return PipelineRun{}, &notFoundError{msg: fmt.Sprintf("no run %d in this project", id)}
	}
	if err != nil {
		return PipelineRun{}, classify(err, "resume run")
	}
	if !r.Finished() {
		return r, &ConflictError{Msg: fmt.Sprintf("run %d is %s; only a finished run can be resumed", id, r.Status)}
	}
	if retryFailed {
		tag, err := tx.Exec(ctx, `UPDATE pipeline_items SET status = 'pending', updated_at = now() WHERE run_id = $1 AND status = 'failed'`, id)
		if err != nil {
			return PipelineRun{}, classify(err, "resume run")
		}
		n := int(tag.RowsAffected())
		if _, err := tx.Exec(ctx, `UPDATE pipeline_runs SET done = done - $2, failed = failed - $2 WHERE id = $1`, id, n); err != nil {
			return PipelineRun{}, classify(err, "resume run")
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE pipeline_runs SET status = 'queued', finished_at = NULL WHERE id = $1`, id); err != nil {
		return PipelineRun{}, classify(err, "resume run")
	}
	if err := auditTx(ctx, tx, a, "run.resume", "pipeline_run", id, &projectID, map[string]any{"status": r.Status}, map[string]any{"status": RunQueued, "retry_failed": retryFailed}); err != nil {
		return PipelineRun{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return PipelineRun{}, classify(err, "resume run")
	}
	return s.PipelineRun(ctx, projectID, id)
}

// OrphanedRuns returns runs marked running whose runner has not been heard from for longer than
// stale (the process died): they are queued again so a runner resumes them.
func (s *Store) OrphanedRuns(ctx context.Context, stale time.Duration) ([]PipelineRun, error) {
	rows, err := s.pool.Query(ctx, `UPDATE pipeline_runs SET status = 'queued'
		WHERE (status = 'running' AND heartbeat_at < now() - $1::interval) RETURNING `+runColumns, fmt.Sprintf("%d milliseconds", stale.Milliseconds()))
	if err != nil {
		return nil, classify(err, "orphaned runs")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PipelineRun, error) { return scanRun(r) })
	return out, classify(err, "orphaned runs")
}

// QueuedRuns returns runs waiting for a runner, oldest first.
func (s *Store) QueuedRuns(ctx context.Context) ([]PipelineRun, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE status = 'queued' ORDER BY id`)
	if err != nil {
		return nil, classify(err, "queued runs")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (PipelineRun, error) { return scanRun(r) })
	return out, classify(err, "queued runs")
}

// RunEvent is a log line of a run.
type RunEvent struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Level   string    `json:"level"`
	Message string    `json:"message"`
}

// AddEvent appends a log line to a run (best effort: a lost log line must not fail the work).
func (s *Store) AddEvent(ctx context.Context, runID int64, level, msg string) {
	s.pool.Exec(context.WithoutCancel(ctx), `INSERT INTO pipeline_events (run_id, level, message) VALUES ($1,$2,$3)`, runID, level, msg)
}

// Events returns a run's log lines after id afterID.
func (s *Store) Events(ctx context.Context, runID, afterID int64, limit int) ([]RunEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := s.pool.Query(ctx, `SELECT id, at, level, message FROM pipeline_events WHERE run_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
		runID, afterID, limit)
	if err != nil {
		return nil, classify(err, "run events")
	}
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[RunEvent])
	if out == nil {
		out = []RunEvent{}
	}
	return out, classify(err, "run events")
}

// Requeue puts a run that was interrupted by a stopping process back in the queue.
func (s *Store) Requeue(ctx context.Context, id int64) error {
	_, err := s.pool.Exec(ctx, `UPDATE pipeline_runs SET status = 'queued' WHERE id = $1 AND status = 'running'`, id)
	return classify(err, "requeue run")
}
