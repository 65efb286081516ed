package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	Kind      string `json:"kind"`
	// Number counts the project's runs of this kind (1, 2, …): what people call a run.
	Number           int             `json:"number"`
	Params           json.RawMessage `json:"params" tstype:"RunParams | null"`
	Status           string          `json:"status" tstype:"PipelineRunStatus"`
	Total            int             `json:"total"`
	Done             int             `json:"done"`
	Succeeded        int             `json:"succeeded"`
	Failed           int             `json:"failed"`
	Kept             int             `json:"kept"`
	Dropped          map[string]int  `json:"dropped"`
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

// MarshalJSON adds the run's outcome in words (see Outcome) to its fields.
func (r PipelineRun) MarshalJSON() ([]byte, error) { return json.Marshal(r.JSONShape()) }

// plainRun is PipelineRun without its MarshalJSON.
type plainRun PipelineRun

// runJSON is a run as the API sends it.
type runJSON struct {
	plainRun
	Outcome RunOutcome `json:"outcome"`
}

// JSONShape is what MarshalJSON renders: the run's fields and its outcome.
func (r PipelineRun) JSONShape() any { return runJSON{plainRun(r), r.Outcome()} }

// Finished reports whether the run has ended (for now: it may be resumed).
func (r PipelineRun) Finished() bool {
	return r.Status == RunSucceeded || r.Status == RunFailed || r.Status == RunCancelled
}

const runColumns = `id, project_id, kind, number, params, status, total, done, succeeded, failed, kept, dropped, prompt_tokens, completion_tokens,
	cost_usd, error, started_by, created_at, started_at, finished_at, heartbeat_at`

// runFields are the scan targets of runColumns.
func runFields(r *PipelineRun) []any {
	return []any{&r.ID, &r.ProjectID, &r.Kind, &r.Number, &r.Params, &r.Status, &r.Total, &r.Done, &r.Succeeded, &r.Failed, &r.Kept, &r.Dropped,
		&r.PromptTokens, &r.CompletionTokens, &r.CostUSD, &r.Error, &r.StartedBy, &r.CreatedAt, &r.StartedAt, &r.FinishedAt, &r.HeartbeatAt}
}

