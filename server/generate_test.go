package server

import (
	"fmt"
	"testing"
)

// Leads start the generating pipelines with POST …/runs and see the prompt first with
// POST …/runs/preview; bad parameters are field errors.
func TestAPI_GenerationRunsAndPreview(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.nlq(t) // a human-seed question about the fixture's singers table
	p := e.projectAPI
	db := e.database.ID
	e.run(t, []scenario{
		{Name: "preview of a complexity run shows the prompt", Method: "POST", URL: p + "/runs/preview", As: "lead",
			Body: `{"kind":"augment","params":{"pipeline":"complexity","from_stage":"human-seed","methods":["constraint"]}}`, ExpectedStatus: 200,
			ExpectedContent: []string{`"pipeline":"complexity"`, `"prompt_version":"complexity-`, "Add one constraint", "Who is the richest singer?", "CREATE TABLE singer", `"items":1`}},
		{Name: "preview of schema-chunk generation", Method: "POST", URL: p + "/runs/preview", As: "lead",
			Body: fmt.Sprintf(`{"kind":"qagen","params":{"database_id":%d,"num":4}}`, db), ExpectedStatus: 200,
			ExpectedContent: []string{"Generate 4 natural language questions", "PostgreSQL"}},
		{Name: "preview stores nothing", Method: "GET", URL: p + "/runs", As: "lead", ExpectedStatus: 200, ExpectedContent: []string{`"runs":[]`}},
		{Name: "start a paraphrase run", Method: "POST", URL: p + "/runs", As: "lead",
			Body: `{"kind":"paraphrase","params":{"n":1,"concurrency":2}}`, ExpectedStatus: 201,
			ExpectedContent: []string{`"kind":"paraphrase"`, `"total":1`, `"stage":"human-seed+paraphrase"`}},
		{Name: "start table metadata on CSV tables", Method: "POST", URL: p + "/runs", As: "lead",
			Body: fmt.Sprintf(`{"kind":"table_metadata","params":{"database_id":%d}}`, db), ExpectedStatus: 201, ExpectedContent: []string{`"kind":"table_metadata"`}},
		{Name: "unknown kind", Method: "POST", URL: p + "/runs", As: "lead", Body: `{"kind":"poetry"}`, ExpectedStatus: 400,
			ExpectedContent: []string{`"kind":"must be agent, augment, complexity`}},
		{Name: "unknown pipeline", Method: "POST", URL: p + "/runs", As: "lead", Body: `{"kind":"augment","params":{"pipeline":"poetry"}}`,
			ExpectedStatus: 400, ExpectedContent: []string{`"pipeline":`}},
		{Name: "unknown method and n out of range", Method: "POST", URL: p + "/runs", As: "lead",
			Body: `{"kind":"complexity","params":{"methods":["rhyme"],"n":-3}}`, ExpectedStatus: 400,
			ExpectedContent: []string{`"methods":"unknown method \"rhyme\"`, `"n":"must be from 0 to 100000"`}},
		{Name: "a stage without questions", Method: "POST", URL: p + "/runs", As: "lead",
			Body: `{"kind":"semantic","params":{"from_stage":"nowhere"}}`, ExpectedStatus: 400, ExpectedContent: []string{`"from_stage":"no question of stage \"nowhere\"`}},
		{Name: "qagen needs a database", Method: "POST", URL: p + "/runs/preview", As: "lead", Body: `{"kind":"qagen"}`, ExpectedStatus: 400,
			ExpectedContent: []string{`"database_id":"is required"`}},
		{Name: "a misspelt parameter is refused", Method: "POST", URL: p + "/runs", As: "lead",
			Body: `{"kind":"qagen","params":{"tables_per_chunks":3}}`, ExpectedStatus: 400, ExpectedContent: []string{`unknown field`}},
		{Name: "reviewers may not start runs", Method: "POST", URL: p + "/runs", As: "reviewer", Body: `{"kind":"paraphrase"}`, ExpectedStatus: 403},
	})
}
