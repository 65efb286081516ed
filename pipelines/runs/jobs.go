package runs

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// itemArgs is the River job of one item of a run. Only the job of the item's current generation
// may process it, so a job that finds its item finished, or taken back and handed to a newer job,
// simply ends.
type itemArgs struct {
	RunID int64  `json:"run_id"`
	Key   string `json:"key"`
	Gen   int    `json:"gen"`
}

func (itemArgs) Kind() string { return "pipeline_item" }

// itemWorker processes pipeline items for River.
type itemWorker struct {
	river.WorkerDefaults[itemArgs]
	s *session
}

// Timeout bounds one attempt at an item; River cancels its context after it.
func (w *itemWorker) Timeout(*river.Job[itemArgs]) time.Duration { return w.s.r.ItemTimeout }

// NextRetry waits 1 s, 2 s, 4 s … up to a minute (±10%) before trying a transient failure again:
// River's default (attempt⁴ seconds) is made for jobs that may wait hours, and a run has a person
// watching it.
func (w *itemWorker) NextRetry(job *river.Job[itemArgs]) time.Time {
	d := min(time.Second<<min(max(job.Attempt-1, 0), 6), time.Minute)
	return time.Now().Add(d - d/10 + rand.N(d/5))
}

// Work claims the job's item, processes it with its kind's ItemFunc and records the outcome.
func (w *itemWorker) Work(ctx context.Context, job *river.Job[itemArgs]) error {
	s, r, a := w.s, w.s.r, job.Args
	run, attempts, ok, err := r.Store.ClaimItem(ctx, a.RunID, a.Key, a.Gen, job.ID, s.worker.ID)
	if err != nil {
		return err // the database is unreachable: River tries again later
	}
	if !ok {
		return nil // finished, handed to another job, or its run is not active
	}
	k, known := r.kinds[run.Kind]
	if !known {
		return w.complete(ctx, job, run, failedItem(a.Key, fmt.Errorf("this worker does not know runs of kind %q", run.Kind)), nil)
	}
	if attempts > 2*job.MaxAttempts {
		// An item that keeps killing its workers, or keeps failing to be stored, is given up.
		return w.complete(ctx, job, run, failedItem(a.Key, fmt.Errorf("gave up after %d attempts", attempts-1)), nil)
	}
	if attempts > 1 && k.Abandon != nil {
		k.Abandon(ctx, run, a.Key)
	}
	// The run's SQL counts against its project's share of the sandbox (people have their own).
	ictx, cancel := context.WithCancelCause(sqlexec.WithCaller(ctx, sqlexec.Caller{Project: run.ProjectID}))
	defer cancel(nil)
	s.running.add(run.ID, job.ID, cancel)
	defer s.running.remove(run.ID, job.ID)

	outcome, save, err := processItem(ictx, k.Item, run, a.Key)
	switch {
	case errors.Is(context.Cause(ictx), errRunStopped):
		// Cancelled: the item stays pending; a resume gives it a new job.
		r.unclaim(ctx, run.ID, a.Key, job.ID)
		return nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("the item took longer than %s", r.ItemTimeout)
		r.Store.AddEvent(ctx, run.ID, "error", fmt.Sprintf("item %s: %v", a.Key, err))
		outcome, save = failedItem(a.Key, err), nil
	case ctx.Err() != nil:
		// This worker is stopping: River puts the job back in the queue without counting an attempt.
		r.unclaim(ctx, run.ID, a.Key, job.ID)
		return ctx.Err()
	case err != nil:
		if re := (*RunError)(nil); errors.As(err, &re) {
			// The whole run cannot go on: it fails with the reason, and this item stays pending for a resume.
			if _, err := r.Store.FailRun(ctx, run.ID, re.Reason); err != nil {
				r.Log.Error("failing a run", "run", run.ID, "reason", re.Reason, "err", err)
			}
			r.unclaim(ctx, run.ID, a.Key, job.ID)
			return nil
		}
		if ie := (*ItemError)(nil); !errors.As(err, &ie) && store.Transient(err) && job.Attempt < job.MaxAttempts {
			r.Store.AddEvent(ctx, run.ID, "warn", fmt.Sprintf("item %s: %v; trying again (attempt %d of %d)", a.Key, err, job.Attempt, job.MaxAttempts))
			r.unclaim(ctx, run.ID, a.Key, job.ID)
			return err
		}
		err = nameTheProcess(err, s.worker.ID)
		r.Store.AddEvent(ctx, run.ID, "error", fmt.Sprintf("item %s: %v", a.Key, err))
		outcome, save = failedItem(a.Key, err), nil
	}
	// Recorded in the item's context without its cancellation: a result computed is stored even if
	// the run was cancelled since, and the saver keeps the item's values (its sandbox caller).
	return w.complete(ictx, job, run, outcome, save)
}