// prefixed qualifies each of a column list's columns with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, c := range parts {
		parts[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// CreatePipelineRun records a run and its items (all pending) in one transaction.
func (s *Store) CreatePipelineRun(ctx context.Context, a Actor, projectID int64, kind string, params any, items []string) (PipelineRun, error) {
	raw, err := json.Marshal(params)
	if err != nil {
		return PipelineRun{}, err
	}
	var r PipelineRun
	if err := s.withTx(ctx, "create run", func(tx pgx.Tx) (err error) {
		r, err = CreatePipelineRunTx(ctx, tx, a, projectID, kind, raw, items)
		return err
	}); err != nil {
		return PipelineRun{}, err
	}
	return r, nil
}

// CreatePipelineRunTx records a run and its items inside tx (a run that queues another at its end);
// params is the run's parameters as JSON.
func CreatePipelineRunTx(ctx context.Context, tx pgx.Tx, a Actor, projectID int64, kind string, raw json.RawMessage, items []string) (PipelineRun, error) {
	r, err := scanRow(tx.QueryRow(ctx, `WITH n AS (
			INSERT INTO run_numbers (project_id, kind, last) VALUES ($1, $2, 1)
			ON CONFLICT (project_id, kind) DO UPDATE SET last = run_numbers.last + 1 RETURNING last)
		INSERT INTO pipeline_runs (project_id, kind, number, params, total, started_by) SELECT $1, $2, n.last, $3, $4, $5 FROM n
		RETURNING `+runColumns, projectID, kind, raw, len(items), a.id()), runFields)
	if err != nil {
		return PipelineRun{}, classify(err, "create run")
	}
	if _, err := tx.Exec(ctx, `INSERT INTO pipeline_items (run_id, item_key) SELECT $1, unnest($2::text[])`, r.ID, items); err != nil {
		return PipelineRun{}, classify(err, "create run items")
	}
	if err := auditTx(ctx, tx, a, "run.create", "pipeline_run", r.ID, &projectID, nil, map[string]any{"kind": kind, "params": json.RawMessage(raw), "items": len(items)}); err != nil {
		return PipelineRun{}, err
	}
	if len(items) == 0 { // nothing to do: done already
		if _, err := finishIfDone(ctx, tx, r.ID); err != nil {
			return PipelineRun{}, err
		}
		if r, err = scanRow(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE id = $1`, r.ID), runFields); err != nil {
			return PipelineRun{}, classify(err, "create run")
		}
	}
	return r, nil
}

// PipelineRun returns a run of a project.
func (s *Store) PipelineRun(ctx context.Context, projectID, id int64) (PipelineRun, error) {
	r, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE project_id = $1 AND id = $2`, projectID, id), runFields)
	return r, classifyRow(err, "get run", "no run %d in this project", id)
}

// PipelineRunByID returns a run whatever its project (for workers).
func (s *Store) PipelineRunByID(ctx context.Context, id int64) (PipelineRun, error) {
	r, err := scanRow(s.pool.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE id = $1`, id), runFields)
	return r, classifyRow(err, "get run", "no run %d", id)
}

// ListPipelineRuns returns a project's runs, newest first.
func (s *Store) ListPipelineRuns(ctx context.Context, projectID int64, kind string, limit int) ([]PipelineRun, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	return queryAll(ctx, s.pool, "list runs", runFields, `SELECT `+runColumns+` FROM pipeline_runs WHERE project_id = $1
		AND ($2 = '' OR kind = $2) ORDER BY id DESC LIMIT $3`, projectID, kind, limit)
}

// ItemOutcome is what processing one item gave.
type ItemOutcome struct {
	Key              string
	OK               bool
	Detail           any
	Kept             int            // outputs kept (generating pipelines)
	Dropped          map[string]int // outputs dropped, by reason
	PromptTokens     int
	CompletionTokens int
	CostUSD          float64
}

// ClaimItem starts job jobID of worker process worker on an item, as the holder of generation gen:
// it returns the run and how many times a worker started the item (this time included), or ok false
// when the item is not that job's to do: it is finished, it was taken back and handed to another job
// (the worker that had it died), or its run is no longer queued or running. The first claim of a run
// marks it running.
func (s *Store) ClaimItem(ctx context.Context, runID int64, key string, gen int, jobID int64, worker int32) (run PipelineRun, attempts int, ok bool, err error) {
	// One statement: it runs once per item, and the run's fields are read as they were before it.
	row := s.pool.QueryRow(ctx, `WITH item AS (
			UPDATE pipeline_items i SET worker_id = $5, job_id = $4, attempts = i.attempts + 1, updated_at = now()
			FROM pipeline_runs r
			WHERE i.run_id = $1 AND i.item_key = $2 AND i.status = 'pending' AND i.queued AND i.gen = $3
				AND r.id = i.run_id AND r.status IN ('queued', 'running')
			RETURNING i.attempts),
		started AS (
			UPDATE pipeline_runs SET status = 'running', started_at = COALESCE(started_at, now())
			WHERE id = $1 AND status = 'queued' AND EXISTS (SELECT 1 FROM item) RETURNING id),
		logged AS (
			INSERT INTO pipeline_events (run_id, level, message, at) SELECT id, 'info', 'started', clock_timestamp() FROM started)
		SELECT item.attempts, `+runColumns+` FROM item, pipeline_runs WHERE pipeline_runs.id = $1`, runID, key, gen, jobID, worker)
	err = row.Scan(append([]any{&attempts}, runFields(&run)...)...)
	if ok, err = found(err, "claim item"); !ok {
		return run, 0, false, err
	}
	return run, attempts, true, nil
}

// UnclaimItem says that job jobID no longer processes an item (River will retry the job, on any
// worker); a newer claim of the item is left alone.
func (s *Store) UnclaimItem(ctx context.Context, runID int64, key string, jobID int64) error {
	_, err := s.pool.Exec(context.WithoutCancel(ctx), `UPDATE pipeline_items SET worker_id = NULL
		WHERE run_id = $1 AND item_key = $2 AND job_id = $3`, runID, key, jobID)
	return classify(err, "unclaim item")
}

// CompleteItem records an item's outcome and adds it to the run's counters, once: an item already
// finished (by a worker that was thought dead) is left as it was and false is returned. In the same
// transaction, save stores the item's result and next hands out the run's next item; next learns
// whether the item held one of the run's slots (it was queued), which it may pass on. Either may be
// nil. The last item to finish finishes the run: succeeded, or failed when no item succeeded.
func (s *Store) CompleteItem(ctx context.Context, runID int64, o ItemOutcome, save func(tx pgx.Tx) error, next func(tx pgx.Tx, heldSlot bool) error) (bool, error) {
	return s.CompleteItemFinishing(ctx, runID, o, save, next, nil)
}

// CompleteItemFinishing is CompleteItem that, when this item finishes the run, calls finished in
// the same transaction with the run as it ended: what finished does (queue the next run of a chain)
// happens exactly once, with the run's end.
func (s *Store) CompleteItemFinishing(ctx context.Context, runID int64, o ItemOutcome, save func(tx pgx.Tx) error,
	next func(tx pgx.Tx, heldSlot bool) error, finished func(tx pgx.Tx, run PipelineRun) error) (bool, error) {
	detail, err := json.Marshal(o.Detail)
	if err != nil {
		return false, err
	}
	if o.Dropped == nil {
		o.Dropped = map[string]int{}
	}
	dropped, err := json.Marshal(o.Dropped)
	if err != nil {
		return false, err
	}
	var recorded bool
	err = s.withTx(ctx, "complete item", func(tx pgx.Tx) error {
		status := "done"
		if !o.OK {
			status = "failed"
		}
		var heldSlot bool
		err := tx.QueryRow(ctx, `UPDATE pipeline_items i SET status = $3, detail = $4, queued = false, worker_id = NULL, updated_at = now()
			FROM pipeline_items old WHERE old.run_id = i.run_id AND old.item_key = i.item_key
				AND i.run_id = $1 AND i.item_key = $2 AND i.status = 'pending'
			RETURNING old.queued`, runID, o.Key, status, detail).Scan(&heldSlot)
		if ok, err := found(err, "complete item"); !ok {
			return err // no row: the item was finished already
		}
		if save != nil {
			if err := save(tx); err != nil {
				return err
			}
		}
		if next != nil {
			if err := next(tx, heldSlot); err != nil {
				return err
			}
		}
		// The run's row last: every item of the run finishes through it, so it is locked for as short a
		// time as can be.
		ok, failed := 0, 0
		if o.OK {
			ok = 1
		} else {
			failed = 1
		}
		var done, total int
		if err := tx.QueryRow(ctx, `UPDATE pipeline_runs SET done = done + 1, succeeded = succeeded + $2, failed = failed + $3,
			prompt_tokens = prompt_tokens + $4, completion_tokens = completion_tokens + $5, cost_usd = cost_usd + $6, heartbeat_at = now(),
			kept = kept + $7, dropped = `+addCounts("dropped", "$8")+`
			WHERE id = $1 RETURNING done, total`, runID, ok, failed, o.PromptTokens, o.CompletionTokens, o.CostUSD, o.Kept, dropped).Scan(&done, &total); err != nil {
			return classify(err, "complete item")
		}
		if done >= total {
			ended, err := finishIfDone(ctx, tx, runID)
			if err != nil {
				return err
			}
			if ended && finished != nil {
				run, err := scanRow(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE id = $1`, runID), runFields)
				if err != nil {
					return classify(err, "complete item")
				}
				if err := finished(tx, run); err != nil {
					return err
				}
			}
		}
		recorded = true
		return nil
	})
	return recorded, err
}

