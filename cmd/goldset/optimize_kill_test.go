package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/optimize"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/store"
)

// The kill -9 proof for prompt optimization: a worker killed while it scores a proposed prompt
// (the baseline scored, the proposal stored, some of its items answered, others waiting on the
// model) leaves the run to another worker, which finishes it without asking the optimizer again,
// without scoring any item twice, and re-asking the target only what was waiting at the kill.
func TestWorker_KillNineMidOptimizationResumesWithoutRedoingWork(t *testing.T) {
	const (
		perSplit    = 10
		concurrency = 4
		answered    = perSplit + 3 // the baseline's val items and 3 of the proposal's, then the model holds
		rule        = "To answer how many, count the rows."
	)
	c := newSerialCLI(t).withSingers()
	model := modelServer(t)
	hold := newGate(t, answered)
	var (
		mu        sync.Mutex
		asked     = map[string]int{} // target prompts
		optimizer atomic.Int32
	)
	model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		prompt := llmtest.FirstUserMessage(req)
		if strings.Contains(prompt, "I have some prompts along with their corresponding accuracies.") {
			optimizer.Add(1)
			return llmtest.Text("[[" + strings.TrimSpace(prompts.BuiltinTemplate) + "\n" + rule + "]]")
		}
		mu.Lock()
		asked[prompt]++
		mu.Unlock()
		hold.pass()
		if strings.Contains(prompt, rule) {
			return llmtest.Text("```sql\nSELECT count(*) FROM singers\n```")
		}
		return llmtest.Text("```sql\nSELECT 'unsure'\n```")
	})
	set := llm.Settings{BaseURL: model.URL, APIKey: "test-key", Model: llmtest.FakeModel} // as the worker processes have it

	importCountQuestions(c, 3*perSplit)

	ctx := context.Background()
	st := openStore(t, c.url)
	snapshot := splitEvenly(t, st)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	models, err := llmconf.NewModels(ctx, st, set, filepath.Join(t.TempDir(), "key"), log)
	if err != nil {
		t.Fatal(err)
	}
	// Only to queue the run and read its report (no sandbox, no schemas, no runner): the workers are processes.
	opt := optimize.New(st, evaluate.New(st, nil, models, nil, nil, log), nil)
	run, err := opt.StartOptimization(ctx, store.System, snapshot.ProjectID, optimize.Params{
		Method: optimize.MethodOPRO, SnapshotID: snapshot.ID, Concurrency: concurrency, OPRO: optimize.OPROParams{Iterations: 2, Candidates: 1}})
	if err != nil {
		t.Fatal(err)
	}
	reload := runReader(t, st, run)

	bin := buildGoldset(t)
	workerArgs := []string{"worker", "--database-url", c.url, "--workers", "8", "--log-level", "warn"}
	first := startProcess(t, bin, workerArgs...)
	scored := func() (n int) {
		st.Pool().QueryRow(ctx, `SELECT count(*) FROM eval_results WHERE run_id = $1`, run.ID).Scan(&n)
		return n
	}
	pollUntil(t, "the proposal's items to wait on the model", 2*time.Minute, first, func() bool {
		return hold.held.Load() == concurrency && scored() == answered
	})
	first.kill(t)
	if scoredAtKill := scored(); scoredAtKill != answered || optimizer.Load() != 1 {
		t.Fatalf("at the kill: %d items scored (want %d), optimizer asked %d times (want 1)", scoredAtKill, answered, optimizer.Load())
	}
	hold.open()

	second := startProcess(t, bin, workerArgs...)
	pollUntil(t, "the run to finish", 2*time.Minute, second, func() bool { return reload().Finished() })
	if r := reload(); r.Status != store.RunSucceeded {
		t.Fatalf("run: %s %s", r.Status, r.Error)
	}
	rep, err := opt.Optimization(ctx, run.ProjectID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if optimizer.Load() != 2 || len(rep.Candidates) != 3 || rep.Best == nil || !strings.Contains(rep.Best.Prompt, rule) {
		t.Fatalf("optimizer asked %d times (want 2: a stored proposal is not asked again), %d candidates, best %+v",
			optimizer.Load(), len(rep.Candidates), rep.Best)
	}
	if rep.Test == nil || rep.Test.BestAccuracy != 1 || rep.Test.BaselineAccuracy != 0 || rep.Test.N != perSplit {
		t.Fatalf("test report: %+v", rep.Test)
	}
	var total, distinct int
	st.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT (candidate_id, nlq_id)) FROM eval_results WHERE run_id = $1`, run.ID).Scan(&total, &distinct)
	// The baseline on val and test, the first proposal on val, the second on val, the best on test.
	if want := 5 * perSplit; total != want || distinct != want {
		t.Fatalf("%d results for %d (prompt, question) pairs, want %d", total, distinct, want)
	}
	mu.Lock()
	defer mu.Unlock()
	again := 0
	for _, n := range asked {
		switch {
		case n == 2:
			again++
		case n != 1:
			t.Errorf("a target prompt was asked %d times", n)
		}
	}
	if again > concurrency {
		t.Errorf("%d target prompts asked twice, want at most the %d held at the kill", again, concurrency)
	}
}

// splitEvenly cuts a snapshot of project p's questions, accepted with their imported SQL, a third in
// each split.
func splitEvenly(t *testing.T, st *store.Store) store.Snapshot {
	t.Helper()
	ctx := context.Background()
	var projectID int64
	if err := st.Pool().QueryRow(ctx, `SELECT id FROM projects WHERE name = 'p'`).Scan(&projectID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `UPDATE nlqs n SET status = 'accepted', gold_candidate_id = (SELECT max(id) FROM sql_candidates c
		WHERE c.nlq_id = n.id) WHERE project_id = $1`, projectID); err != nil {
		t.Fatal(err)
	}
	pairs, err := st.AcceptedPairs(ctx, projectID, store.SnapshotSource{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pairs {
		pairs[i].Split, pairs[i].Hardness = []string{"train", "val", "test"}[i%3], "easy"
	}
	params, _ := json.Marshal(map[string]any{"name": "thirds"})
	snap := store.Snapshot{ProjectID: projectID, Name: "thirds", Params: params, Manifest: json.RawMessage(`{}`), ContentHash: golden.ContentHash(pairs)}
	if err := st.CreateSnapshot(ctx, store.System, &snap, pairs); err != nil {
		t.Fatal(err)
	}
	return snap
}
