package agentbatch

import (
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

// A WikiTableQuestions question comes with its table: by default the agent sees that table only;
// with the project's scope set to the whole database it still sees it, among the retrieved ones.
// Each run records what its prompt showed, and the batch reports its schema recall.
func TestAgentBatch_WikiTableQuestionsKeepTheirTableAndTheBatchReportsRecall(t *testing.T) {
	t.Parallel()
	dir := pipelinetest.NeedData(t, "wtq")
	f := pipelinetest.New(t)
	if _, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, dir, ""); err != nil {
		t.Fatal(err)
	}
	model := llmtest.New(t)
	model.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT 1 AS one", "explanation": "scripted"})
	})
	log := pipelinetest.QuietLog()
	models := f.Models(t, pipelinetest.FakeModel(model), log)
	agents, runner := wire(f, models, agent.Options{MaxSteps: 3}, log)
	// Each run's record says what its prompt showed, as GET …/agent/runs lists it.
	batch := func() (store.PipelineRun, []store.PromptTables) {
		t.Helper()
		run, err := agents.StartBatch(f.Ctx, store.System, f.Project.ID, Params{Limit: 20, Concurrency: 4})
		if err != nil {
			t.Fatal(err)
		}
		if err := runner.Execute(f.Ctx, run); err != nil {
			t.Fatal(err)
		}
		runs, err := f.St.ListAgentRuns(f.Ctx, store.AgentRunQuery{ProjectID: f.Project.ID, PipelineRunID: run.ID})
		if err != nil {
			t.Fatal(err)
		}
		var out []store.PromptTables
		for _, r := range runs {
			if r.Retrieval == nil {
				t.Fatalf("run %d recorded no retrieval", r.ID)
			}
			if r.Retrieval.Total != 83 {
				t.Fatalf("run %d: %d tables in the database, want 83", r.ID, r.Retrieval.Total)
			}
			out = append(out, *r.Retrieval)
		}
		return run, out
	}

	run, rrs := batch()
	if len(rrs) != 20 {
		t.Fatalf("%d runs recorded their retrieval", len(rrs))
	}
	for _, rr := range rrs {
		if rr.Method != "scope" || len(rr.Tables) != 1 || len(rr.Known) != 1 || rr.FirstPromptTokens <= 0 {
			t.Fatalf("scoped run: %+v", rr)
		}
	}
	rep, err := agents.Retrieval(f.Ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Questions != 20 || rep.Recall != 1 || rep.TablesMean != 1 || rep.TokensMedian <= 0 {
		t.Fatalf("report: %+v", rep)
	}

	if _, err := f.St.SetRetrievalSettings(f.Ctx, store.System, f.Project.ID, store.RetrievalSettings{TopK: 4, Scope: store.ScopeDatabase}); err != nil {
		t.Fatal(err)
	}
	run, rrs = batch()
	for _, rr := range rrs {
		if rr.Method != "lexical" || len(rr.Tables) != 4 || len(rr.Known) != 1 {
			t.Fatalf("run over the whole database: %+v", rr)
		}
	}
	if rep, _ := agents.Retrieval(f.Ctx, run); rep.Recall != 1 || rep.TablesMean != 4 || rep.Larger != 20 {
		t.Fatalf("report: %+v", rep)
	}
}