// addCounts is the SQL that adds the counts of a jsonb object (a parameter) to those of a jsonb column.
func addCounts(column, param string) string {
	return `COALESCE((SELECT jsonb_object_agg(k, n) FROM (SELECT k, sum(v::bigint) AS n FROM (
		SELECT * FROM jsonb_each_text(` + column + `) UNION ALL SELECT * FROM jsonb_each_text(` + param + `::jsonb)) AS c(k, v)
		GROUP BY k) AS t), '{}')`
}

// finishIfDone ends a queued or running run none of whose items is pending any more, and reports
// whether it did.
func finishIfDone(ctx context.Context, tx pgx.Tx, runID int64) (bool, error) {
	var status, errText string
	err := tx.QueryRow(ctx, `UPDATE pipeline_runs r SET finished_at = now(),
			status = CASE WHEN succeeded = 0 AND failed > 0 THEN 'failed' ELSE 'succeeded' END,
			error = CASE WHEN succeeded = 0 AND failed > 0 THEN 'no item succeeded; the first failed with: ' || COALESCE((SELECT detail->>'error'
				FROM pipeline_items WHERE run_id = r.id AND status = 'failed' ORDER BY item_key LIMIT 1), 'no reason recorded') ELSE '' END
		WHERE id = $1 AND status IN ('queued', 'running')
			AND NOT EXISTS (SELECT 1 FROM pipeline_items WHERE run_id = $1 AND status = 'pending')
		RETURNING status, error`, runID).Scan(&status, &errText)
	if ok, err := found(err, "finish run"); !ok {
		return false, err
	}
	msg := "finished"
	if status == RunFailed {
		msg = "failed: " + errText
	}
	_, err = tx.Exec(ctx, insertEventSQL, runID, map[bool]string{true: "error", false: "info"}[status == RunFailed], msg)
	return err == nil, classify(err, "finish run")
}

