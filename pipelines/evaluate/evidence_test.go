package evaluate

import (
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/store"
)

// A pair's evidence (BIRD's external knowledge) follows its question in {query_str}, as BIRD's
// baselines ask; a pair without evidence is asked as before.
func TestScore_TheQuestionComesWithItsEvidence(t *testing.T) {
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
