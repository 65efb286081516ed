package store_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store"
)

// queueAll hands every waiting item of a run to a (pretend) job of the next generation.
func queueAll(t *testing.T, st *store.Store, runID int64) map[string]int {
	t.Helper()
	ctx := context.Background()
	var items []store.QueuedItem
	inTx(t, st, func(tx pgx.Tx) {
		var err error
		if items, err = store.QueueItems(ctx, tx, runID, 100); err != nil {
			t.Fatal(err)
		}
	})
	gens := map[string]int{}
	for _, it := range items {
		gens[it.Key] = it.Gen
	}
	return gens
}

// newRun creates a project and in it a run of kind "test" over the items keys.
func newRun(t *testing.T, st *store.Store, project string, params map[string]any, keys ...string) (store.Project, store.PipelineRun) {
	t.Helper()
	p := newProject(t, st, project, 0)
	run, err := st.CreatePipelineRun(context.Background(), store.System, p.ID, "test", params, keys)
	if err != nil {
		t.Fatal(err)
	}
	return p, run
}

// Ten workers finishing the same item at once record it once: one result, one count.
func TestCompleteItem_RecordsAnItemOnceWhoeverFinishesIt(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	p, run := newRun(t, st, "runs", map[string]any{}, "a", "b")
	var mu sync.Mutex
	saved := 0
	oks, errs := parallel(10, func(int) (bool, error) {
		return st.CompleteItem(ctx, run.ID, store.ItemOutcome{Key: "a", OK: true, PromptTokens: 5, Dropped: map[string]int{"empty": 1}},
			func(pgx.Tx) error { mu.Lock(); saved++; mu.Unlock(); return nil }, nil)
	})
	recorded := 0
	for i, ok := range oks {
		if errs[i] != nil {
			t.Error(errs[i])
		}
		if ok {
			recorded++
		}
	}
	got, _ := st.PipelineRun(ctx, p.ID, run.ID)
	if recorded != 1 || saved != 1 || got.Done != 1 || got.PromptTokens != 5 || got.Dropped["empty"] != 1 || got.Status != store.RunQueued {
		t.Fatalf("recorded %d, saved %d; run %+v", recorded, saved, got)
	}
	if _, err := st.CompleteItem(ctx, run.ID, store.ItemOutcome{Key: "b", OK: false, Detail: map[string]string{"error": "refused"}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.PipelineRun(ctx, p.ID, run.ID); got.Status != store.RunSucceeded || got.Done != 2 || got.Failed != 1 || got.FinishedAt == nil {
		t.Fatalf("after the last item: %+v", got)
	}
}

// Only the job of an item's current generation may claim it, and only while its run is active; an
// item taken back and handed out again belongs to the new job.
func TestClaimItem_OnlyTheCurrentJobOfAnActiveRun(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	p, run := newRun(t, st, "claims", map[string]any{"x": 1}, "a")
	gen := queueAll(t, st, run.ID)["a"]
	if _, _, ok, _ := st.ClaimItem(ctx, run.ID, "a", gen+1, 7, 1); ok {
		t.Fatal("a job of another generation claimed the item")
	}
	got, attempts, ok, err := st.ClaimItem(ctx, run.ID, "a", gen, 7, 1)
	if err != nil || !ok || attempts != 1 || got.ID != run.ID || string(got.Params) != `{"x": 1}` {
		t.Fatalf("claim: %v %v %d %+v", ok, err, attempts, got)
	}
	if r, _ := st.PipelineRun(ctx, p.ID, run.ID); r.Status != store.RunRunning || r.StartedAt == nil {
		t.Fatalf("the first claim starts the run: %+v", r)
	}
	// Taken back (as from a dead worker) and handed out again: the old generation is out.
	mustExec(t, st, `UPDATE pipeline_items SET queued = false, worker_id = NULL WHERE run_id = $1`, run.ID)
	next := queueAll(t, st, run.ID)["a"]
	if _, _, ok, _ := st.ClaimItem(ctx, run.ID, "a", gen, 7, 1); ok || next != gen+1 {
		t.Fatalf("the old job claimed a handed-over item (generations %d → %d)", gen, next)
	}
	if _, err := st.CancelRun(ctx, store.System, p.ID, run.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, ok, _ := st.ClaimItem(ctx, run.ID, "a", next, 8, 1); ok {
		t.Fatal("an item of a cancelled run was claimed")
	}
}

// Runs are numbered per project and kind, consecutively, also when created at once.
func TestCreatePipelineRun_NumbersPerKind(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	p := newProject(t, st, "numbers", 0)
	other := newProject(t, st, "others", 0)
	if _, err := st.CreatePipelineRun(ctx, store.System, other.ID, "evaluate", map[string]any{}, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreatePipelineRun(ctx, store.System, p.ID, "agent", map[string]any{}, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	runs, errs := parallel(12, func(int) (store.PipelineRun, error) {
		return st.CreatePipelineRun(ctx, store.System, p.ID, "evaluate", map[string]any{}, []string{"a"})
	})
	numbers := make([]int, len(runs))
	for i, r := range runs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		numbers[i] = r.Number
	}
	sort.Ints(numbers)
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("evaluation numbers %v, want 1…12", numbers)
		}
	}
}

// A log line written while an older transaction's line is not yet committed waits for it, so the
// log reads in the order lines became visible and a reader asking for the lines after the last id
// it saw (the live stream) never skips one.
func TestAddEvent_LinesBecomeVisibleInIDOrder(t *testing.T) {
	t.Parallel()
	st := open(t)
	ctx := context.Background()
	_, run := newRun(t, st, "log order", map[string]any{}, "a")
	tx, err := st.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if err := store.AddEventTx(ctx, tx, run.ID, "info", "scored the item"); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { st.AddEvent(ctx, run.ID, "error", "failed"); close(done) }()
	// The second line either waits for the first transaction (right) or is written past it.
	deadline := time.Now().Add(30 * time.Second)
	for waiting := false; !waiting; {
		select {
		case <-done:
			seen, _ := st.Events(ctx, run.ID, 0, 10)
			t.Fatalf("a line was committed while an earlier one was not: a reader now sees %+v and would skip the earlier one", seen)
		default:
		}
		if err := st.Pool().QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pipeline_events%')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the second line neither waited nor was written")
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	<-done
	ev, err := st.Events(ctx, run.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 2 || ev[0].Message != "scored the item" || ev[1].Message != "failed" || ev[1].At.Before(ev[0].At) {
		t.Fatalf("log %+v; want the item's line, then the failure, at their own times", ev)
	}
}
