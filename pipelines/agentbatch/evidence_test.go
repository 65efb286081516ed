package agentbatch

import (
	"strings"
	"sync"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

// A batch over imported BIRD questions gives the agent each question's evidence after it, and the
// columns' descriptions in the schema; answered with the gold, it scores every verified question.
func TestAgentBatch_BIRDQuestionsComeWithTheirEvidence(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	f.ImportBIRD(t, "../ingest/bird/testdata/bird")
	nlqs, err := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	gold := map[string]string{} // user message → the gold SQL
	for _, n := range nlqs {
		msg := n.Question
		if n.Evidence != "" {
			msg += "\n\nEvidence (external knowledge given with the question; use it to map its words to columns and values): " + n.Evidence
		}
		gold[msg] = n.Candidate.SQL
	}
	model := llmtest.New(t)
	var mu sync.Mutex
	var systems []string
	model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		mu.Lock()
		systems = append(systems, req.Messages[0].Content)
		mu.Unlock()
		sql, ok := gold[llmtest.FirstUserMessage(req)]
		if !ok {
			return llmtest.Text("I do not know this question")
		}
		return llmtest.Call("give_final_answer", map[string]string{"sql": sql, "explanation": "scripted"})
	})
	log := pipelinetest.QuietLog()
	models := f.Models(t, pipelinetest.FakeModel(model), log)
	w, r := wire(f, models, agent.Options{TopKTables: -1}, log)
	run, err := w.StartBatch(f.Ctx, store.System, f.Project.ID, Params{Concurrency: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Execute(f.Ctx, run); err != nil {
		t.Fatal(err)
	}
	acc, err := w.Accuracy(f.Ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	// Twelve of the thirteen gold queries were verified at import; each is answered with itself.
	if acc.Items != 13 || acc.Evaluated != 12 || acc.Matched != 12 {
		t.Fatalf("accuracy %+v", acc)
	}
	described := false
	for _, s := range systems {
		if strings.Contains(s, "the customer's segment; values: KAM: key account") {
			described = true
		}
	}
	if !described {
		t.Fatalf("no prompt described customers.segment:\n%s", systems[0])
	}
}
