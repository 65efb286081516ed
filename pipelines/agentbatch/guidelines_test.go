package agentbatch

import (
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmconf"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/pipelines/prompts"
	"github.com/goldset/goldset/store"
)

// The agent is prompted with the project's current guideline, and its run records that version.
func TestAgent_PromptedWithTheCurrentGuidelineAndRecordsItsVersion(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	imported := f.ImportCSVText(t, "singers", "singer.csv", "name,country\nLiliane,France\nChristy,United States\n")
	model := llmtest.New(t)
	model.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM singer", "explanation": "counts"})
	})
	log := pipelinetest.QuietLog()
	models := f.Models(t, pipelinetest.FakeModel(model), log)
	w, _ := wire(f, models, agent.Options{TopKTables: -1}, log)

	ask := func(question string) store.AgentRun {
		t.Helper()
		tr, err := w.begin(f.Ctx, store.System, f.Project.ID, imported.Database.ID, question, nil, nil, 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := w.finish(f.Ctx, tr); err != nil {
			t.Fatal(err)
		}
		run, err := f.St.AgentRunWithSteps(f.Ctx, f.Project.ID, tr.rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	systemPrompt := func() string {
		reqs := model.Requests()
		return reqs[len(reqs)-1].Messages[0].Content
	}

	// No guideline yet: no version recorded, no guideline section.
	if run := ask("How many singers are there?"); run.GuidelineVersion != nil {
		t.Fatalf("a run without guidelines records version %d", *run.GuidelineVersion)
	}
	if strings.Contains(systemPrompt(), "Project guideline") {
		t.Fatalf("guideline section without a guideline:\n%s", systemPrompt())
	}

	for i, md := range []string{"## R: Count rows\nCount every row.", "## R1: Count distinct singers\nCount distinct names, never rows."} {
		if _, err := f.St.SaveGuideline(f.Ctx, store.System, f.Project.ID, md, "edit", i); err != nil {
			t.Fatal(err)
		}
	}
	run := ask("How many different singers are there?")
	if run.GuidelineVersion == nil || *run.GuidelineVersion != 2 {
		t.Fatalf("run guideline version %v, want 2", run.GuidelineVersion)
	}
	prompt := systemPrompt()
	if !strings.Contains(prompt, "## R1: Count distinct singers\nCount distinct names, never rows.") || !strings.Contains(prompt, "version 2") {
		t.Fatalf("the system prompt lacks the current guideline (version 2):\n%s", prompt)
	}
	if strings.Contains(prompt, "Count every row.") {
		t.Fatalf("the system prompt has an old guideline version:\n%s", prompt)
	}
}

// The project's saved prompt template (written by a person or adopted from an optimization) is the
// agent's instructions, and its run records the template's version.
func TestAgent_InstructedByTheProjectsPromptTemplate(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	imported := f.ImportCSVText(t, "singers", "singer.csv", "name,country\nLiliane,France\n")
	models, err := llmconf.NewModels(f.Ctx, f.St, llm.Settings{}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := wire(f, models, agent.Options{TopKTables: -1}, nil)
	const rule = "Qualify every column with its table name."
	body := strings.TrimSpace(prompts.BuiltinTemplate) + "\n" + rule
	if _, err := f.St.CreatePromptTemplate(f.Ctx, store.System, f.Project.ID, store.PromptTemplate{Body: body, Source: "manual"}); err != nil {
		t.Fatal(err)
	}
	const question = "How many singers are there?"
	tr, err := w.begin(f.Ctx, store.System, f.Project.ID, imported.Database.ID, question, nil, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tr.q.Instructions, rule) || !strings.Contains(tr.q.Instructions, "Question: "+question) ||
		tr.q.InstructionsVersion != 1 || tr.rec.PromptVersion != agent.PromptVersion+"+project-prompt-v1" {
		t.Fatalf("the agent's instructions: v%d %q, recorded as %s", tr.q.InstructionsVersion, tr.q.Instructions, tr.rec.PromptVersion)
	}
}
