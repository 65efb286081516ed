package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/errgroup"

	"github.com/goldset/goldset/store"
)

// A run's items are processed by a kind's ItemFunc. It must be idempotent: an item may be processed
// again after a crash (its completion is recorded once, in CompleteItem's transaction).
type ItemFunc func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, ItemSaver, error)

// ItemSaver stores an item's result in the transaction that marks it done (nil: nothing to store).
type ItemSaver = func(tx pgx.Tx) error

// Runner executes queued runs in this process: `goldset serve` runs one in the background, and
// `goldset run ...` runs one in the foreground. Runs live in PostgreSQL, so any process can pick up a
// run that another one (killed) left behind.
type Runner struct {
	Store *store.Store
	Log   *slog.Logger
	kinds map[string]kind
	wake  chan struct{}
	// StaleAfter is how long a running run may go without a heartbeat before it is considered
	// abandoned by a dead process and resumed (default 30 s).
	StaleAfter time.Duration
}

type kind struct {
	item        ItemFunc
	concurrency func(store.PipelineRun) int
}

// NewRunner makes a runner with no kinds; Register adds them.
func NewRunner(st *store.Store, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{Store: st, Log: log, kinds: map[string]kind{}, wake: make(chan struct{}, 1), StaleAfter: 30 * time.Second}
}

// Register says how to process the items of runs of a kind.
func (r *Runner) Register(name string, item ItemFunc, concurrency func(store.PipelineRun) int) {
	r.kinds[name] = kind{item: item, concurrency: concurrency}
}

// Wake tells the background loop that a run was queued.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Serve runs queued runs until ctx ends, one at a time, and resumes runs abandoned by dead processes.
func (r *Runner) Serve(ctx context.Context) {
	// A try left running by a process that died (a try never outlives 10 minutes) is over.
	r.Store.AbandonAgentRuns(ctx, nil, 15*time.Minute)
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		r.sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-r.wake:
		}
	}
}

func (r *Runner) sweep(ctx context.Context) {
	if orphans, err := r.Store.OrphanedRuns(ctx, r.StaleAfter); err == nil {
		for _, o := range orphans {
			// Trajectories the dead process left mid-way end as cancelled; their items run again.
			if n, err := r.Store.AbandonAgentRuns(ctx, &o.ID, 0); err == nil && n > 0 {
				r.Store.AddEvent(ctx, o.ID, "warn", fmt.Sprintf("%d unfinished trajectories of the stopped process marked cancelled", n))
			}
			r.Store.AddEvent(ctx, o.ID, "warn", "the process running this run stopped; resuming")
			r.Log.Warn("resuming an abandoned run", "run", o.ID, "kind", o.Kind)
		}
	}
	queued, err := r.Store.QueuedRuns(ctx)
	if err != nil {
		return
	}
	for _, run := range queued {
		if ctx.Err() != nil {
			return
		}
		if err := r.Execute(ctx, run); err != nil && !errors.Is(err, ErrNotStarted) {
			r.Log.Error("run failed", "run", run.ID, "err", err)
		}
	}
}

// ErrNotStarted: Execute found the run already taken by another runner, or not queued.
var ErrNotStarted = errors.New("run not started: another runner has it or it is not queued")

// Execute runs a queued run to its end: every pending item, with the kind's concurrency, stopping
// early when the run is cancelled or ctx ends (then the run stays resumable).
func (r *Runner) Execute(ctx context.Context, run store.PipelineRun) error {
	k, ok := r.kinds[run.Kind]
	if !ok {
		return fmt.Errorf("no runner for runs of kind %q", run.Kind)
	}
	started, err := r.Store.StartRun(ctx, run.ID)
	if err != nil {
		return err
	}
	if !started {
		return ErrNotStarted
	}
	r.Store.AddEvent(ctx, run.ID, "info", "started")
	keys, err := r.Store.PendingItems(ctx, run.ID)
	if err != nil {
		r.Store.FinishRun(ctx, run.ID, store.RunFailed, err.Error())
		return err
	}
	// A heartbeat tells other processes this run is alive, and brings back a cancel.
	rctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var hbWG sync.WaitGroup
	hbWG.Add(1)
	go func() {
		defer hbWG.Done()
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-rctx.Done():
				return
			case <-t.C:
				if status, err := r.Store.Heartbeat(rctx, run.ID); err == nil && status == store.RunCancelled {
					stop(errCancelled)
				}
			}
		}
	}()
	g, gctx := errgroup.WithContext(rctx)
	g.SetLimit(max(1, k.concurrency(run)))
	for _, key := range keys {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			outcome, save, err := k.item(gctx, run, key)
			if err != nil {
				if gctx.Err() != nil {
					return nil // cancelled or stopping: the item stays pending for a resume
				}
				outcome = store.ItemOutcome{Key: key, OK: false, Detail: map[string]string{"error": err.Error()}}
				r.Store.AddEvent(ctx, run.ID, "error", fmt.Sprintf("item %s: %v", key, err))
			}
			outcome.Key = key
			if _, err := r.Store.CompleteItem(context.WithoutCancel(gctx), run.ID, outcome, save); err != nil {
				return fmt.Errorf("item %s: %w", key, err)
			}
			return nil
		})
	}
	werr := g.Wait()
	stop(nil)
	hbWG.Wait()
	switch {
	case errors.Is(context.Cause(rctx), errCancelled):
		r.Store.AddEvent(ctx, run.ID, "info", "cancelled; finished items are kept, the rest can be resumed")
		return nil
	case ctx.Err() != nil:
		// The process is stopping: leave the run queued so the next runner resumes it.
		r.Store.AddEvent(context.WithoutCancel(ctx), run.ID, "warn", "the server stopped; the run will resume")
		r.Store.Requeue(context.WithoutCancel(ctx), run.ID)
		return ctx.Err()
	case werr != nil:
		r.Store.FinishRun(ctx, run.ID, store.RunFailed, werr.Error())
		r.Store.AddEvent(ctx, run.ID, "error", werr.Error())
		return werr
	}
	r.Store.FinishRun(ctx, run.ID, store.RunSucceeded, "")
	r.Store.AddEvent(ctx, run.ID, "info", "finished")
	return nil
}

var errCancelled = errors.New("run cancelled")
