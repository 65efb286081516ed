package agent_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/goldset/goldset/agent"
	"github.com/goldset/goldset/llm/llmtest"
	"github.com/goldset/goldset/sqlexec"
)

// A BIRD question's evidence follows it in the user's message, and the columns' descriptions are
// in the schema the system prompt shows.
func TestRun_TheModelReadsTheEvidenceAndTheColumnDescriptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "concert_singer")
	q := e.question("concert_singer", franceQ)
	q.Evidence = "from France refers to country = 'France'"
	for i, tb := range q.Tables {
		if tb.Name != "singer" {
			continue
		}
		var cols []sqlexec.ColumnDef
		if err := json.Unmarshal(tb.Columns, &cols); err != nil {
			t.Fatal(err)
		}
		for c := range cols {
			if cols[c].Name == "country" {
				cols[c].Doc = &sqlexec.ColumnDoc{Name: "Country of citizenship", Values: "English names of countries"}
			}
		}
		q.Tables[i].Columns, _ = json.Marshal(cols)
	}
	user := franceQ + "\n\nEvidence (external knowledge given with the question; use it to map its words to columns and values): " + q.Evidence
	srv := llmtest.New(t)
	srv.Script(map[string][]llmtest.Reply{user: {final(franceSQL, "Filters singers by country.")}})
	out, err := e.agent(srv, agent.Options{}).Run(context.Background(), q, meta, &stepLog{})
	if err != nil {
		t.Fatal(err)
	}
	if out.StopReason != agent.StopAnswered || out.PromptVersion != agent.PromptVersion {
		t.Fatalf("outcome %s (%s), prompt %s", out.StopReason, out.StopDetail, out.PromptVersion)
	}
	system := srv.Requests()[0].Messages[0].Content
	if !strings.Contains(system, "country text -- Country of citizenship; values: English names of countries") &&
		!strings.Contains(system, `"Country": Country of citizenship; values: English names of countries`) {
		t.Fatalf("the schema lacks the column's description:\n%s", system)
	}
}
