package runs_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// kindTest is the run kind of these tests: items whose work the test decides.
const kindTest = "test"

// testRunner is a runner for kindTest runs whose items call work.
func testRunner(t *testing.T, st *store.Store, workers, concurrency int, work runs.ItemFunc) *runs.Runner {
	t.Helper()
	r := runs.NewRunner(st, pipelinetest.QuietLog())
	r.Workers = workers
	r.Register(runs.Kind{Name: kindTest, Item: work, Concurrency: func(store.PipelineRun) int { return concurrency }})
	return r
}

func TestMain(m *testing.M) { storetest.Main(m) }

func testKeys(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%04d", i)
	}
	return out
}

// resume resumes the run, retrying its failed items or not, and executes it; it returns the run as
// it is then.
func resume(t *testing.T, f *pipelinetest.Fixture, r *runs.Runner, run store.PipelineRun, retryFailed bool) store.PipelineRun {
	t.Helper()
	if _, err := f.St.ResumeRun(f.Ctx, store.System, f.Project.ID, run.ID, retryFailed); err != nil {
		t.Fatal(err)
	}
	return f.ExecuteRun(t, r, run, time.Minute)
}

// storedOnce checks that the results of the items testKeys(n) were each stored once.
func storedOnce(t *testing.T, stored map[string]int, n int) {
	t.Helper()
	for _, k := range testKeys(n) {
		if stored[k] != 1 {
			t.Fatalf("results stored: %v", stored)
		}
	}
}

func testRun(t *testing.T, f *pipelinetest.Fixture, items []string) store.PipelineRun {
	t.Helper()
	run, err := f.St.CreatePipelineRun(f.Ctx, store.System, f.Project.ID, kindTest, map[string]any{}, items)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// Two workers share one run: each item is processed once, by one of them, and the run's concurrency
// holds across both (neither worker alone has room for it).
func TestRunner_TwoWorkersShareARunWithinItsConcurrency(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	const concurrency = 6
	var (
		mu       sync.Mutex
		byKey    = map[string][]string{}
		inFlight atomic.Int32
		maxSeen  atomic.Int32
	)
	bothBusy := make(chan struct{})
	var once sync.Once
	busy := map[string]bool{}
	work := func(name string) runs.ItemFunc {
		return func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
			n := inFlight.Add(1)
			defer inFlight.Add(-1)
			for m := maxSeen.Load(); n > m && !maxSeen.CompareAndSwap(m, n); m = maxSeen.Load() {
			}
			mu.Lock()
			byKey[key] = append(byKey[key], name)
			busy[name] = true
			if busy["a"] && busy["b"] {
				once.Do(func() { close(bothBusy) })
			}
			mu.Unlock()
			// Hold the first items until both workers have one: the run cannot finish on one alone.
			select {
			case <-bothBusy:
			case <-time.After(20 * time.Second):
			case <-ctx.Done():
				return store.ItemOutcome{}, nil, ctx.Err()
			}
			time.Sleep(5 * time.Millisecond)
			return store.ItemOutcome{OK: true, Kept: 1}, nil, nil
		}
	}
	a := testRunner(t, f.St, 4, concurrency, work("a"))
	b := testRunner(t, f.St, 4, concurrency, work("b"))
	run := testRun(t, f, testKeys(120))
	var wg sync.WaitGroup
	for _, r := range []*runs.Runner{a, b} {
		wg.Add(1)
		go func() { defer wg.Done(); pipelinetest.ExecuteWithin(t, r, run, time.Minute) }()
	}
	wg.Wait()

	got := f.Run(t, run)
	if got.Status != store.RunSucceeded || got.Done != 120 || got.Succeeded != 120 || got.Kept != 120 {
		t.Fatalf("run: %+v", got)
	}
	workers := map[string]int{}
	for _, k := range testKeys(120) {
		if len(byKey[k]) != 1 {
			t.Fatalf("item %s processed by %v, want exactly once", k, byKey[k])
		}
		workers[byKey[k][0]]++
	}
	if workers["a"] == 0 || workers["b"] == 0 {
		t.Fatalf("items by worker: %v; both must have worked", workers)
	}
	if m := maxSeen.Load(); m > concurrency {
		t.Fatalf("%d items at once, the run allows %d", m, concurrency)
	}
	t.Logf("items by worker %v, at most %d at once", workers, maxSeen.Load())
}

