package runs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/goldset/goldset/store"
)

// A run's items are processed by its kind's ItemFunc. It must be idempotent: an item may be
// processed again after a crash (its completion is recorded once, in CompleteItem's transaction), and
// it should honour ctx, which ends when the run is cancelled or the worker stops.
type ItemFunc func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, ItemSaver, error)

// ItemSaver stores an item's result in the transaction that marks it done (nil: nothing to store).
// Its ctx holds the item's values (the sandbox caller) but not its cancellation: a result the item
// computed is stored even when the run is cancelled or the worker stops meanwhile, and a saver uses
// this ctx, never the ItemFunc's.
type ItemSaver = func(ctx context.Context, tx pgx.Tx) error

// Kind says how the items of runs of one kind are processed.
type Kind struct {
	Name string
	Item ItemFunc
	// Concurrency is how many items of a run are processed at once, by all workers together.
	Concurrency func(store.PipelineRun) int
	// Abandon, when set, cleans up what an earlier attempt at an item left half-done (its worker died
	// or it failed); it is called before the item is processed again.
	Abandon func(ctx context.Context, run store.PipelineRun, key string)
	// Finish, when set, is called in the transaction of the completion that ends a run (succeeded or
	// failed by its items; not a cancelled run, nor one failed by a RunError), with the run as it
	// ended: what it stores — the next run of a chain — is stored exactly once, with the run's end.
	// An error other than a transient one is logged on the run and does not undo its end.
	Finish func(ctx context.Context, tx pgx.Tx, run store.PipelineRun) error
	// AfterFinish, when set, is called once that transaction has committed, in the process that
	// committed it (best effort: it is lost if that process dies first).
	AfterFinish func(ctx context.Context, run store.PipelineRun)
}

// ItemError is an item's failure that is its own (a model call that failed after the client's
// retries): the item fails with it at once, even when its words look like a lost connection.
type ItemError struct{ Err error }

func (e *ItemError) Error() string { return e.Err.Error() }
func (e *ItemError) Unwrap() error { return e.Err }

// RunError is an item's error that ends its whole run as failed, with Reason as the run's error (the
// run's database was deleted): no item starts any more, the items in progress stop and stay pending,
// and what finished items stored is kept; a resume finishes the run once the cause is fixed.
type RunError struct{ Reason string }

func (e *RunError) Error() string { return e.Reason }

// DecodeParams reads a run's parameters into p; parameters that cannot be read fail the whole run
// (a *RunError).
func DecodeParams(run store.PipelineRun, p any) error {
	if err := json.Unmarshal(run.Params, p); err != nil {
		return &RunError{Reason: "unreadable parameters: " + err.Error()}
	}
	return nil
}

// Runner executes the items of runs as River jobs. Every process that works (`goldset serve`,
// `goldset worker`, the foreground `goldset run`) has one; they share the work through the database:
//
//   - a run's items live in pipeline_items; a pending item is held by at most one River job at a
//     time (queued, under a generation its job carries), and no more items of a run than the kind's
//     concurrency, so a run's concurrency holds across all workers together;
//   - a job claims its item (ClaimItem: the item must still be pending, be that job's generation, and
//     its run be queued or running), processes it, and records the outcome with CompleteItem, whose
//     transaction also stores the result, passes the item's slot to the run's next item (a new job),
//     and finishes the run after its last item — so an item is done exactly once, whatever crashes;
//   - transient failures (the database unreachable) are retried by River with backoff; any other
//     error, or the last attempt, records the item failed with its reason;
//   - each worker process holds an advisory lock while it lives; the items of a process that died
//     (kill -9, a lost machine) are handed to new jobs by any other process within seconds;
//   - a cancelled run's items in progress are stopped within half a second; a resumed run's pending
//     items get new jobs. Model calls that had answered come back from the response cache.
type Runner struct {
	Store *store.Store
	Log   *slog.Logger
	// Workers is how many items this process processes at once (River's MaxWorkers); 0 makes a
	// process that only hands out work (a `serve` whose work is done by `goldset worker`s). Default 64.
	Workers int
	// ItemTimeout bounds one attempt at an item (default 30 minutes).
	ItemTimeout time.Duration
	// MaxAttempts is how many times an item failing transiently is tried (default 8: about two
	// minutes of backoff, enough for a database restart).
	MaxAttempts int
	// Version is recorded with the worker, for people.
	Version string

	kinds map[string]Kind
	wake  chan struct{}

	mu     sync.Mutex
	insert *river.Client[pgx.Tx] // inserts jobs (and cancels them); works none
	users  int
	sess   *session
}

