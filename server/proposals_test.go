package server

import (
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
)

func TestGuidelineProposal_FromDisagreementsToADiff(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.run(t, []scenario{
		{Name: "nothing to learn from yet", Method: "POST", URL: e.projectAPI + "/guidelines/propose", As: "lead", Body: `{}`, ExpectedStatus: 400,
			ExpectedContent: []string{"no disagreements yet"}},
	})
	if rec := e.do(scenario{Method: "PUT", URL: e.projectAPI + "/guidelines", As: "lead", Body: jsonBody(map[string]any{
		"version": 0, "summary": "first", "markdown": "# Guidelines\n\n## R1: Count rows\nUse count(*).",
	})}); rec.Code != 201 {
		t.Fatalf("save: %d %s", rec.Code, rec.Body)
	}
	e.disagreement(t)
	e.run(t, []scenario{
		{Name: "a proposal with causes and a diff", Method: "POST", URL: e.projectAPI + "/guidelines/propose", As: "lead", Body: `{"limit": 10}`, ExpectedStatus: 200,
			ExpectedContent: []string{`"summary":"Annotators and the agent disagree on how to count."`, `"cause":"count vs count distinct"`,
				`"base_version":1`, `"disagreements":1`, `"op":"insert"`, `Say DISTINCT when the question says different`, `"added":[{"id":"R2"`}},
		{Name: "annotators cannot ask", Method: "POST", URL: e.projectAPI + "/guidelines/propose", As: "annotator", Body: `{}`, ExpectedStatus: 403},
	})
	// The model saw the guideline and the disagreement.
	reqs := e.llm.Requests()
	prompt := llmtest.FirstUserMessage(reqs[len(reqs)-1])
	if !strings.Contains(prompt, "## R1: Count rows") || !strings.Contains(prompt, "count(DISTINCT country)") {
		t.Fatalf("prompt lacks the guideline or the case:\n%s", prompt)
	}
	// Nothing changed until a lead saves it.
	if rec := e.do(scenario{Method: "GET", URL: e.projectAPI + "/guidelines", As: "lead"}); !strings.Contains(rec.Body.String(), `"version":1`) || strings.Contains(rec.Body.String(), `"version":2`) {
		t.Fatalf("guidelines changed: %s", rec.Body)
	}

	// A reply that is not the JSON asked for is a clear 502, not a 500. (The same request would be
	// answered from the response cache: forget it, as if another model answered.)
	if _, err := e.store.Pool().Exec(e.ctx, "DELETE FROM llm_cache"); err != nil {
		t.Fatal(err)
	}
	e.llm.Respond(func(openai.ChatCompletionRequest) llmtest.Reply {
		return llmtest.Text("Sure! Here are some thoughts about your guidelines.")
	})
	e.run(t, []scenario{
		{Name: "unusable model answer", Method: "POST", URL: e.projectAPI + "/guidelines/propose", As: "lead", Body: `{}`, ExpectedStatus: 502,
			ExpectedContent: []string{`"code":"bad_model_response"`, "not the JSON object asked for"}},
	})
}