// A transient failure (the database unreachable) is tried again with backoff and then succeeds; any
// other error, or a panic, fails the item at once with its reason, and the other items go on.
func TestRunner_TransientErrorsRetryOthersFailTheItemWithTheirReason(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	var mu sync.Mutex
	calls := map[string]int{}
	r := testRunner(t, f.St, 4, 4, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		mu.Lock()
		calls[key]++
		n := calls[key]
		mu.Unlock()
		switch {
		case key == "flaky" && n == 1:
			return store.ItemOutcome{}, nil, fmt.Errorf("reading the question: %w", store.ErrUnavailable)
		case key == "bad":
			return store.ItemOutcome{}, nil, errors.New("the question has no database")
		case key == "panics":
			var m map[string]int
			m["boom"]++
		}
		return store.ItemOutcome{OK: true}, nil, nil
	})
	run := testRun(t, f, []string{"bad", "flaky", "ok1", "ok2", "panics"})
	got := f.ExecuteRun(t, r, run, time.Minute)
	if got.Status != store.RunSucceeded || got.Done != 5 || got.Succeeded != 3 || got.Failed != 2 {
		t.Fatalf("run: %+v", got)
	}
	if calls["flaky"] != 2 || calls["bad"] != 1 || calls["panics"] != 1 {
		t.Fatalf("calls: %v (a transient error is retried once it passes; others are not retried)", calls)
	}
	details := map[string]string{}
	rows, _ := f.St.Pool().Query(f.Ctx, `SELECT item_key, status || ' ' || COALESCE(detail->>'error', '') FROM pipeline_items WHERE run_id = $1`, run.ID)
	for rows.Next() {
		var k, d string
		rows.Scan(&k, &d)
		details[k] = d
	}
	if details["bad"] != "failed the question has no database" || !strings.HasPrefix(details["panics"], "failed panic: assignment to entry in nil map") ||
		details["flaky"] != "done " {
		t.Fatalf("items: %v", details)
	}
	log := f.Log(t, run)
	for _, want := range []string{"info: started", "trying again (attempt 1 of 8)", "error: item bad: the question has no database", "info: finished"} {
		if !strings.Contains(log, want) {
			t.Errorf("the run's log lacks %q:\n%s", want, log)
		}
	}
}

// A run none of whose items succeeded has failed, and says why; retried after the cause is fixed,
// it succeeds and every item is done once.
func TestRunner_RunWithNoSuccessFailsAndRetryFailedFinishesIt(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	var broken atomic.Bool
	broken.Store(true)
	var mu sync.Mutex
	done := map[string]int{}
	r := testRunner(t, f.St, 2, 2, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		if broken.Load() {
			return store.ItemOutcome{}, nil, errors.New("the model refused")
		}
		return store.ItemOutcome{OK: true}, func(ctx context.Context, tx pgx.Tx) error {
			mu.Lock()
			defer mu.Unlock()
			done[key]++
			return nil
		}, nil
	})
	run := testRun(t, f, testKeys(3))
	got := f.ExecuteRun(t, r, run, time.Minute)
	if got.Status != store.RunFailed || got.Failed != 3 || !strings.Contains(got.Error, "no item succeeded; the first failed with: the model refused") {
		t.Fatalf("run: %+v", got)
	}
	if got := resume(t, f, r, run, false); got.Status != store.RunFailed || got.Failed != 3 {
		t.Fatalf("resumed without retrying failed items, nothing changes: %+v", got)
	}
	broken.Store(false)
	got = resume(t, f, r, run, true)
	if got.Status != store.RunSucceeded || got.Succeeded != 3 || got.Failed != 0 || got.Done != 3 || got.Error != "" {
		t.Fatalf("after retrying failed items: %+v", got)
	}
	storedOnce(t, done, 3)
}

// A run cancelled while an item's result is being stored does not fail the item: the item's work
// is done and its result is stored, in a context the cancel does not end.
func TestRunner_ACancelWhileAResultIsStoredStoresIt(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	var stored atomic.Int32
	r := testRunner(t, f.St, 1, 1, func(itemCtx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		return store.ItemOutcome{OK: true}, func(ctx context.Context, tx pgx.Tx) error {
			// The run is cancelled now; the runner ends the item's context.
			go f.St.CancelRun(context.Background(), store.System, run.ProjectID, run.ID)
			select {
			case <-itemCtx.Done():
			case <-time.After(time.Minute):
				t.Error("the cancel never reached the item")
			}
			if _, err := tx.Exec(ctx, `SELECT 1`); err != nil {
				return err
			}
			stored.Add(1)
			return nil
		}, nil
	})
	run := testRun(t, f, testKeys(1))
	if err := r.Execute(f.Ctx, run); err != nil {
		t.Fatal(err)
	}
	if got := f.Run(t, run); got.Done != 1 || got.Failed != 0 || stored.Load() != 1 {
		t.Fatalf("the item was not stored: %+v, stored %d", got, stored.Load())
	}
}