// jobQueue is the River queue of pipeline items.
const jobQueue = "pipelines"

// fetchCooldown is the least time between a worker's fetches of jobs (and between a process's
// notifications of new ones). A finished item hands out the next one, so the next job should start
// within milliseconds: with River's default, 100 ms, a zero-latency item cost several times more
// wall time at concurrency 16 (BenchmarkRunner_ItemOverhead); 10 ms makes it about 2 ms.
const fetchCooldown = 10 * time.Millisecond

// NewRunner makes a runner with no kinds; Register adds them.
func NewRunner(st *store.Store, log *slog.Logger) *Runner {
	if log == nil {
		log = slog.Default()
	}
	return &Runner{Store: st, Log: log, Workers: 64, ItemTimeout: 30 * time.Minute, MaxAttempts: 8,
		kinds: map[string]Kind{}, wake: make(chan struct{}, 1)}
}

// Register says how to process the items of runs of a kind.
func (r *Runner) Register(k Kind) {
	r.kinds[k.Name] = k
}

// Queue creates a run of kind in the project with params and an item per key, and wakes r (when
// there is one) so that its items get jobs now.
func Queue(ctx context.Context, st *store.Store, r *Runner, a store.Actor, projectID int64, kind string, params any, keys []string) (store.PipelineRun, error) {
	run, err := st.CreatePipelineRun(ctx, a, projectID, kind, params, keys)
	if err == nil && r != nil {
		r.Wake()
	}
	return run, err
}

// OfKind is run runID of the project, which must be of kind: another run is not found, what naming
// what it is not ("an evaluation").
func OfKind(ctx context.Context, st *store.Store, projectID, runID int64, kind, what string) (store.PipelineRun, error) {
	run, err := st.PipelineRun(ctx, projectID, runID)
	if err != nil {
		return store.PipelineRun{}, err
	}
	if run.Kind != kind {
		return store.PipelineRun{}, store.NotFound(fmt.Sprintf("run %d is not %s", runID, what))
	}
	return run, nil
}

// Reports are the project's latest runs of kind (the newest 200, newest first), each as report makes it.
func Reports[R any](ctx context.Context, st *store.Store, projectID int64, kind string, report func(store.PipelineRun) (R, error)) ([]R, error) {
	list, err := st.ListPipelineRuns(ctx, projectID, kind, 200)
	if err != nil {
		return nil, err
	}
	out := make([]R, 0, len(list))
	for _, run := range list {
		rep, err := report(run)
		if err != nil {
			return nil, err
		}
		out = append(out, rep)
	}
	return out, nil
}

// Wake tells this process's dispatcher that a run was queued or resumed, so its items get jobs now
// rather than at the next sweep.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Serve works until ctx ends: `goldset serve` and `goldset worker` call it. On the way out, items
// in progress are interrupted and go back to the queue, for this or another worker.
func (r *Runner) Serve(ctx context.Context) error {
	// A try left running by a process that died (a try never outlives 10 minutes) is over.
	r.Store.AbandonAgentRuns(ctx, nil, 15*time.Minute)
	release, err := r.acquire(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped while starting
		}
		return err
	}
	<-ctx.Done()
	release()
	return nil
}

