package optimize

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/evaluate"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// The rule the scripted target model needs to answer every question: it answers only "easy"
// questions (half of them, by a hash of the text) correctly without it.
const magicRule = "Qualify every column with its table name."

// wrongSQL is the scripted target's answer to what it cannot answer: no gold result equals it.
const wrongSQL = "SELECT 'no idea' AS answer"

// reviewerComment is what a reviewer wrote on a question of the gold set; the critic must see it.
const reviewerComment = "The model forgot to qualify the columns with their tables."

// goldBench is the Spider data imported, its verified questions accepted, a snapshot cut, and a
// scripted model: target, judge, OPRO optimizer, APO critic and editor.
type goldBench struct {
	*pipelinetest.Fixture
	model    *llmtest.Server
	models   *llmconf.Models
	log      *slog.Logger
	eval     *evaluate.Evaluator
	opt      *Optimizer
	runner   *runs.Runner
	snapshot store.Snapshot
	sqlOf    map[string]string // gold SQL by question (questions asked on two databases left out)
	calls    atomic.Int64      // target calls
	// stall, when set, is called before each target answer (a test stops a worker there).
	stall func()
}

func newGoldBench(t *testing.T) *goldBench {
	t.Helper()
	dir := pipelinetest.NeedData(t, "spider")
	f := pipelinetest.New(t)
	if _, err := f.Im.ImportSpider(f.Ctx, store.System, f.Project.ID, dir, spider.DatasetOptions{}); err != nil {
		t.Fatal(err)
	}
	b := &goldBench{Fixture: f, model: llmtest.New(t), log: slog.New(slog.NewTextHandler(io.Discard, nil)), sqlOf: map[string]string{}}
	var err error
	b.models, err = llmconf.NewModels(f.Ctx, f.St, llm.Settings{BaseURL: b.model.URL, APIKey: "test-key", Model: llmtest.FakeModel},
		filepath.Join(t.TempDir(), "key"), b.log)
	if err != nil {
		t.Fatal(err)
	}
	b.wire()
	if _, err := b.St.Pool().Exec(b.Ctx, `UPDATE nlqs n SET status = 'accepted', gold_candidate_id = c.id
		FROM sql_candidates c WHERE c.nlq_id = n.id AND n.project_id = $1 AND c.verification->>'match' = 'true'`, b.Project.ID); err != nil {
		t.Fatal(err)
	}
	snap, _, err := (&golden.Snapshots{Store: b.St}).Cut(b.Ctx, store.System, b.Project.ID, golden.SnapshotParams{Name: "gold", Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	b.snapshot = snap
	pairs, err := b.St.SnapshotPairs(b.Ctx, snap.ID, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	twice := map[string]bool{}
	for _, p := range pairs {
		if _, ok := b.sqlOf[p.Question]; ok {
			twice[p.Question] = true
		}
		b.sqlOf[p.Question] = p.SQL
	}
	for q := range twice {
		delete(b.sqlOf, q)
	}
	b.model.Respond(b.reply)
	return b
}

// wire makes the evaluator and the optimizer, as cmd/goldset's App does, with a fresh runner that
// processes their runs (as another worker process would).
func (b *goldBench) wire() {
	b.runner = runs.NewRunner(b.St, b.log)
	b.eval = evaluate.New(b.St, b.Exec, b.models, schemas.New(b.St, b.Exec), b.runner, b.log)
	b.opt = New(b.St, b.eval, b.runner)
	for _, k := range slices.Concat(b.eval.Kinds(), b.opt.Kinds()) {
		b.runner.Register(k)
	}
}

var (
	askedQuestion = regexp.MustCompile(`(?m)^Question: (.*)$`)
	promptBlock   = regexp.MustCompile(`(?s)<PROMPT>\n(.*?)\n</PROMPT>`)
)

func easy(question string) bool {
	h := fnv.New32a()
	h.Write([]byte(question))
	return h.Sum32()%2 == 0
}

// reply is the scripted model. The optimizer and the critic only find the rule when they are shown
// why items failed (the wrong SQL); the editor applies a critique that names it, in its first
// rewrite only (the others add a useless sentence), so the search must choose.
func (b *goldBench) reply(req openai.ChatCompletionRequest) llmtest.Reply {
	prompt := llmtest.FirstUserMessage(req)
	switch {
	case strings.Contains(prompt, "I have some prompts along with their corresponding accuracies."):
		if !strings.Contains(prompt, "Predicted SQL: "+wrongSQL) {
			return llmtest.Text("[[" + prompts.BuiltinTemplate + "\nThink step by step.]]")
		}
		return llmtest.Text("The failures select constants.\n[[" + strings.TrimSpace(prompts.BuiltinTemplate) + "\n" + magicRule + "]]")
	case strings.Contains(prompt, "Critique the prompt below"):
		if strings.Contains(prompt, "Predicted SQL: "+wrongSQL) && strings.Contains(prompt, reviewerComment) {
			return llmtest.Text("The prompt never says how to name columns; reviewers say columns must be qualified.")
		}
		return llmtest.Text("The prompt is vague.")
	case strings.Contains(prompt, "Rewrite the prompt below"):
		parent := promptBlock.FindStringSubmatch(prompt)[1]
		if strings.Contains(prompt, "must be qualified") && !strings.Contains(prompt, "This is variant") {
			return llmtest.Text("[[" + parent + "\n" + magicRule + "]]")
		}
		return llmtest.Text("[[" + parent + "\nBe concise.]]")
	case strings.Contains(prompt, "Your job is to determine whether the model's response is correct"):
		return llmtest.Text("True")
	}
	b.calls.Add(1)
	if b.stall != nil {
		b.stall()
	}
	m := askedQuestion.FindAllStringSubmatch(prompt, -1)
	if len(m) == 0 {
		return llmtest.Text("I cannot tell what to answer.")
	}
	q := m[len(m)-1][1]
	sql, ok := b.sqlOf[q]
	if !ok || (!easy(q) && !strings.Contains(prompt, magicRule)) {
		return llmtest.Text("```sql\n" + wrongSQL + ";\n```")
	}
	return llmtest.Text("Here it is:\n```sql\n" + sql + "\n```")
}

func (b *goldBench) execute(t *testing.T, run store.PipelineRun) store.PipelineRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 5*time.Minute)
	defer cancel()
	if err := b.runner.Execute(ctx, run); err != nil {
		t.Fatal(err)
	}
	run, err := b.St.PipelineRun(b.Ctx, b.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func TestEvaluate_ExecutionAccuracyByHardnessAndDatabaseJudgeApart(t *testing.T) {
	b := newGoldBench(t)
	run, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, evaluate.Params{SnapshotID: b.snapshot.ID, Split: "all", Judge: true})
	if err != nil {
		t.Fatal(err)
	}
	run = b.execute(t, run)
	if run.Status != store.RunSucceeded || run.Succeeded != b.snapshot.Pairs {
		t.Fatalf("run: %+v (snapshot of %d pairs)", run, b.snapshot.Pairs)
	}
	rep, err := b.eval.Evaluation(b.Ctx, b.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	want := 0
	for q := range b.sqlOf {
		if easy(q) {
			want++
		}
	}
	if s.Scored != b.snapshot.Pairs || s.Correct != want {
		t.Fatalf("scored %d correct %d, want %d and %d", s.Scored, s.Correct, b.snapshot.Pairs, want)
	}
	if s.Accuracy < 0.3 || s.Accuracy > 0.7 {
		t.Fatalf("accuracy %.3f: the scripted model answers about half", s.Accuracy)
	}
	sumBy := func(m map[string]*store.EvalBucket) (n, c int) {
		for _, v := range m {
			n, c = n+v.N, c+v.Correct
		}
		return
	}
	for name, m := range map[string]map[string]*store.EvalBucket{"hardness": s.ByHardness, "database": s.ByDatabase} {
		if n, c := sumBy(m); n != s.Scored || c != s.Correct {
			t.Errorf("by %s adds up to %d/%d, not %d/%d", name, c, n, s.Correct, s.Scored)
		}
	}
	if len(s.ByHardness) != 4 || len(s.ByDatabase) < 5 {
		t.Errorf("groups: %d hardness levels, %d databases", len(s.ByHardness), len(s.ByDatabase))
	}
	// The judge (scripted to say True) is reported on its own: all judged "correct", execution not.
	if s.Judge == nil || s.Judge.N != s.Scored || s.Judge.Correct != s.Scored || s.Correct == s.Scored {
		t.Fatalf("judge %+v against execution %d/%d", s.Judge, s.Correct, s.Scored)
	}
	wrong, err := b.eval.EvalResults(b.Ctx, b.Project.ID, run.ID, store.OutcomeWrong, 0, 5)
	if err != nil || len(wrong) != 5 {
		t.Fatalf("wrong results: %v %d", err, len(wrong))
	}
	w := wrong[0]
	if w.SQL != wrongSQL || w.Correct || w.Reason == "" || w.GoldSQL == "" || w.Question == "" || !strings.Contains(string(w.Diff), "only_gold") {
		t.Fatalf("a wrong result: %+v diff %s", w, w.Diff)
	}
	if _, err := b.eval.EvalResults(b.Ctx, b.Project.ID, run.ID, "bogus", 0, 5); err == nil {
		t.Fatal("an unknown outcome was accepted")
	}
}

func TestEvaluate_RefusesBadParameters(t *testing.T) {
	b := newGoldBench(t)
	for name, p := range map[string]evaluate.Params{
		"no snapshot":         {Split: "test"},
		"bad split":           {SnapshotID: b.snapshot.ID, Split: "dev"},
		"prompt without slot": {SnapshotID: b.snapshot.ID, Prompt: "Write SQL for {query_str} in {dialect}."},
		"bad base url":        {SnapshotID: b.snapshot.ID, Target: evaluate.Target{BaseURL: "ftp://x"}},
		"negative budget":     {SnapshotID: b.snapshot.ID, Budget: evaluate.Budget{MaxCalls: -1}},
		"concurrency":         {SnapshotID: b.snapshot.ID, Concurrency: 65},
	} {
		var ve *store.ValidationError
		if _, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, p); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	if _, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, evaluate.Params{SnapshotID: 99999}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown snapshot: %v", err)
	}
}

func TestEvaluate_BudgetStopsTheRunAndKeepsWhatWasScored(t *testing.T) {
	b := newGoldBench(t)
	run, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, evaluate.Params{SnapshotID: b.snapshot.ID, Split: "all",
		Concurrency: 1, Budget: evaluate.Budget{MaxCalls: 5}})
	if err != nil {
		t.Fatal(err)
	}
	run = b.execute(t, run)
	if run.Status != store.RunFailed || !strings.Contains(run.Error, "budget reached: 5 of 5 model calls") {
		t.Fatalf("run: %s %q", run.Status, run.Error)
	}
	spend, _ := b.St.RunSpend(b.Ctx, evaluate.Kind, run.ID)
	sum, _ := b.St.EvalSummary(b.Ctx, run.ID, 0)
	if spend.Calls != 5 || sum.Scored != 5 || b.calls.Load() != 5 {
		t.Fatalf("spent %d calls, scored %d, model saw %d: want 5 each", spend.Calls, sum.Scored, b.calls.Load())
	}
}

func TestOPRO_FindsTheRuleFromFailuresAndBeatsTheBaselineOnTest(t *testing.T) {
	b := newGoldBench(t)
	run, err := b.opt.StartOptimization(b.Ctx, store.System, b.Project.ID, Params{Method: MethodOPRO, SnapshotID: b.snapshot.ID,
		OPRO: OPROParams{Iterations: 2, Candidates: 2}})
	if err != nil {
		t.Fatal(err)
	}
	run = b.execute(t, run)
	if run.Status != store.RunSucceeded {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	rep := b.report(t, run)
	if len(rep.Candidates) != 5 || rep.Best == nil || !strings.Contains(rep.Best.Prompt, magicRule) {
		t.Fatalf("%d candidates, best %+v", len(rep.Candidates), rep.Best)
	}
	b.expectImprovement(t, rep)
	// The meta-prompt lists the past prompts by accuracy, ascending.
	for _, req := range b.model.Requests() {
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
	if tr.N != len(mustPairs(t, b, "test")) {
		t.Fatalf("test report over %d items", tr.N)
	}
	added := false
	for _, h := range rep.Diff {
		if h.Op == store.DiffInsert && strings.Contains(strings.Join(h.Lines, "\n"), magicRule) {
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

func mustPairs(t *testing.T, b *goldBench, split string) []store.SnapshotPair {
	t.Helper()
	p, err := b.St.SnapshotPairs(b.Ctx, b.snapshot.ID, split, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// reviewOn records a reviewer's decision, with a comment, on a question of the snapshot's training split.
func (b *goldBench) reviewOn(t *testing.T) {
	t.Helper()
	train := mustPairs(t, b, "train")
	for _, p := range train {
		if _, ok := b.sqlOf[p.Question]; !ok || easy(p.Question) {
			continue
		}
		if _, err := b.St.Pool().Exec(b.Ctx, `WITH i AS (INSERT INTO review_items (project_id, nlq_id, reason, status)
				VALUES ($1, $2, 'disagreement', 'resolved') RETURNING id)
			INSERT INTO reviews (review_item_id, decision, error_type, comment) SELECT id, 'accept_b', 'schema_linking', $3 FROM i`,
			b.Project.ID, p.NLQID, reviewerComment); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatal("no hard training question")
}

func TestAPO_CriticSeesFailuresAndReviewsBeamKeepsTheBestChild(t *testing.T) {
	b := newGoldBench(t)
	b.reviewOn(t)
	run, err := b.opt.StartOptimization(b.Ctx, store.System, b.Project.ID, Params{Method: MethodAPO, SnapshotID: b.snapshot.ID,
		APO: APOParams{BeamWidth: 2, BranchFactor: 2, Rounds: 2, GradientBatch: 16, ValidationBatch: 12}})
	if err != nil {
		t.Fatal(err)
	}
	run = b.execute(t, run)
	if run.Status != store.RunSucceeded {
		t.Fatalf("run %s: %s", run.Status, run.Error)
	}
	rep := b.report(t, run)
	if rep.Best == nil || !strings.Contains(rep.Best.Prompt, magicRule) || rep.Best.ParentID == nil || rep.Best.Critique == "" {
		t.Fatalf("best: %+v", rep.Best)
	}
	b.expectImprovement(t, rep)
	critiques, withReview := 0, 0
	for _, req := range b.model.Requests() {
		if p := llmtest.FirstUserMessage(req); strings.Contains(p, "Critique the prompt below") {
			critiques++
			if strings.Contains(p, "schema_linking: "+reviewerComment) {
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
	b := newGoldBench(t)
	run, err := b.opt.StartOptimization(b.Ctx, store.System, b.Project.ID, Params{Method: MethodOPRO, SnapshotID: b.snapshot.ID,
		Concurrency: 2, OPRO: OPROParams{Iterations: 2, Candidates: 2}})
	if err != nil {
		t.Fatal(err)
	}
	val := len(mustPairs(t, b, "val"))
	ctx, stop := context.WithCancel(b.Ctx)
	stopped := make(chan struct{})
	var once atomic.Bool
	b.stall = func() {
		// Mid-way through scoring the first proposal of iteration 1.
		if b.calls.Load() == int64(val+val/2) && once.CompareAndSwap(false, true) {
			stop()
			close(stopped)
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- b.runner.Execute(ctx, run) }()
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
	b.stall = nil
	before, _ := b.St.PromptCandidates(b.Ctx, run.ID)
	b.wire()
	run = b.execute(t, run)
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
	b := newGoldBench(t)
	val := len(mustPairs(t, b, "val"))
	run, err := b.opt.StartOptimization(b.Ctx, store.System, b.Project.ID, Params{Method: MethodOPRO, SnapshotID: b.snapshot.ID,
		Concurrency: 1, Budget: evaluate.Budget{MaxCalls: val + 3}, OPRO: OPROParams{Iterations: 3, Candidates: 1}})
	if err != nil {
		t.Fatal(err)
	}
	run = b.execute(t, run)
	if run.Status != store.RunFailed || !strings.Contains(run.Error, fmt.Sprintf("budget reached: %d of %d model calls", val+3, val+3)) {
		t.Fatalf("run %s: %q", run.Status, run.Error)
	}
	rep := b.report(t, run)
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

// A target that fails (a malformed body, a refused request) fails only its items, with the reason;
// once it answers again, retrying the failed items scores them and the evaluation is whole.
func TestEvaluate_BrokenRepliesFailTheirItemsAndRetryFinishesThem(t *testing.T) {
	b := newGoldBench(t)
	var broken atomic.Bool
	broken.Store(true)
	faults := map[int]llmtest.Fault{0: llmtest.FaultMalformedJSON, 1: llmtest.FaultBadRequest, 2: llmtest.FaultEmptyChoices}
	b.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if m := askedQuestion.FindStringSubmatch(llmtest.FirstUserMessage(req)); m != nil && broken.Load() {
			if f, ok := faults[int(fnvOf(m[1])%7)]; ok {
				return llmtest.Reply{Fault: f}
			}
		}
		return b.reply(req)
	})
	run, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, evaluate.Params{SnapshotID: b.snapshot.ID, Split: "val"})
	if err != nil {
		t.Fatal(err)
	}
	run = b.execute(t, run)
	if run.Failed == 0 || run.Succeeded == 0 || run.Done != run.Total {
		t.Fatalf("run with broken replies: %+v", run)
	}
	sum, _ := b.St.EvalSummary(b.Ctx, run.ID, 0)
	if sum.Scored != run.Succeeded {
		t.Fatalf("%d scored, %d items succeeded", sum.Scored, run.Succeeded)
	}
	items, _ := b.St.RunItems(b.Ctx, run.ID, 0)
	for _, it := range items {
		if it.Status == "failed" && !strings.Contains(string(it.Detail), "target model") {
			t.Fatalf("a failed item does not say why: %s", it.Detail)
		}
	}
	broken.Store(false)
	if _, err := b.St.ResumeRun(b.Ctx, store.System, b.Project.ID, run.ID, true); err != nil {
		t.Fatal(err)
	}
	run = b.execute(t, run)
	sum, _ = b.St.EvalSummary(b.Ctx, run.ID, 0)
	if run.Status != store.RunSucceeded || run.Failed != 0 || sum.Scored != run.Total {
		t.Fatalf("after retrying the failed items: %+v, %d scored", run, sum.Scored)
	}
}

func fnvOf(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

// An optimizer or editor reply without a prompt between [[ ]] is skipped and logged; the run goes
// on and ends with the baseline as the best prompt.
func TestOptimize_RepliesWithoutAPromptAreSkipped(t *testing.T) {
	b := newGoldBench(t)
	b.model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		p := llmtest.FirstUserMessage(req)
		if strings.Contains(p, "corresponding accuracies") || strings.Contains(p, "Rewrite the prompt below") {
			return llmtest.Text("I would rather not write a prompt today.")
		}
		return b.reply(req)
	})
	for _, p := range []Params{
		{Method: MethodOPRO, OPRO: OPROParams{Iterations: 1, Candidates: 2}},
		{Method: MethodAPO, APO: APOParams{BeamWidth: 1, BranchFactor: 2, Rounds: 1, GradientBatch: 8, ValidationBatch: 8}},
	} {
		p.SnapshotID = b.snapshot.ID
		run, err := b.opt.StartOptimization(b.Ctx, store.System, b.Project.ID, p)
		if err != nil {
			t.Fatal(err)
		}
		run = b.execute(t, run)
		rep := b.report(t, run)
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
		if skipped != 2 {
			t.Fatalf("%s: %d skips logged, want 2", p.Method, skipped)
		}
	}
}
