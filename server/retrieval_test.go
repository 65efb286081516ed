package server

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/goldset/goldset/store"
)

func TestSchemaSearch_FindsTablesColumnsAndValuesAndEditsShowAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.run(t, []scenario{
		{Name: "a value finds its table and column", Method: "GET", URL: e.databaseAPI + "/search?q=liliane", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"tables":1`, `"table":"singer"`, `"field":"value"`, `"column":"name"`, `"text":"Liliane"`}},
		{Name: "an original header finds its column", Method: "GET", URL: e.databaseAPI + "/search?q=net+worth", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"field":"column"`, `"text":"Net Worth (millions)"`}},
		{Name: "a word being typed is a prefix", Method: "GET", URL: e.databaseAPI + "/search?q=lilia", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"text":"Liliane"`}},
		{Name: "nothing matches", Method: "GET", URL: e.databaseAPI + "/search?q=zebra", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"hits":[]`}},
		{Name: "a query is required", Method: "GET", URL: e.databaseAPI + "/search?q=+", As: "annotator", ExpectedStatus: 400,
			ExpectedContent: []string{`"q"`}},
		{Name: "a bad limit", Method: "GET", URL: e.databaseAPI + "/search?q=singer&limit=0", As: "annotator", ExpectedStatus: 400},
		{Name: "another project's database", Method: "GET", URL: fmt.Sprintf("%s/databases/%d/search?q=x", e.projectAPI, e.database.ID+1000), As: "admin", ExpectedStatus: 404},
		{Name: "a summary is searchable once saved", Method: "PATCH", URL: e.databaseAPI + "/tables/singer", As: "lead", Body: `{"summary":"Vocalists and their fortunes"}`, ExpectedStatus: 200},
		{Name: "the edit shows in the next search", Method: "GET", URL: e.databaseAPI + "/search?q=vocalists", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"table":"singer"`, `"field":"summary"`}},
	})
}

func TestRetrievalSettings_LeadsSetTopKAndScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.projectAPI + "/retrieval"
	e.run(t, []scenario{
		{Name: "defaults", Method: "GET", URL: p, As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"top_k":8`, `"scope":"auto"`, `"version":0`}},
		{Name: "version required", Method: "PUT", URL: p, As: "lead", Body: `{"top_k":5}`, ExpectedStatus: 400},
		{Name: "saved", Method: "PUT", URL: p, As: "lead", Body: `{"version":0,"top_k":5,"scope":"database"}`, ExpectedStatus: 200,
			ExpectedContent: []string{`"top_k":5`, `"scope":"database"`, `"version":1`}},
		{Name: "stale", Method: "PUT", URL: p, As: "lead", Body: `{"version":0,"top_k":6}`, ExpectedStatus: 409},
		{Name: "invalid", Method: "PUT", URL: p, As: "lead", Body: `{"version":1,"scope":"everything"}`, ExpectedStatus: 400,
			ExpectedContent: []string{`"scope"`}},
		{Name: "reviewers cannot change them", Method: "PUT", URL: p, As: "reviewer", Body: `{"version":1,"top_k":6}`, ExpectedStatus: 403},
	})
}

// The dashboard's plot of schema recall over batches: one point per batch that recorded what its
// prompts showed, oldest first, without the lists of missed questions.
func TestRetrievalBatches_RecallPerBatchOldestFirst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.batch(t, true) // a batch whose runs recorded nothing: not a point
	record := func(shown ...[]string) int64 {
		t.Helper()
		batch := e.batch(t, true)
		for i, tables := range shown {
			nlq := e.nlq(t)
			r := store.AgentRun{ProjectID: e.project.ID, DatabaseID: e.database.ID, NLQID: &nlq, PipelineRunID: &batch, Question: "Who is the richest singer?"}
			noError(t, e.store.CreateAgentRun(e.ctx, store.System, &r))
			r.Status = "answered"
			r.Retrieval = &store.PromptTables{Method: "lexical", Tables: tables, Total: 1, FirstPromptTokens: 1000 * (i + 1)}
			noError(t, e.store.FinishAgentRun(e.ctx, &r))
		}
		return batch
	}
	first := record([]string{"singer"}, []string{})
	second := record([]string{"singer"}, []string{"singer"}, []string{"singer"})
	url := e.projectAPI + "/retrieval/batches"
	rec := e.do(scenario{Method: "GET", URL: url, As: "lead"})
	if rec.Code != 200 {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
	var got struct{ Batches []BatchRecall }
	noError(t, json.Unmarshal(rec.Body.Bytes(), &got))
	if len(got.Batches) != 2 || got.Batches[0].Run.ID != first || got.Batches[1].Run.ID != second {
		t.Fatalf("batches %+v, want %d then %d", got.Batches, first, second)
	}
	a, b := got.Batches[0].Retrieval, got.Batches[1].Retrieval
	if a.Questions != 2 || a.Complete != 1 || a.Recall != 0.5 || a.TablesMean != 0.5 || a.Missed != nil {
		t.Errorf("first batch: %+v", a)
	}
	if b.Questions != 3 || b.Recall != 1 || b.TokensMedian != 2000 || b.TokensMax != 3000 {
		t.Errorf("second batch: %+v", b)
	}
	e.run(t, []scenario{
		{Name: "the newest one only", Method: "GET", URL: url + "?limit=1", As: "lead", ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"run":{"id":%d,`, second)}, NotExpected: []string{fmt.Sprintf(`"run":{"id":%d,`, first)}},
		{Name: "a bad limit", Method: "GET", URL: url + "?limit=21", As: "lead", ExpectedStatus: 400},
	})
}