// CancelRun asks a queued or running run to stop: no item starts any more, and the workers stop the
// items in progress within a second, leaving them pending for a resume.
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

// ResumeRun queues a finished run again; with retryFailed its failed items are retried too. Its
// pending items are handed to new jobs (Runner), whatever jobs they had before.
func (s *Store) ResumeRun(ctx context.Context, a Actor, projectID, id int64, retryFailed bool) (PipelineRun, error) {
	var r PipelineRun
	if err := s.withTx(ctx, "resume run", func(tx pgx.Tx) error {
		var err error
		r, err = scanRow(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE project_id = $1 AND id = $2 FOR UPDATE`, projectID, id), runFields)
		if err != nil {
			return classifyRow(err, "resume run", "no run %d in this project", id)
		}
		if !r.Finished() {
			return &ConflictError{Msg: fmt.Sprintf("run %d is %s; only a finished run can be resumed", id, r.Status)}
		}
		if retryFailed {
			tag, err := tx.Exec(ctx, `UPDATE pipeline_items SET status = 'pending', updated_at = now() WHERE run_id = $1 AND status = 'failed'`, id)
			if err != nil {
				return classify(err, "resume run")
			}
			n := int(tag.RowsAffected())
			if _, err := tx.Exec(ctx, `UPDATE pipeline_runs SET done = done - $2, failed = failed - $2 WHERE id = $1`, id, n); err != nil {
				return classify(err, "resume run")
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE pipeline_items SET queued = false, job_id = NULL, worker_id = NULL WHERE run_id = $1 AND status = 'pending'`, id); err != nil {
			return classify(err, "resume run")
		}
		if _, err := tx.Exec(ctx, `UPDATE pipeline_runs SET status = 'queued', finished_at = NULL, error = '' WHERE id = $1`, id); err != nil {
			return classify(err, "resume run")
		}
		if err := auditTx(ctx, tx, a, "run.resume", "pipeline_run", id, &projectID, map[string]any{"status": r.Status}, map[string]any{"status": RunQueued, "retry_failed": retryFailed}); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, insertEventSQL, id, "info", fmt.Sprintf("resumed by user %d (retry failed items: %v)", a.UserID, retryFailed)); err != nil {
			return classify(err, "resume run")
		}
		// Nothing left to do (every item finished, failed ones not retried): the run ends again at once.
		_, err = finishIfDone(ctx, tx, id)
		return err
	}); err != nil {
		if errors.Is(err, ErrConflict) { // not finished: the run as it is says why
			return r, err
		}
		return PipelineRun{}, err
	}
	return s.PipelineRun(ctx, projectID, id)
}