// nameTheProcess adds, to an item that failed for want of a language model, which
// process worked it: the endpoint given to a command in its environment is that command's, while
// the items of its run may be worked by a `goldset serve` or `goldset worker` elsewhere.
func nameTheProcess(err error, worker int32) error {
	if !errors.Is(err, llm.ErrNotConfigured) {
		return err
	}
	host, _ := os.Hostname()
	return fmt.Errorf("%w (this item was worked by worker #%d, process %d on %s: set GOLDSET_LLM_* for that process, "+
		"or save the endpoint under Settings → Language model, which every process reads within 30 s)", err, worker, os.Getpid(), host)
}

// unclaim releases an item from this worker's job, so a resume or another job can take it. A
// failure is logged with the run: the item then stays claimed until the dispatcher takes back the
// items of a job that is gone.
func (r *Runner) unclaim(ctx context.Context, runID int64, key string, jobID int64) {
	if err := r.Store.UnclaimItem(ctx, runID, key, jobID); err != nil {
		r.Log.Warn("releasing an item", "run", runID, "item", key, "job", jobID, "err", err)
	}
}

// complete records an item's outcome, stores its result and hands the run's next item to a job, in
// one transaction.
func (w *itemWorker) complete(ctx context.Context, job *river.Job[itemArgs], run store.PipelineRun, o store.ItemOutcome, save ItemSaver) error {
	r := w.s.r
	o.Key = job.Args.Key
	ctx = context.WithoutCancel(ctx) // a finished item is recorded even if the worker is stopping
	k := r.kinds[run.Kind]
	var ended *store.PipelineRun
	var finished func(tx pgx.Tx, run store.PipelineRun) error
	if k.Finish != nil || k.AfterFinish != nil {
		finished = func(tx pgx.Tx, run store.PipelineRun) error {
			ended = &run
			return finishRun(ctx, r, k, tx, run)
		}
	}
	record := func(o store.ItemOutcome, save ItemSaver) error {
		var saveTx func(tx pgx.Tx) error
		if save != nil {
			saveTx = func(tx pgx.Tx) error { return saveItem(ctx, tx, save) }
		}
		ended = nil
		_, err := r.Store.CompleteItemFinishing(ctx, run.ID, o, saveTx, func(tx pgx.Tx, heldSlot bool) error {
			if !heldSlot {
				return nil
			}
			_, err := r.queue(ctx, tx, run.ID, 1)
			return err
		}, finished)
		if err == nil && ended != nil && k.AfterFinish != nil {
			k.AfterFinish(ctx, *ended)
		}
		return err
	}
	err := record(o, save)
	if err == nil {
		return nil
	}
	if store.Transient(err) && job.Attempt < job.MaxAttempts {
		// River tries the item again; its model calls come back from the cache.
		r.Store.AddEvent(ctx, run.ID, "warn", fmt.Sprintf("item %s: recording it: %v; trying again (attempt %d of %d)", o.Key, err, job.Attempt, job.MaxAttempts))
		r.unclaim(ctx, run.ID, o.Key, job.ID)
		return err
	}
	if save != nil {
		// The result cannot be stored: the item fails with the reason, rather than being retried forever.
		r.Store.AddEvent(ctx, run.ID, "error", fmt.Sprintf("item %s: storing its result: %v", o.Key, err))
		if err = record(failedItem(o.Key, fmt.Errorf("storing the result: %w", err)), nil); err == nil {
			return nil
		}
	}
	// The database is still unreachable after the last attempt: River discards the job, and the
	// dispatcher gives the item a new one (ReleaseLostJobs) once it is back.
	return err
}

// finishRun calls a kind's Finish under a savepoint: a failure other than a transient one is logged
// on the run and undone alone, so the run still ends.
func finishRun(ctx context.Context, r *Runner, k Kind, tx pgx.Tx, run store.PipelineRun) (err error) {
	if k.Finish == nil {
		return nil
	}
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		err = k.Finish(ctx, sp, run)
	}()
	if err == nil {
		return sp.Commit(ctx)
	}
	if store.Transient(err) {
		return err
	}
	if rerr := sp.Rollback(ctx); rerr != nil {
		return rerr
	}
	r.Log.Warn("after the run", "run", run.ID, "err", err)
	return store.AddEventTx(ctx, tx, run.ID, "warn", "after the run: "+err.Error())
}

func failedItem(key string, err error) store.ItemOutcome {
	return store.ItemOutcome{Key: key, OK: false, Detail: map[string]string{"error": err.Error()}}
}

// processItem runs an ItemFunc, turning a panic into the item's error.
func processItem(ctx context.Context, f ItemFunc, run store.PipelineRun, key string) (o store.ItemOutcome, save ItemSaver, err error) {
	defer func() {
		if p := recover(); p != nil {
			o, save, err = store.ItemOutcome{}, nil, fmt.Errorf("panic: %v", p)
		}
	}()
	return f(ctx, run, key)
}

func saveItem(ctx context.Context, tx pgx.Tx, save ItemSaver) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return save(ctx, tx)
}
