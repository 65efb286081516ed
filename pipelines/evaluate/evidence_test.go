package evaluate

import (
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/golden/goldentest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/pipelines/schemas"
	"github.com/goldset/goldset/store"
)

// A pair's evidence (BIRD's external knowledge) follows its question in {query_str}, as BIRD's
// baselines ask; a pair without evidence is asked as before.
func TestScore_TheQuestionComesWithItsEvidence(t *testing.T) {
	t.Parallel()
	b := newGoldBench(t)
	var asked []string
	b.Model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		asked = append(asked, llmtest.FirstUserMessage(req))
		return b.Reply(req)
	})
	pair := b.Pairs(t, "val")[0]
	run := store.PipelineRun{ID: 0, ProjectID: b.Project.ID, Kind: Kind}
	sc := b.eval.Scorer(run, Scoring{Kind: Kind, Target: Target{Model: llmtest.FakeModel}})
	if _, err := sc.Score(b.Ctx, 0, prompts.BuiltinTemplate, pair); err != nil {
		t.Fatal(err)
	}
	pair.Evidence = "a singer's country is where they were born"
	r, err := sc.Score(b.Ctx, 0, prompts.BuiltinTemplate, pair)
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 2 || strings.Contains(asked[0], "Evidence:") || !strings.Contains(asked[1], pair.Question+"\nEvidence: "+pair.Evidence) {
		t.Fatalf("asked %q", asked)
	}
	if !r.Correct {
		t.Fatalf("the scripted model answered with the gold, scored %+v", r)
	}
}

// A BIRD snapshot's evaluation reports accuracy by difficulty (simple, moderate, challenging), as
// BIRD does, besides hardness and database; the model is asked each question with its evidence.
func TestEvaluate_BIRDAccuracyByDifficulty(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	f.ImportBIRD(t, "../ingest/bird/testdata/bird")
	f.AcceptVerified(t)
	snap, pairs := goldentest.CutWithPairs(t, f, golden.SnapshotParams{Name: "bird", Seed: 1, Ratios: &golden.SplitRatios{Test: 1}})
	// The model answers a question with its gold SQL when it is asked with its evidence, and
	// wrongly the challenging ones.
	model := llmtest.New(t)
	model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		prompt := llmtest.FirstUserMessage(req)
		for _, p := range pairs {
			if strings.Contains(prompt, prompts.WithEvidence(p.Question, p.Evidence)+"\n") {
				if p.Difficulty == "challenging" {
					return llmtest.Text("```sql\nSELECT 1\n```")
				}
				return llmtest.Text("```sql\n" + p.SQL + "\n```")
			}
		}
		return llmtest.Text("I do not know this question")
	})
	log := pipelinetest.QuietLog()
	models := f.Models(t, pipelinetest.FakeModel(model), log)
	runner := runs.NewRunner(f.St, log)
	eval := New(f.St, f.Exec, models, schemas.New(f.St, f.Exec), runner, log)
	for _, k := range eval.Kinds() {
		runner.Register(k)
	}
	run, err := eval.StartEvaluation(f.Ctx, store.System, f.Project.ID, Params{SnapshotID: snap.ID, Split: "all"})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.Execute(f.Ctx, run); err != nil {
		t.Fatal(err)
	}
	rep, err := eval.Evaluation(f.Ctx, f.Project.ID, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, p := range pairs {
		want[p.Difficulty]++
	}
	s := rep.Summary
	if s.Scored != len(pairs) || s.Correct != len(pairs)-want["challenging"] {
		t.Fatalf("%d scored, %d correct of %d pairs (%v)", s.Scored, s.Correct, len(pairs), want)
	}
	for d, n := range want {
		b := s.ByDifficulty[d]
		correct := n
		if d == "challenging" {
			correct = 0
		}
		if b == nil || b.N != n || b.Correct != correct {
			t.Fatalf("difficulty %s: %+v, want %d of %d", d, b, correct, n)
		}
	}
}