// StoppedRuns returns those of ids that are no longer queued or running (cancelled, or finished by
// another worker), so their items in progress can stop.
func (s *Store) StoppedRuns(ctx context.Context, ids []int64) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT id FROM pipeline_runs WHERE id = ANY($1) AND status NOT IN ('queued', 'running')`, ids)
	return collect(rows, err, "stopped runs", pgx.RowTo[int64])
}

// RunSlots is an active run with the number of its items held by jobs (in progress or waiting in
// the queue).
type RunSlots struct {
	Run      PipelineRun
	InFlight int
}

// RunsWaitingForJobs returns the queued and running runs that have pending items no job holds.
func (s *Store) RunsWaitingForJobs(ctx context.Context) ([]RunSlots, error) {
	// Through the partial indexes: the cost follows the number of active runs and their concurrency,
	// not the size of their runs.
	rows, err := s.pool.Query(ctx, `SELECT (SELECT count(*) FROM pipeline_items i WHERE i.run_id = r.id AND i.status = 'pending' AND i.queued), `+
		prefixed("r", runColumns)+` FROM pipeline_runs r WHERE r.status IN ('queued', 'running')
			AND EXISTS (SELECT 1 FROM pipeline_items i WHERE i.run_id = r.id AND i.status = 'pending' AND NOT i.queued)
		ORDER BY r.id`)
	return collect(rows, err, "runs waiting for jobs", func(row pgx.CollectableRow) (RunSlots, error) {
		var rs RunSlots
		err := row.Scan(append([]any{&rs.InFlight}, runFields(&rs.Run)...)...)
		return rs, err
	})
}

// LockRunForJobs locks an active run (in tx) so that one transaction at a time decides how many of
// its items to hand out, and returns it with the number of its items held by jobs; ok is false when
// the run is no longer queued or running.
func LockRunForJobs(ctx context.Context, tx pgx.Tx, runID int64) (run PipelineRun, inFlight int, ok bool, err error) {
	// FOR NO KEY UPDATE, the lock CompleteItem's counter update takes: FOR UPDATE would also wait for
	// (and deadlock with) transactions that insert rows referring to the run, like its candidates.
	run, err = scanRow(tx.QueryRow(ctx, `SELECT `+runColumns+` FROM pipeline_runs WHERE id = $1 AND status IN ('queued', 'running')
		FOR NO KEY UPDATE`, runID), runFields)
	if ok, err = found(err, "lock run"); !ok {
		return run, 0, false, err
	}
	// A statement of its own, after the lock: it sees what the transaction that held the lock before
	// handed out.
	err = tx.QueryRow(ctx, `SELECT count(*) FROM pipeline_items WHERE run_id = $1 AND status = 'pending' AND queued`, runID).Scan(&inFlight)
	return run, inFlight, err == nil, classify(err, "lock run")
}

// QueuedItem is an item handed to a new job: the job carries its generation.
type QueuedItem struct {
	Key string
	Gen int
}

// QueueItems hands up to n of a run's waiting items, in key order, to new jobs (in tx, which must
// create them): they become queued under a new generation. Nothing is handed out for a run that is
// no longer queued or running.
func QueueItems(ctx context.Context, tx pgx.Tx, runID int64, n int) ([]QueuedItem, error) {
	rows, err := tx.Query(ctx, `UPDATE pipeline_items i SET queued = true, gen = i.gen + 1, job_id = NULL, worker_id = NULL, updated_at = now()
		FROM (SELECT item_key FROM pipeline_items WHERE run_id = $1 AND status = 'pending' AND NOT queued
			AND EXISTS (SELECT 1 FROM pipeline_runs WHERE id = $1 AND status IN ('queued', 'running'))
			ORDER BY item_key LIMIT $2 FOR UPDATE SKIP LOCKED) AS pick
		WHERE i.run_id = $1 AND i.item_key = pick.item_key RETURNING i.item_key, i.gen`, runID, n)
	return collect(rows, err, "queue items", pgx.RowToStructByPos[QueuedItem])
}

// ReleasedItem is an item taken back from a job.
type ReleasedItem struct {
	RunID  int64
	Key    string
	JobID  int64
	Worker int32
}

// workerAlive is the SQL condition that worker process w (a column or parameter) holds its lock.
func workerAlive(w string) string {
	return `EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
		AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND l.classid::bigint = ` + fmt.Sprint(WorkerLockClass) + ` AND l.objid::bigint = ` + w + `)`
}

// ReleaseOrphanedItems takes back the pending items of worker processes that are gone (their lock
// is free: PostgreSQL closed their connection), so that new jobs can be made for them. It returns the
// items with the jobs they had.
func (s *Store) ReleaseOrphanedItems(ctx context.Context) ([]ReleasedItem, error) {
	// An item claimed again meanwhile (another worker, another job) no longer matches and stays.
	rows, err := s.pool.Query(ctx, `WITH dead AS (
			SELECT run_id, item_key, job_id, worker_id FROM pipeline_items
			WHERE status = 'pending' AND worker_id IS NOT NULL AND NOT `+workerAlive("worker_id")+`)
		UPDATE pipeline_items i SET queued = false, job_id = NULL, worker_id = NULL, updated_at = now()
		FROM dead WHERE i.run_id = dead.run_id AND i.item_key = dead.item_key AND i.status = 'pending'
			AND i.worker_id = dead.worker_id AND i.job_id IS NOT DISTINCT FROM dead.job_id
		RETURNING i.run_id, i.item_key, COALESCE(dead.job_id, 0), dead.worker_id`)
	return collect(rows, err, "release orphaned items", pgx.RowToStructByPos[ReleasedItem])
}

// ReleaseFetchedByDeadWorkers takes back the queued items whose River job a worker process fetched
// and then died before claiming the item (a window of milliseconds, but a kill may fall in it): River
// shows such a job running, attempted by that worker's client (its ID ends in "-w<worker id>"), and
// would leave it so until its timeout. It returns the items with those jobs.
func (s *Store) ReleaseFetchedByDeadWorkers(ctx context.Context) ([]ReleasedItem, error) {
	rows, err := s.pool.Query(ctx, `WITH fetched AS (
			SELECT id, (args->>'run_id')::bigint AS run_id, args->>'key' AS item_key, (args->>'gen')::int AS gen,
				substring(attempted_by[array_upper(attempted_by, 1)] FROM '-w([0-9]+)$')::int AS worker
			FROM river_job WHERE state = 'running' AND kind = 'pipeline_item')
		UPDATE pipeline_items i SET queued = false, job_id = NULL, updated_at = now()
		FROM fetched WHERE fetched.worker IS NOT NULL AND NOT `+workerAlive("fetched.worker")+`
			AND i.run_id = fetched.run_id AND i.item_key = fetched.item_key AND i.gen = fetched.gen
			AND i.status = 'pending' AND i.queued AND i.worker_id IS NULL
		RETURNING i.run_id, i.item_key, fetched.id, fetched.worker`)
	return collect(rows, err, "release items fetched by dead workers", pgx.RowToStructByPos[ReleasedItem])
}

// ReleaseLostJobs takes back the pending items of active runs whose River job has ended without
// finishing them (discarded or cancelled in River, or deleted), so that new jobs can be made for
// them. The runner's own jobs never end that way unless the database stayed unreachable through
// every attempt; this is the safety net that keeps a run from waiting forever.
func (s *Store) ReleaseLostJobs(ctx context.Context) ([]ReleasedItem, error) {
	rows, err := s.pool.Query(ctx, `UPDATE pipeline_items i SET queued = false, job_id = NULL, worker_id = NULL, updated_at = now()
		FROM pipeline_runs r
		WHERE r.id = i.run_id AND r.status IN ('queued', 'running') AND i.status = 'pending' AND i.queued AND i.job_id IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM river_job j WHERE j.id = i.job_id AND j.state NOT IN ('completed', 'cancelled', 'discarded'))
		RETURNING i.run_id, i.item_key, 0::bigint, 0`)
	return collect(rows, err, "release lost jobs", pgx.RowToStructByPos[ReleasedItem])
}

// WorkerLockClass is the first key of the advisory lock each worker process holds on its own
// connection for its lifetime (the second is its id in pipeline_workers).
const WorkerLockClass = 74612026

// WorkerSession is this process's registration as a worker: a row in pipeline_workers and a
// connection of its own that holds the worker's advisory lock. When the process dies, PostgreSQL
// closes the connection and frees the lock, and other processes take its items back at once
// (ReleaseOrphanedItems); TCP keepalives bound how long a machine that vanished keeps it.
type WorkerSession struct {
	ID   int32
	cfg  *pgx.ConnConfig
	mu   sync.Mutex
	conn *pgx.Conn
}

// StartWorker registers this process as a worker (host, pid and version are for people).
func (s *Store) StartWorker(ctx context.Context, version string) (*WorkerSession, error) {
	cfg := s.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = "goldset worker"
	for k, v := range map[string]string{"tcp_keepalives_idle": "20", "tcp_keepalives_interval": "5", "tcp_keepalives_count": "4"} {
		cfg.RuntimeParams[k] = v
	}
	host, _ := os.Hostname()
	w := &WorkerSession{cfg: cfg}
	if err := s.pool.QueryRow(ctx, `INSERT INTO pipeline_workers (host, pid, version) VALUES ($1, $2, $3) RETURNING id`,
		host, os.Getpid(), version).Scan(&w.ID); err != nil {
		return nil, classify(err, "register worker")
	}
	if err := w.lock(ctx); err != nil {
		s.pool.Exec(context.WithoutCancel(ctx), `DELETE FROM pipeline_workers WHERE id = $1`, w.ID)
		return nil, err
	}
	return w, nil
}

func (w *WorkerSession) lock(ctx context.Context) error {
	conn, err := pgx.ConnectConfig(ctx, w.cfg)
	if err != nil {
		return classify(err, "worker lock")
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, WorkerLockClass, w.ID); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return classify(err, "worker lock")
	}
	w.conn = conn
	return nil
}

// Keep checks the lock connection and, if it was lost (the database restarted, the network broke),
// takes the lock again on a new one. Meanwhile other processes may have taken this worker's items
// back; whichever finishes an item first records it (CompleteItem), the other's work is dropped.
func (w *WorkerSession) Keep(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		if err := w.conn.Ping(ctx); err == nil {
			return nil
		}
		w.conn.Close(context.WithoutCancel(ctx))
		w.conn = nil
	}
	return w.lock(ctx)
}

// Close ends the registration: the row goes and the lock is freed.
func (w *WorkerSession) Close(ctx context.Context, st *Store) {
	ctx = context.WithoutCancel(ctx)
	st.pool.Exec(ctx, `DELETE FROM pipeline_workers WHERE id = $1`, w.ID)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conn != nil {
		w.conn.Close(ctx)
		w.conn = nil
	}
}

// ForgetDeadWorkers deletes the rows of worker processes that are gone and hold no item.
func (s *Store) ForgetDeadWorkers(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM pipeline_workers w WHERE started_at < now() - interval '1 minute' AND NOT `+workerAlive("w.id")+`
		AND NOT EXISTS (SELECT 1 FROM pipeline_items i WHERE i.worker_id = w.id AND i.status = 'pending')`)
	return classify(err, "forget dead workers")
}

