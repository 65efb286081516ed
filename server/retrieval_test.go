package server

import (
	"fmt"
	"testing"
)

func TestSchemaSearch_FindsTablesColumnsAndValuesAndEditsShowAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := fmt.Sprintf("/api/v1/projects/%d", e.project.ID)
	d := fmt.Sprintf("%s/databases/%d", p, e.database.ID)
	e.run(t, []scenario{
		{Name: "a value finds its table and column", Method: "GET", URL: d + "/search?q=liliane", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"tables":1`, `"table":"singer"`, `"field":"value"`, `"column":"name"`, `"text":"Liliane"`}},
		{Name: "an original header finds its column", Method: "GET", URL: d + "/search?q=net+worth", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"field":"column"`, `"text":"Net Worth (millions)"`}},
		{Name: "a word being typed is a prefix", Method: "GET", URL: d + "/search?q=lilia", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"text":"Liliane"`}},
		{Name: "nothing matches", Method: "GET", URL: d + "/search?q=zebra", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"hits":[]`}},
		{Name: "a query is required", Method: "GET", URL: d + "/search?q=+", As: "annotator", ExpectedStatus: 400,
			ExpectedContent: []string{`"q"`}},
		{Name: "a bad limit", Method: "GET", URL: d + "/search?q=singer&limit=0", As: "annotator", ExpectedStatus: 400},
		{Name: "another project's database", Method: "GET", URL: fmt.Sprintf("%s/databases/%d/search?q=x", p, e.database.ID+1000), As: "admin", ExpectedStatus: 404},
		{Name: "a summary is searchable once saved", Method: "PATCH", URL: d + "/tables/singer", As: "lead", Body: `{"summary":"Vocalists and their fortunes"}`, ExpectedStatus: 200},
		{Name: "the edit shows in the next search", Method: "GET", URL: d + "/search?q=vocalists", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"table":"singer"`, `"field":"summary"`}},
	})
}

func TestRetrievalSettings_LeadsSetTopKAndScope(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := fmt.Sprintf("/api/v1/projects/%d/retrieval", e.project.ID)
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