// Execute works until run has finished (succeeded, failed or cancelled), or ctx ends: the
// foreground `goldset run` and tests call it. Meanwhile this process also works on other runs'
// items, like any worker, and other workers may work on this run's.
func (r *Runner) Execute(ctx context.Context, run store.PipelineRun) error {
	if _, ok := r.kinds[run.Kind]; !ok {
		return fmt.Errorf("no runner for runs of kind %q", run.Kind)
	}
	release, err := r.acquire(ctx)
	if err != nil {
		return err
	}
	defer release()
	r.Wake()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		cur, err := r.Store.PipelineRun(ctx, run.ProjectID, run.ID)
		if err == nil && cur.Finished() {
			return nil
		}
		if err != nil && !store.Transient(err) && ctx.Err() == nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// acquire starts this process's worker (River client, dispatcher, cancel watch) unless it runs
// already; release stops it when its last user is done.
func (r *Runner) acquire(ctx context.Context) (release func(), err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sess == nil {
		s, err := r.start(ctx)
		if err != nil {
			return nil, err
		}
		r.sess = s
	}
	r.users++
	var once sync.Once
	return func() {
		once.Do(func() {
			r.mu.Lock()
			defer r.mu.Unlock()
			if r.users--; r.users == 0 {
				r.sess.stop()
				r.sess = nil
			}
		})
	}, nil
}

// session is a started worker: what stop must end.
type session struct {
	r       *Runner
	client  *river.Client[pgx.Tx] // nil when this process works no items
	worker  *store.WorkerSession
	cancel  context.CancelFunc
	loops   sync.WaitGroup
	running runningItems
}

func (r *Runner) inserter() (*river.Client[pgx.Tx], error) {
	if r.insert != nil {
		return r.insert, nil
	}
	// Its FetchCooldown is the least time between its insert notifications: the default (100 ms)
	// would leave the jobs that finishing items hand out waiting for workers' polls.
	c, err := river.NewClient(riverpgxv5.New(r.Store.Pool()), &river.Config{Logger: riverLogger(r.Log), Workers: r.riverWorkers(nil),
		FetchCooldown: fetchCooldown})
	if err != nil {
		return nil, fmt.Errorf("pipelines: river: %w", err)
	}
	r.insert = c
	return c, nil
}

// riverWorkers is the River worker bundle: one job kind, the pipeline item, whatever the run's kind.
func (r *Runner) riverWorkers(s *session) *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &itemWorker{s: s})
	return w
}

func (r *Runner) start(ctx context.Context) (*session, error) {
	if _, err := r.inserter(); err != nil {
		return nil, err
	}
	s := &session{r: r}
	if r.Workers > 0 {
		w, err := r.Store.StartWorker(ctx, r.Version)
		if err != nil {
			return nil, err
		}
		s.worker = w
		host, _ := os.Hostname()
		client, err := river.NewClient(riverpgxv5.New(r.Store.Pool()), &river.Config{
			ID:         fmt.Sprintf("goldset-%s-%d-w%d", host, os.Getpid(), w.ID),
			Logger:     riverLogger(r.Log),
			Queues:     map[string]river.QueueConfig{jobQueue: {MaxWorkers: r.Workers}},
			Workers:    r.riverWorkers(s),
			JobTimeout: r.ItemTimeout,
			// The items of a dead worker are handed to new jobs by the dispatcher at once; River's
			// rescue only tidies the old jobs up (they find their item taken and end).
			RescueStuckJobsAfter: r.ItemTimeout + 5*time.Minute,
			// Jobs follow one another (each finished item hands out the next): fetch soon after.
			FetchCooldown:   fetchCooldown,
			SoftStopTimeout: 5 * time.Second,
		})
		if err != nil {
			w.Close(ctx, r.Store)
			return nil, fmt.Errorf("pipelines: river: %w", err)
		}
		if err := client.Start(context.WithoutCancel(ctx)); err != nil {
			w.Close(ctx, r.Store)
			return nil, fmt.Errorf("pipelines: start river: %w", err)
		}
		s.client = client
	}
	lctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	s.loops.Add(1)
	go func() { defer s.loops.Done(); s.dispatchLoop(lctx) }()
	if s.client != nil {
		s.loops.Add(1)
		go func() { defer s.loops.Done(); s.watchLoop(lctx) }()
	}
	return s, nil
}

