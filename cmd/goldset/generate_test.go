package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sashabaranov/go-openai"

	"github.com/goldset/goldset/llm/llmtest"
)

// The generating pipelines from the command line: a preview, an augmentation run followed to its
// end, schema-chunk generation and table descriptions, each printing its kept and dropped counts.
func TestCLI_RunAugmentGenerateAndDescribeTables(t *testing.T) {
	c := newSerialCLI(t).withSingers()
	srv := fakeModel(t)
	srv.Respond(func(req openai.ChatCompletionRequest) llmtest.Reply {
		text := llmtest.FirstUserMessage(req)
		switch {
		case len(req.Tools) > 0:
			return llmtest.Call("give_final_answer", map[string]string{"sql": "SELECT count(*) FROM singers", "explanation": "counts"})
		case strings.Contains(text, "Paraphrase the question below"):
			return llmtest.Text(`{"question": "Tell me the number of singers."}`)
		case strings.Contains(text, "natural language questions a user might ask"):
			return llmtest.Text("```json\n" + `{"items": [{"question": "Which singers are older than 40?", "sql": "SELECT name FROM singers WHERE age > 40"},
				{"question": "What is the mean age of the singers?", "sql": "SELECT avg(agge) FROM singers"}]}` + "\n```")
		case strings.Contains(text, "You check a Text-to-SQL dataset"):
			return llmtest.Text(`{"verdicts": [{"item": 1, "answers": true}]}`)
		case strings.Contains(text, "Give the table below"):
			return llmtest.Text(`{"table_name": "Pop Singers", "table_summary": "Singers and their ages."}`)
		}
		return llmtest.Reply{Fault: llmtest.FaultBadRequest}
	})
	q := filepath.Join(t.TempDir(), "q.csv")
	os.WriteFile(q, []byte("question,sql\nHow many singers are there?,SELECT count(*) FROM singers\n"), 0o644)
	c.must("import", "questions", q, "--project", "p", "--database", "singers")

	pv := c.must("run", "augment", "--project", "p", "--pipeline", "paraphrase", "--methods", "lexical", "--preview")
	if !strings.Contains(pv, "Lexical: replace words with synonyms") || !strings.Contains(pv, "How many singers are there?") {
		t.Fatalf("preview: %s", pv)
	}
	out := c.must("run", "augment", "--project", "p", "--pipeline", "paraphrase", "--from-stage", "human-seed", "--n", "1")
	if !strings.Contains(out, "paraphrase #1 (run 1) succeeded: 1 kept.") || !strings.Contains(out, "1 of 1 items done, 0 failed; 1 kept, 0 dropped") {
		t.Fatalf("augment: %s", out)
	}
	out = c.must("run", "generate", "--project", "p", "--database", "singers", "--tables-per-chunk", "3", "--num", "2")
	if !strings.Contains(out, "1 kept, 1 dropped (sql_failed 1)") || !strings.Contains(out, "1 kept, 1 dropped (1: its SQL failed)") {
		t.Fatalf("generate: %s", out)
	}
	js := c.must("run", "describe-tables", "--project", "p", "--database", "singers", "--json")
	var res struct {
		Run   struct{ Status string }
		Items []struct{ Detail json.RawMessage }
	}
	if err := json.Unmarshal([]byte(js), &res); err != nil || res.Run.Status != "succeeded" || len(res.Items) != 1 ||
		!strings.Contains(string(res.Items[0].Detail), `"name": "pop_singers"`) {
		t.Fatalf("describe-tables: %v %s", err, js)
	}
	if _, err := c.run("run", "augment", "--project", "p"); err == nil || !strings.Contains(err.Error(), "--pipeline") {
		t.Fatalf("augment without a pipeline: %v", err)
	}
	if _, err := c.run("run", "augment", "--project", "p", "--pipeline", "complexity", "--methods", "rhyme"); err == nil ||
		!strings.Contains(err.Error(), "rhyme") {
		t.Fatalf("an unknown method: %v", err)
	}
}