// AbandonItemTrajectories ends the agent trajectories an earlier attempt at an item of a batch left
// running (its worker died, or the attempt failed before recording how the trajectory ended).
func (s *Store) AbandonItemTrajectories(ctx context.Context, batchID, nlqID int64) (int64, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE agent_runs SET status = 'cancelled', stop_detail = 'the attempt running it stopped',
		finished_at = now() WHERE status = 'running' AND pipeline_run_id = $1 AND nlq_id = $2`, batchID, nlqID)
	return tag.RowsAffected(), classify(err, "abandon item trajectories")
}

// Transient reports whether an error may go away if the work is tried again: the database was
// unreachable, or a transaction lost a serialization conflict or a deadlock.
func Transient(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "55P03") {
		return true
	}
	return isUnavailable(err)
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
	s.pool.Exec(context.WithoutCancel(ctx), insertEventSQL, runID, level, msg)
}

// insertEventSQL appends a log line under the run's row lock, which every writer of the run's log
// takes and holds until it commits (a transaction that logs and also updates the run holds it
// anyway). The lines' ids therefore follow the order in which they became visible, so the log reads
// in the order things happened, and a reader that asks for the lines after the last id it saw never
// skips a line an older transaction commits later. The time is the line's own (clock_timestamp),
// not its transaction's start.
const insertEventSQL = `WITH run AS (SELECT id FROM pipeline_runs WHERE id = $1 FOR NO KEY UPDATE)
	INSERT INTO pipeline_events (run_id, level, message, at) SELECT id, $2, $3, clock_timestamp() FROM run`

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
