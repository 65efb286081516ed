package evaluate

import (
	"errors"
	"hash/fnv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/evaluate/evaluatetest"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// goldBench is the gold set with the evaluator, as cmd/goldset's App builds it, whose runs the gold
// set's Runner processes.
type goldBench struct {
	*evaluatetest.Gold
	eval *Evaluator
}

func newGoldBench(t *testing.T) *goldBench {
	t.Helper()
	b := &goldBench{Gold: evaluatetest.New(t)}
	b.eval = New(b.St, b.Exec, b.Models, schemas.New(b.St, b.Exec), b.Runner, b.Logger)
	for _, k := range b.eval.Kinds() {
		b.Runner.Register(k)
	}
	return b
}

func TestEvaluate_ExecutionAccuracyByHardnessAndDatabaseJudgeApart(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	run, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, Params{SnapshotID: b.Snapshot.ID, Split: "all", Judge: true})
	if err != nil {
		t.Fatal(err)
	}
	run = b.Execute(t, run)
	if run.Status != store.RunSucceeded || run.Succeeded != b.Snapshot.Pairs {
		t.Fatalf("run: %+v (snapshot of %d pairs)", run, b.Snapshot.Pairs)
	}
	rep, err := b.eval.Evaluation(b.Ctx, b.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Summary
	want := 0
	for q := range b.SQLOf {
		if evaluatetest.Easy(q) {
			want++
		}
	}
	if s.Scored != b.Snapshot.Pairs || s.Correct != want {
		t.Fatalf("scored %d correct %d, want %d and %d", s.Scored, s.Correct, b.Snapshot.Pairs, want)
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
	if w.SQL != evaluatetest.WrongSQL || w.Correct || w.Reason == "" || w.GoldSQL == "" || w.Question == "" || !strings.Contains(string(w.Diff), "only_gold") {
		t.Fatalf("a wrong result: %+v diff %s", w, w.Diff)
	}
	if _, err := b.eval.EvalResults(b.Ctx, b.Project.ID, run.ID, "bogus", 0, 5); err == nil {
		t.Fatal("an unknown outcome was accepted")
	}
	// The scripted model's right answers are the gold SQL itself: right on every neighbour too.
	if s.Suite.SuiteN != s.Scored || s.Suite.SuiteCorrect != s.Correct {
		t.Fatalf("test-suite %+v, execution %d/%d", s.Suite, s.Correct, s.Scored)
	}
	// The list carries the same totals without the breakdowns.
	list, err := b.eval.Evaluations(b.Ctx, b.Project.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("list: %v, %d evaluations", err, len(list))
	}
	l := list[0].Summary
	if l.Scored != s.Scored || l.Correct != s.Correct || l.Accuracy != s.Accuracy || l.Errors != s.Errors || l.Suite != s.Suite ||
		l.Judge == nil || *l.Judge != *s.Judge || len(l.ByHardness) != 0 {
		t.Fatalf("the list's totals %+v, the evaluation's %+v", l, s)
	}
}

// An answer equal to the gold on the database but not on its neighbours (count of distinct names,
// when no two singers share a name today, for a count of singers) is correct by execution and wrong
// by test suite, with the neighbour that tells them apart in its reason.
func TestEvaluate_TestSuiteAccuracyCatchesACoincidence(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	const gold, nearMiss = "SELECT count(*) FROM singer", "SELECT count(DISTINCT name) FROM singer"
	b.Model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if m := evaluatetest.AskedQuestion.FindAllStringSubmatch(llmtest.FirstUserMessage(req), -1); len(m) > 0 && b.SQLOf[m[len(m)-1][1]] == gold {
			return llmtest.Text("```sql\n" + nearMiss + "\n```")
		}
		return b.Reply(req)
	})
	run, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, Params{SnapshotID: b.Snapshot.ID, Split: "all"})
	if err != nil {
		t.Fatal(err)
	}
	run = b.Execute(t, run)
	results, err := b.eval.EvalResults(b.Ctx, b.Project.ID, run.ID, store.OutcomeCorrect, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	caught := 0
	for _, r := range results {
		if r.SQL != nearMiss {
			continue
		}
		if !r.Correct || r.SuiteCorrect == nil || *r.SuiteCorrect || !strings.Contains(r.Reason, "neighbour") {
			t.Fatalf("near miss scored %+v", r)
		}
		caught++
	}
	if caught == 0 {
		t.Fatal("the near miss was never asked")
	}
	rep, err := b.eval.Evaluation(b.Ctx, b.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Summary; s.Suite.SuiteCorrect != s.Correct-caught {
		t.Fatalf("test-suite %d, execution %d, near misses %d", s.Suite.SuiteCorrect, s.Correct, caught)
	}
}

func TestEvaluate_RefusesBadParameters(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	for name, p := range map[string]Params{
		"no snapshot":         {Split: "test"},
		"bad split":           {SnapshotID: b.Snapshot.ID, Split: "dev"},
		"prompt without slot": {SnapshotID: b.Snapshot.ID, Prompt: "Write SQL for {query_str} in {dialect}."},
		"bad base url":        {SnapshotID: b.Snapshot.ID, Target: Target{BaseURL: "ftp://x"}},
		"negative budget":     {SnapshotID: b.Snapshot.ID, Budget: Budget{MaxCalls: -1}},
		"concurrency":         {SnapshotID: b.Snapshot.ID, Concurrency: 65},
	} {
		var ve *store.ValidationError
		if _, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, p); !errors.As(err, &ve) {
			t.Errorf("%s: %v, want a validation error", name, err)
		}
	}
	if _, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, Params{SnapshotID: 99999}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown snapshot: %v", err)
	}
}