// Cancelling stops the items in progress (their context ends) and starts no other; a resume does
// the rest, and an item's result is stored once.
func TestRunner_CancelStopsItemsInProgressAndResumeDoesTheRest(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	started := make(chan string, 100)
	var mu sync.Mutex
	stored := map[string]int{}
	var hold atomic.Bool
	hold.Store(true)
	r := testRunner(t, f.St, 2, 2, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		started <- key
		if hold.Load() {
			<-ctx.Done() // only a cancel ends these
			return store.ItemOutcome{}, nil, ctx.Err()
		}
		return store.ItemOutcome{OK: true}, func(context.Context, pgx.Tx) error { mu.Lock(); stored[key]++; mu.Unlock(); return nil }, nil
	})
	run := testRun(t, f, testKeys(10))
	errc := make(chan error, 1)
	go func() { errc <- r.Execute(f.Ctx, run) }()
	<-started
	<-started
	if _, err := f.St.CancelRun(f.Ctx, store.System, f.Project.ID, run.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the cancelled run's items did not stop")
	}
	if got := f.Run(t, run); got.Status != store.RunCancelled || got.Done != 0 {
		t.Fatalf("cancelled: %+v", got)
	}
	if len(started) != 0 {
		t.Fatalf("items started after the cancel: %d", len(started))
	}
	hold.Store(false)
	if got := resume(t, f, r, run, false); got.Status != store.RunSucceeded || got.Done != 10 {
		t.Fatalf("resumed: %+v", got)
	}
	storedOnce(t, stored, 10)
}

// A worker that stops (Ctrl-C, SIGTERM) interrupts its items; they go back to the queue and the
// next worker does them.
func TestRunner_StoppedWorkerLeavesItsItemsToTheNext(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	started := make(chan struct{}, 10)
	first := testRunner(t, f.St, 2, 2, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		started <- struct{}{}
		<-ctx.Done()
		return store.ItemOutcome{}, nil, ctx.Err()
	})
	run := testRun(t, f, testKeys(4))
	ctx, stop := context.WithCancel(f.Ctx)
	errc := make(chan error, 1)
	go func() { errc <- first.Execute(ctx, run) }()
	<-started
	<-started
	stop()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped worker: %v", err)
	}
	if got := f.Run(t, run); got.Status != store.RunRunning || got.Done != 0 {
		t.Fatalf("after the stop: %+v", got)
	}
	next := testRunner(t, f.St, 2, 2, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		return store.ItemOutcome{OK: true}, nil, nil
	})
	if got := f.ExecuteRun(t, next, run, time.Minute); got.Status != store.RunSucceeded || got.Succeeded != 4 {
		t.Fatalf("finished by the next worker: %+v", got)
	}
}

// Generating pipelines count what they keep and what they drop, by reason; the run adds them up.
func TestRunner_KeptAndDroppedAddUpByReason(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	r := testRunner(t, f.St, 4, 4, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		o := store.ItemOutcome{OK: true, Kept: 2, Dropped: map[string]int{"near_duplicate": 1}, PromptTokens: 10, CompletionTokens: 5, CostUSD: 0.001}
		if key == "0001" {
			o.Dropped = map[string]int{"invalid_json": 3, "near_duplicate": 2}
		}
		if key == "0002" {
			o.Dropped = nil
		}
		return o, nil, nil
	})
	run := testRun(t, f, testKeys(4))
	got := f.ExecuteRun(t, r, run, time.Minute)
	if got.Kept != 8 || got.Dropped["near_duplicate"] != 4 || got.Dropped["invalid_json"] != 3 || len(got.Dropped) != 2 ||
		got.PromptTokens != 40 || got.CompletionTokens != 20 {
		t.Fatalf("run: %+v", got)
	}
}