// stop interrupts the items in progress (River puts their jobs back in the queue without counting
// an attempt), then ends the worker's registration.
func (s *session) stop() {
	ctx := context.Background()
	if s.client != nil {
		stopCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		if err := s.client.Stop(stopCtx); err != nil {
			s.r.Log.Warn("stopping the job worker", "err", err)
		}
		cancel()
	}
	s.cancel()
	s.loops.Wait()
	if s.worker != nil {
		s.worker.Close(ctx, s.r.Store)
	}
}

// dispatchLoop hands out work: every two seconds, and when woken (a run was queued or resumed), it
// takes back the items of dead workers and of lost jobs and gives every active run's waiting items
// jobs up to its concurrency.
func (s *session) dispatchLoop(ctx context.Context) {
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	for {
		s.sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.r.wake:
		}
	}
}

func (s *session) sweep(ctx context.Context) {
	r := s.r
	if s.worker != nil {
		if err := s.worker.Keep(ctx); err != nil && ctx.Err() == nil {
			r.Log.Warn("worker lock", "err", err)
		}
	}
	orphans, err := r.Store.ReleaseOrphanedItems(ctx)
	if err != nil {
		r.logSweep(ctx, "taking back the items of stopped workers", err)
	}
	fetched, err := r.Store.ReleaseFetchedByDeadWorkers(ctx)
	if err != nil {
		r.logSweep(ctx, "taking back the jobs of stopped workers", err)
	}
	if orphans = append(orphans, fetched...); len(orphans) > 0 {
		byRun := map[int64]int{}
		for _, o := range orphans {
			byRun[o.RunID]++
		}
		for run, n := range byRun {
			r.Store.AddEvent(ctx, run, "warn", fmt.Sprintf("the worker processing %d item(s) stopped; they are handed to other workers", n))
			r.Log.Warn("items of a stopped worker handed over", "run", run, "items", n)
		}
		for _, o := range orphans {
			if o.JobID != 0 {
				// The old job ends cancelled when River rescues it, instead of running for nothing.
				r.insert.JobCancel(ctx, o.JobID)
			}
			if k, run, ok := r.kindOf(ctx, o.RunID); ok && k.Abandon != nil {
				k.Abandon(ctx, run, o.Key)
			}
		}
	}
	if lost, err := r.Store.ReleaseLostJobs(ctx); err != nil {
		r.logSweep(ctx, "taking back the items of lost jobs", err)
	} else if len(lost) > 0 {
		r.Log.Warn("items whose job ended without them handed to new jobs", "items", len(lost))
	}
	if err := r.Store.ForgetDeadWorkers(ctx); err != nil {
		r.logSweep(ctx, "forgetting stopped workers", err)
	}
	waiting, err := r.Store.RunsWaitingForJobs(ctx)
	if err != nil {
		r.logSweep(ctx, "finding runs that wait for jobs", err)
		return
	}
	for _, w := range waiting {
		k, ok := r.kinds[w.Run.Kind]
		if !ok || w.InFlight >= k.Concurrency(w.Run) {
			continue
		}
		if err := r.dispatch(ctx, w.Run.ID); err != nil {
			r.logSweep(ctx, fmt.Sprintf("handing out the items of run %d", w.Run.ID), err)
		}
	}
}

func (r *Runner) logSweep(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		r.Log.Warn(what, "err", err)
	}
}

// kindOf returns a run and its kind (for Abandon).
func (r *Runner) kindOf(ctx context.Context, runID int64) (Kind, store.PipelineRun, bool) {
	run, err := r.Store.PipelineRunByID(ctx, runID)
	if err != nil {
		return Kind{}, run, false
	}
	k, ok := r.kinds[run.Kind]
	return k, run, ok
}