func TestEvaluate_BudgetStopsTheRunAndKeepsWhatWasScored(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	run, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, Params{SnapshotID: b.Snapshot.ID, Split: "all",
		Concurrency: 1, Budget: Budget{MaxCalls: 5}})
	if err != nil {
		t.Fatal(err)
	}
	run = b.Execute(t, run)
	if run.Status != store.RunFailed || !strings.Contains(run.Error, "budget reached: 5 of 5 model calls") {
		t.Fatalf("run: %s %q", run.Status, run.Error)
	}
	spend, _ := b.St.RunSpend(b.Ctx, Kind, run.ID)
	sum, _ := b.St.EvalSummary(b.Ctx, run.ID, 0)
	if spend.Calls != 5 || sum.Scored != 5 || b.Calls.Load() != 5 {
		t.Fatalf("spent %d calls, scored %d, model saw %d: want 5 each", spend.Calls, sum.Scored, b.Calls.Load())
	}
}

// A target that fails (a malformed body, a refused request) fails only its items, with the reason;
// once it answers again, retrying the failed items scores them and the evaluation is whole.
func TestEvaluate_BrokenRepliesFailTheirItemsAndRetryFinishesThem(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	var broken atomic.Bool
	broken.Store(true)
	faults := map[int]llmtest.Fault{0: llmtest.FaultMalformedJSON, 1: llmtest.FaultBadRequest, 2: llmtest.FaultEmptyChoices}
	b.Model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		if m := evaluatetest.AskedQuestion.FindStringSubmatch(llmtest.FirstUserMessage(req)); m != nil && broken.Load() {
			if f, ok := faults[int(fnvOf(m[1])%7)]; ok {
				return llmtest.Reply{Fault: f}
			}
		}
		return b.Reply(req)
	})
	run, err := b.eval.StartEvaluation(b.Ctx, store.System, b.Project.ID, Params{SnapshotID: b.Snapshot.ID, Split: "val"})
	if err != nil {
		t.Fatal(err)
	}
	run = b.Execute(t, run)
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
	run = b.Execute(t, run)
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

func TestExtractSQLAndVerdict(t *testing.T) {
	t.Parallel()
	for reply, want := range map[string]string{
		"```sql\nSELECT a FROM t;\n```":                             "SELECT a FROM t",
		"First\n```sql\nSELECT 1\n```\nthen\n```sql\nSELECT 2\n```": "SELECT 2",
		"Question: q\nSQLQuery: SELECT x FROM y\nSQLResult: 3":      "SELECT x FROM y",
		"  SELECT plain FROM reply ;  ":                             "SELECT plain FROM reply",
		"":                                                          "",
	} {
		if got := ExtractSQL(reply); got != want {
			t.Errorf("ExtractSQL(%q) = %q, want %q", reply, got, want)
		}
	}
	for reply, want := range map[string][2]bool{
		"True": {true, true}, "False.": {false, true}, "**False**": {false, true},
		"The values match, so: True": {true, true}, "no idea": {false, false},
	} {
		if v, ok := ParseVerdict(reply); v != want[0] || ok != want[1] {
			t.Errorf("ParseVerdict(%q) = %v %v", reply, v, ok)
		}
	}
}
