package optimize

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/evaluate/evaluatetest"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// goldBench is the gold set with the evaluator and the optimizer, as cmd/goldset's App builds them,
// whose runs the gold set's Runner processes.
type goldBench struct {
	*evaluatetest.Gold
	eval *evaluate.Evaluator
	opt  *Optimizer
}

func newGoldBench(t *testing.T) *goldBench {
	t.Helper()
	b := &goldBench{Gold: evaluatetest.New(t)}
	b.wire()
	return b
}

// wire makes the evaluator and the optimizer with a fresh runner that processes their runs (as
// another worker process would).
func (b *goldBench) wire() {
	b.Runner = runs.NewRunner(b.St, b.Logger)
	b.eval = evaluate.New(b.St, b.Exec, b.Models, schemas.New(b.St, b.Exec), b.Runner, b.Logger)
	b.opt = New(b.St, b.eval, b.Runner)
	for _, k := range slices.Concat(b.eval.Kinds(), b.opt.Kinds()) {
		b.Runner.Register(k)
	}
}

func TestOPRO_FindsTheRuleFromFailuresAndBeatsTheBaselineOnTest(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	run, rep := b.optimize(t, Params{Method: MethodOPRO, SnapshotID: b.Snapshot.ID,
		OPRO: OPROParams{Iterations: 2, Candidates: 2}})
	if run.Status != store.RunSucceeded {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	if len(rep.Candidates) != 5 || rep.Best == nil || !strings.Contains(rep.Best.Prompt, evaluatetest.MagicRule) {
		t.Fatalf("%d candidates, best %+v", len(rep.Candidates), rep.Best)
	}
	b.expectImprovement(t, rep)
	// The meta-prompt lists the past prompts by accuracy, ascending.
	for _, req := range b.Model.Requests() {
		p := llmtest.FirstUserMessage(req)
		if !strings.Contains(p, "corresponding accuracies") {
			continue
		}
		accs := regexp.MustCompile(`Accuracy: ([0-9.]+)%`).FindAllStringSubmatch(p, -1)
		for i := 1; i < len(accs); i++ {
			if accs[i][1] < accs[i-1][1] && len(accs[i][1]) == len(accs[i-1][1]) {
				t.Fatalf("meta-prompt not ascending: %v", accs)
			}
		}
	}
	// Adopted, the best prompt is the project's template and the agent's instructions.
	pt, err := b.opt.Adopt(b.Ctx, store.System, b.Project.ID, run.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := evaluate.CurrentPrompt(b.Ctx, b.St, b.Project.ID)
	if err != nil || cur.Version != 1 || pt.Source != "optimization" || cur.Body != rep.Best.Prompt || *cur.RunID != run.ID {
		t.Fatalf("adopted %+v, current %+v (%v)", pt, cur, err)
	}
	if _, err := b.opt.Adopt(b.Ctx, store.System, b.Project.ID, run.ID, 424242); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("adopting an unknown candidate: %v", err)
	}
}

// optimize starts an optimization with p and executes it; it returns the run as it ended and its
// report.
func (b *goldBench) optimize(t *testing.T, p Params) (store.PipelineRun, Report) {
	t.Helper()
	run, err := b.opt.StartOptimization(b.Ctx, store.System, b.Project.ID, p)
	if err != nil {
		t.Fatal(err)
	}
	run = b.Execute(t, run)
	return run, b.report(t, run)
}

func (b *goldBench) report(t *testing.T, run store.PipelineRun) Report {
	t.Helper()
	rep, err := b.opt.Optimization(b.Ctx, b.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// expectImprovement checks the end of a successful optimization: the best prompt beats the
// baseline on validation and on test, significantly, and the diff shows the rule added.
func (b *goldBench) expectImprovement(t *testing.T, rep Report) {
	t.Helper()
	base := rep.Candidates[0]
	if base.Origin != "baseline" || *rep.Best.ValScore <= *base.ValScore {
		t.Fatalf("best %.3f on validation, baseline %.3f", *rep.Best.ValScore, *base.ValScore)
	}
	tr := rep.Test
	if tr == nil || tr.BestAccuracy <= tr.BaselineAccuracy || tr.OnlyBaseline != 0 || tr.McNemarP >= 0.05 || tr.CILow <= 0 {
		t.Fatalf("test report: %+v", tr)
	}
	if tr.N != len(b.Pairs(t, "test")) {
		t.Fatalf("test report over %d items", tr.N)
	}
	added := false
	for _, h := range rep.Diff {
		if h.Op == store.DiffInsert && strings.Contains(strings.Join(h.Lines, "\n"), evaluatetest.MagicRule) {
			added = true
		}
	}
	if !added {
		t.Fatalf("diff: %+v", rep.Diff)
	}
	for i, st := range rep.Steps {
		if st.Status != "done" || (st.Key != stepTest && st.BestScore == nil) {
			t.Fatalf("step %d: %+v", i, st)
		}
	}
}

// reviewOn records a reviewer's decision, with a comment, on a question of the snapshot's training split.
func (b *goldBench) reviewOn(t *testing.T) {
	t.Helper()
	train := b.Pairs(t, "train")
	for _, p := range train {
		if _, ok := b.SQLOf[p.Question]; !ok || evaluatetest.Easy(p.Question) {
			continue
		}
		if _, err := b.St.Pool().Exec(b.Ctx, `WITH i AS (INSERT INTO review_items (project_id, nlq_id, reason, status)
				VALUES ($1, $2, 'disagreement', 'resolved') RETURNING id)
			INSERT INTO reviews (review_item_id, decision, error_type, comment) SELECT id, 'accept_b', 'schema_linking', $3 FROM i`,
			b.Project.ID, p.NLQID, evaluatetest.ReviewerComment); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatal("no hard training question")
}

func TestAPO_CriticSeesFailuresAndReviewsBeamKeepsTheBestChild(t *testing.T) {
	b := newGoldBench(t)
	b.reviewOn(t)
	run, rep := b.optimize(t, Params{Method: MethodAPO, SnapshotID: b.Snapshot.ID,
		APO: APOParams{BeamWidth: 2, BranchFactor: 2, Rounds: 2, GradientBatch: 16, ValidationBatch: 12}})
	if run.Status != store.RunSucceeded {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	if rep.Best == nil || !strings.Contains(rep.Best.Prompt, evaluatetest.MagicRule) || rep.Best.ParentID == nil || rep.Best.Critique == "" {
		t.Fatalf("best: %+v", rep.Best)
	}
	b.expectImprovement(t, rep)
	critiques, withReview := 0, 0
	for _, req := range b.Model.Requests() {
		if p := llmtest.FirstUserMessage(req); strings.Contains(p, "Critique the prompt below") {
			critiques++
			if strings.Contains(p, "schema_linking: "+evaluatetest.ReviewerComment) {
				withReview++
			}
			if !strings.Contains(p, "Predicted SQL:") || !strings.Contains(p, "Gold SQL:") {
				t.Fatalf("the critic did not see the failures:\n%s", p)
			}
		}
	}
	if critiques == 0 || withReview == 0 {
		t.Fatalf("%d critiques asked for, %d with the reviewer's error type and comment", critiques, withReview)
	}
	// Round 1 expands the baseline alone (beam of one): two children; round 2 expands the beam of two.
	children := map[int]int{}
	for _, c := range rep.Candidates {
		children[c.Step]++
		if c.Step > 0 && (c.ParentID == nil || c.Score == nil || c.Scored != 12) {
			t.Fatalf("child without parent or minibatch score: %+v", c)
		}
	}
	if children[0] != 1 || children[1] != 2 {
		t.Fatalf("candidates per round: %v", children)
	}
}

// A worker stopped in the middle of an optimization (as by kill -9: nothing is cleaned up) leaves
// its step to the next worker, which redoes nothing that was stored: no item is scored twice and
// the prompts already proposed are kept.
func TestOPRO_StoppedWorkerResumesWithoutRedoingWork(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	run, err := b.opt.StartOptimization(b.Ctx, store.System, b.Project.ID, Params{Method: MethodOPRO, SnapshotID: b.Snapshot.ID,
		Concurrency: 2, OPRO: OPROParams{Iterations: 2, Candidates: 2}})
	if err != nil {
		t.Fatal(err)
	}
	val := len(b.Pairs(t, "val"))
	ctx, stop := context.WithCancel(b.Ctx)
	stopped := make(chan struct{})
	var once atomic.Bool
	b.Stall = func() {
		// Mid-way through scoring the first proposal of iteration 1.
		if b.Calls.Load() == int64(val+val/2) && once.CompareAndSwap(false, true) {
			stop()
			close(stopped)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- b.Runner.Execute(ctx, run) }()
	select {
	case <-stopped:
	case err := <-errc:
		t.Fatalf("the run ended before the stop: %v", err)
	case <-time.After(3 * time.Minute):
		t.Fatal("the stop point was never reached")
	}
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("stopped worker: %v", err)
	}
	b.Stall = nil
	before, _ := b.St.PromptCandidates(b.Ctx, run.ID)
	b.wire()
	run = b.Execute(t, run)
	if run.Status != store.RunSucceeded {
		t.Fatalf("resumed run %s: %s", run.Status, run.Error)
	}
	rep := b.report(t, run)
	for _, c := range before {
		if rep.Candidates[slicesIndex(rep.Candidates, c.ID)].Prompt != c.Prompt {
			t.Fatalf("candidate %d changed on resume", c.ID)
		}
	}
	var scored, distinct int
	b.St.Pool().QueryRow(b.Ctx, `SELECT count(*), count(DISTINCT (candidate_id, nlq_id)) FROM eval_results WHERE run_id = $1`, run.ID).Scan(&scored, &distinct)
	if scored != distinct {
		t.Fatalf("%d results for %d (candidate, question) pairs", scored, distinct)
	}
	// Each scoring answered once by the model, save the few in flight when the worker stopped,
	// whose answers come back from the cache.
	var paid int
	b.St.Pool().QueryRow(b.Ctx, `SELECT count(*) FROM llm_calls WHERE run_id = $1 AND run_kind = $2 AND purpose = $3 AND NOT cached`,
		run.ID, Kind, string(llm.PurposeTarget)).Scan(&paid)
	if paid > scored {
		t.Fatalf("%d paid target calls for %d scored items", paid, scored)
	}
	b.expectImprovement(t, rep)
}

func slicesIndex(cands []store.PromptCandidate, id int64) int {
	for i, c := range cands {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func TestPairedTest_McNemarAndInterval(t *testing.T) {
	t.Parallel()
	outcomes := func(both, onlyA, onlyB, neither int) [][2]bool {
		var out [][2]bool
		for range both {
			out = append(out, [2]bool{true, true})
		}
		for range onlyA {
			out = append(out, [2]bool{true, false})
		}
		for range onlyB {
			out = append(out, [2]bool{false, true})
		}
		for range neither {
			out = append(out, [2]bool{false, false})
		}
		return out
	}
	// b = 1, c = 9: exact two-sided p = 2·(1+10)/1024 = 0.021484375.
	r := PairedTest(outcomes(20, 1, 9, 10))
	if r.McNemarP < 0.02148 || r.McNemarP > 0.02149 || r.N != 40 || r.BaselineCorrect != 21 || r.BestCorrect != 29 {
		t.Fatalf("%+v", r)
	}
	if d := r.Difference; d < 0.1999 || d > 0.2001 || r.CILow >= d || r.CIHigh <= d || r.CILow <= 0 {
		t.Fatalf("difference %v CI [%v, %v]", d, r.CILow, r.CIHigh)
	}
	if r := PairedTest(outcomes(5, 3, 3, 5)); r.McNemarP != 1 || r.Difference != 0 {
		t.Fatalf("equal: %+v", r)
	}
	if r := PairedTest(nil); r.McNemarP != 1 || r.N != 0 {
		t.Fatalf("empty: %+v", r)
	}
	// Large counts neither overflow nor underflow.
	if r := PairedTest(outcomes(0, 400, 600, 0)); r.McNemarP <= 0 || r.McNemarP > 1e-8 {
		t.Fatalf("large: %v", r.McNemarP)
	}
}

// A budget stops an optimization between two calls: the run fails saying so, and what it learned
// (the baseline's score, the proposal, the items scored) stays for the report.
func TestOPRO_BudgetStopsTheRunCleanly(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	val := len(b.Pairs(t, "val"))
	run, rep := b.optimize(t, Params{Method: MethodOPRO, SnapshotID: b.Snapshot.ID,
		Concurrency: 1, Budget: evaluate.Budget{MaxCalls: val + 3}, OPRO: OPROParams{Iterations: 3, Candidates: 1}})
	if run.Status != store.RunFailed || !strings.Contains(run.Error, fmt.Sprintf("budget reached: %d of %d model calls", val+3, val+3)) {
		t.Fatalf("run %s: %q", run.Status, run.Error)
	}
	if len(rep.Candidates) != 2 || rep.Candidates[0].ValScore == nil || rep.Candidates[1].ValScore != nil || rep.Test != nil {
		t.Fatalf("candidates %+v, test %+v", rep.Candidates, rep.Test)
	}
	if rep.Steps[0].Status != "done" || rep.Steps[1].Status != "pending" || rep.Best == nil || rep.Best.Origin != "baseline" {
		t.Fatalf("steps %+v best %+v", rep.Steps, rep.Best)
	}
	var scored int
	b.St.Pool().QueryRow(b.Ctx, `SELECT count(*) FROM eval_results WHERE run_id = $1`, run.ID).Scan(&scored)
	if scored != val+2 {
		t.Fatalf("%d items scored, want the baseline's %d and 2 of the proposal's", scored, val)
	}
}

// An optimizer or editor reply without a prompt between [[ ]] is skipped and logged; the run goes
// on and ends with the baseline as the best prompt.
func TestOptimize_RepliesWithoutAPromptAreSkipped(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	b.Model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		p := llmtest.FirstUserMessage(req)
		if strings.Contains(p, "corresponding accuracies") || strings.Contains(p, "Rewrite the prompt below") {
			return llmtest.Text("I would rather not write a prompt today.")
		}
		return b.Reply(req)
	})
	for _, p := range []Params{
		{Method: MethodOPRO, OPRO: OPROParams{Iterations: 1, Candidates: 2}},
		{Method: MethodAPO, APO: APOParams{BeamWidth: 1, BranchFactor: 2, Rounds: 1, GradientBatch: 8, ValidationBatch: 8}},
		{Method: MethodAPO, APO: APOParams{BeamWidth: 3, BranchFactor: 2, Rounds: 2, GradientBatch: 8, ValidationBatch: 8}},
	} {
		p.SnapshotID = b.Snapshot.ID
		run, rep := b.optimize(t, p)
		if run.Status != store.RunSucceeded || len(rep.Candidates) != 1 || rep.Best == nil || rep.Best.Origin != "baseline" || rep.Test == nil {
			t.Fatalf("%s: %s %q, %d candidates, best %+v", p.Method, run.Status, run.Error, len(rep.Candidates), rep.Best)
		}
		events, _ := b.St.Events(b.Ctx, run.ID, 0, 100)
		skipped := 0
		for _, e := range events {
			if strings.Contains(e.Message, "no prompt between [[ ]]; skipped") {
				skipped++
			}
		}
		if want := max(2, p.APO.BranchFactor*p.APO.Rounds); skipped != want {
			t.Fatalf("%s: %d skips logged, want %d", p.Method, skipped, want)
		}
		for _, e := range events {
			if strings.Contains(e.Message, "leader #0") {
				t.Fatalf("%s: the log names a leader that does not exist: %s", p.Method, e.Message)
			}
		}
	}
}