// dispatch hands out a run's waiting items so that as many are held by jobs as its concurrency
// allows, in one transaction with the run locked (the sweep: a new or resumed run, items taken back).
func (r *Runner) dispatch(ctx context.Context, runID int64) error {
	return r.Store.InTx(ctx, "dispatch run items", func(tx pgx.Tx) error {
		run, inFlight, ok, err := store.LockRunForJobs(ctx, tx, runID)
		if err != nil || !ok {
			return err
		}
		k, ok := r.kinds[run.Kind]
		if !ok {
			return nil // a worker of a newer version may know it
		}
		if free := max(1, k.Concurrency(run)) - inFlight; free > 0 {
			_, err = r.queue(ctx, tx, runID, free)
		}
		return err
	})
}

// queue hands up to n of a run's waiting items to new River jobs, in tx. A finishing item passes its
// slot on this way (n = 1) without locking the run: the number of items held by jobs stays the same.
func (r *Runner) queue(ctx context.Context, tx pgx.Tx, runID int64, n int) (int, error) {
	items, err := store.QueueItems(ctx, tx, runID, n)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	params := make([]river.InsertManyParams, len(items))
	for i, it := range items {
		params[i] = river.InsertManyParams{Args: itemArgs{RunID: runID, Key: it.Key, Gen: it.Gen},
			InsertOpts: &river.InsertOpts{Queue: jobQueue, MaxAttempts: r.MaxAttempts}}
	}
	if _, err := r.insert.InsertManyFastTx(ctx, tx, params); err != nil {
		return 0, fmt.Errorf("pipelines: queue items of run %d: %w", runID, err)
	}
	return len(items), nil
}

// watchLoop stops the items in progress of runs that were cancelled (or finished elsewhere), twice a
// second.
func (s *session) watchLoop(ctx context.Context) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		runs := s.running.runs()
		if len(runs) == 0 {
			continue
		}
		stopped, err := s.r.Store.StoppedRuns(ctx, runs)
		if err != nil {
			continue
		}
		for _, id := range stopped {
			s.running.stop(id)
		}
	}
}

// runningItems are the items this process is processing, by run, with a way to stop them.
type runningItems struct {
	mu sync.Mutex
	m  map[int64]map[int64]context.CancelCauseFunc // run → job → cancel
}

func (ri *runningItems) add(run, job int64, cancel context.CancelCauseFunc) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	if ri.m == nil {
		ri.m = map[int64]map[int64]context.CancelCauseFunc{}
	}
	if ri.m[run] == nil {
		ri.m[run] = map[int64]context.CancelCauseFunc{}
	}
	ri.m[run][job] = cancel
}

func (ri *runningItems) remove(run, job int64) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	delete(ri.m[run], job)
	if len(ri.m[run]) == 0 {
		delete(ri.m, run)
	}
}

func (ri *runningItems) runs() []int64 {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	out := make([]int64, 0, len(ri.m))
	for id := range ri.m {
		out = append(out, id)
	}
	return out
}

func (ri *runningItems) stop(run int64) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	for _, cancel := range ri.m[run] {
		cancel(errRunStopped)
	}
}

// errRunStopped is why an item's context ends when its run was cancelled (or finished elsewhere).
var errRunStopped = errors.New("the run was cancelled")

// riverLogger keeps River's own logging to warnings and errors: its per-job lines would drown ours.
func riverLogger(log *slog.Logger) *slog.Logger {
	return slog.New(minLevel{h: log.Handler(), min: slog.LevelWarn})
}

type minLevel struct {
	h   slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}
func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }
func (m minLevel) WithAttrs(a []slog.Attr) slog.Handler {
	return minLevel{h: m.h.WithAttrs(a), min: m.min}
}
func (m minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h: m.h.WithGroup(name), min: m.min}
}
