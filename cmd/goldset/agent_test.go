package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm"
	"github.com/goldset/goldset/llm/llmtest"
)

// withSingers gives the test's database a project "p" with a database "singers" (a small CSV table).
func (c *cli) withSingers() *cli {
	c.t.Helper()
	csv := filepath.Join(c.t.TempDir(), "singers.csv")
	os.WriteFile(csv, []byte("name,age\nJoe,52\nAnn,31\n"), 0o644)
	c.must("import", "csv", csv, "--project", "p")
	return c
}

// modelServer is a fake model endpoint, the one the commands this test runs and the processes it
// starts are configured with (GOLDSET_LLM_*).
func modelServer(t *testing.T) *llmtest.Server {
	srv := llmtest.New(t)
	t.Setenv("GOLDSET_LLM_BASE_URL", srv.URL)
	t.Setenv("GOLDSET_LLM_API_KEY", "test-key")
	t.Setenv("GOLDSET_LLM_MODEL", llmtest.FakeModel)
	return srv
}

func fakeModel(t *testing.T) *llmtest.Server {
	srv := modelServer(t)
	srv.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		// First look around, then answer.
		for _, m := range req.Messages {
			if m.Role == openai.ChatMessageRoleTool {
				return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM singers", "explanation": "counts the singers"})
			}
		}
		return llmtest.Call("explore_db", map[string]string{"action": "list_tables"})
	})
	return srv
}

func TestCLI_AgentAskPrintsTrajectoryAndSQL(t *testing.T) {
	c := newSerialCLI(t).withSingers()
	fakeModel(t)
	out := c.must("agent", "ask", "--project", "p", "--database", "singers", "--json", "How many singers are there?")
	var res struct {
		SQL        string
		StopReason string `json:"stop_reason"`
		Steps      []struct {
			Tool   string
			Args   json.RawMessage
			Result string
		}
		Tokens int
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.SQL != "SELECT count(*) FROM singers" || res.StopReason != "answered" || res.Tokens == 0 {
		t.Fatalf("result: %s", out)
	}
	var tools []string
	for _, s := range res.Steps {
		if s.Tool != "" {
			tools = append(tools, s.Tool)
		}
	}
	if strings.Join(tools, ",") != "explore_db,give_final_answer" || !strings.Contains(res.Steps[1].Result+res.Steps[0].Result, "singers") {
		t.Fatalf("steps: %s", out)
	}
	text := c.must("agent", "ask", "--project", "p", "--database", "singers", "How many singers are there?")
	if !strings.Contains(text, "SQL: SELECT count(*) FROM singers") || !strings.Contains(text, "explore_db") {
		t.Fatalf("text output: %s", text)
	}
}

func TestCLI_RunAgentBatch(t *testing.T) {
	c := newSerialCLI(t).withSingers()
	fakeModel(t)
	q := filepath.Join(t.TempDir(), "q.csv")
	os.WriteFile(q, []byte("question,sql\nHow many singers?,SELECT count(*) FROM singers\nHow many people sing?,SELECT count(*) FROM singers\n"), 0o644)
	c.must("import", "questions", q, "--project", "p", "--database", "singers")
	out := c.must("run", "agent", "--project", "p", "--stage", "human-seed", "--limit", "10", "--json")
	var res struct {
		Run struct {
			Status    string
			Total     int
			Succeeded int
		}
		Accuracy struct{ Answered int }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Run.Status != "succeeded" || res.Run.Total != 2 || res.Run.Succeeded != 2 || res.Accuracy.Answered != 2 {
		t.Fatalf("batch: %s", out)
	}
}

func TestCLI_WithoutAModelSaysWhatToSet(t *testing.T) {
	c := newCLI(t).withSingers()
	for _, args := range [][]string{
		{"agent", "ask", "--project", "p", "--database", "singers", "How many?"},
		{"run", "agent", "--project", "p"},
		{"llm", "test"},
	} {
		if _, err := c.run(args...); !errors.Is(err, llm.ErrNotConfigured) || !strings.Contains(err.Error(), "GOLDSET_LLM_BASE_URL") {
			t.Errorf("%s: %v", strings.Join(args[:2], " "), err)
		}
	}
}

func TestCLI_LLMTest(t *testing.T) {
	c := newSerialCLI(t)
	fakeModel(t)
	t.Setenv("GOLDSET_LLM_EMBEDDING_MODEL", "fake-embeddings")
	out := c.must("llm", "test", "--json")
	var rep llm.TestReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || !rep.Chat.OK || !rep.Embeddings.OK {
		t.Fatalf("%v: %s", err, out)
	}
}