// The items of a worker that died are handed to other jobs once: one it had claimed, and one whose
// job it had fetched but not yet claimed (River shows that job running until its timeout). The dead
// worker's jobs, if they ever ran again, would find the items no longer theirs.
func TestRunner_ItemsOfADeadWorkerAreHandedOverOnce(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	var calls atomic.Int32
	r := testRunner(t, f.St, 2, 2, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		calls.Add(1)
		return store.ItemOutcome{OK: true}, nil, nil
	})
	run := testRun(t, f, []string{"claimed", "fetched"})
	pool := f.St.Pool()
	var dead int32
	if err := pool.QueryRow(f.Ctx, `INSERT INTO pipeline_workers (host, pid) VALUES ('gone', 1) RETURNING id`).Scan(&dead); err != nil {
		t.Fatal(err)
	}
	// What the killed worker left: both items queued (generation 1), one claimed by it; both River
	// jobs running, attempted by its client.
	var jobs [2]int64
	for i, key := range []string{"claimed", "fetched"} {
		if err := pool.QueryRow(f.Ctx, `INSERT INTO river_job (args, kind, max_attempts, queue, state, attempt, attempted_at, attempted_by)
			VALUES (jsonb_build_object('run_id', $1::bigint, 'key', $2::text, 'gen', 1), 'pipeline_item', 8, 'pipelines', 'running', 1, now(),
				ARRAY['goldset-gone-1-w' || $3::int]) RETURNING id`, run.ID, key, dead).Scan(&jobs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pool.Exec(f.Ctx, `UPDATE pipeline_items SET queued = true, gen = 1,
		job_id = CASE item_key WHEN 'claimed' THEN $2::bigint END, worker_id = CASE item_key WHEN 'claimed' THEN $3::int END,
		attempts = CASE item_key WHEN 'claimed' THEN 1 ELSE 0 END WHERE run_id = $1`, run.ID, jobs[0], dead); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(f.Ctx, `UPDATE pipeline_runs SET status = 'running' WHERE id = $1`, run.ID); err != nil {
		t.Fatal(err)
	}
	if got := f.ExecuteRun(t, r, run, time.Minute); got.Status != store.RunSucceeded || got.Succeeded != 2 || calls.Load() != 2 {
		t.Fatalf("run: %+v after %d calls", got, calls.Load())
	}
	// The dead worker's jobs (generation 1) may not claim the items any more.
	for i, key := range []string{"claimed", "fetched"} {
		if _, _, ok, err := f.St.ClaimItem(f.Ctx, run.ID, key, 1, jobs[i], dead); ok || err != nil {
			t.Fatalf("stale job claimed %s: %v %v", key, ok, err)
		}
	}
	if log := f.Log(t, run); !strings.Contains(log, "the worker processing 2 item(s) stopped") {
		t.Fatalf("log: %s", log)
	}
	var cancelAsked int
	pool.QueryRow(f.Ctx, `SELECT count(*) FROM river_job WHERE id = ANY($1) AND metadata ? 'cancel_attempted_at'`, jobs[:]).Scan(&cancelAsked)
	if cancelAsked != 2 {
		t.Fatalf("%d of the dead worker's jobs marked for cancellation, want 2", cancelAsked)
	}
	var workers int
	pool.QueryRow(f.Ctx, `SELECT count(*) FROM pipeline_workers`).Scan(&workers)
	if workers != 1 { // the dead one is forgotten only after a minute; this process's own is gone
		t.Fatalf("%d workers registered", workers)
	}
}

// BenchmarkRunner_ItemOverhead is the platform's cost of one item when the work itself is free: claim,
// completion (with the run's counters and the next item's job) and River's fetch, at concurrency 16.
func BenchmarkRunner_ItemOverhead(b *testing.B) {
	f := pipelinetest.New(b)
	r := runs.NewRunner(f.St, pipelinetest.QuietLog())
	r.Register(runs.Kind{Name: kindTest, Concurrency: func(store.PipelineRun) int { return 16 },
		Item: func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
			return store.ItemOutcome{OK: true}, nil, nil
		}})
	const n = 1000
	var total time.Duration
	for i := 0; i < b.N; i++ {
		run, err := f.St.CreatePipelineRun(f.Ctx, store.System, f.Project.ID, kindTest, map[string]any{}, testKeys(n))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := r.Execute(f.Ctx, run); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(n*b.N), "ms/item")
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "items/s")
}

// An item that fails for want of a language model says which process worked it: the endpoint a
// command was given is that command's, and another process may have taken the item.
func TestRunner_NoModelSaysWhichProcessWorkedTheItem(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	r := testRunner(t, f.St, 1, 1, func(ctx context.Context, run store.PipelineRun, key string) (store.ItemOutcome, runs.ItemSaver, error) {
		return store.ItemOutcome{}, nil, &runs.ItemError{Err: fmt.Errorf("target model: llm: %w", llm.ErrNotConfigured)}
	})
	run := testRun(t, f, testKeys(1))
	got := f.ExecuteRun(t, r, run, time.Minute)
	if !strings.Contains(got.Error, "no language model is configured") || !strings.Contains(got.Error, "this item was worked by worker #") ||
		!strings.Contains(got.Error, fmt.Sprintf("process %d", os.Getpid())) {
		t.Fatalf("run: %+v", got)
	}
}
