package server

import (
	"fmt"
	"net/http"
	"testing"
)

// TestAPI_NULCharactersAreFieldErrors: PostgreSQL refuses NUL in text, so a NUL in any parameter or
// JSON string is a 400 naming the field, never a 500 from the database.
func TestAPI_NULCharactersAreFieldErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	nul := func(field string) []string {
		return []string{`"code":"invalid_input"`, `"` + field + `":"must not contain the NUL character`}
	}
	e.run(t, []scenario{
		{Name: "SQL to run", Method: "POST", URL: e.databaseAPI + "/query", As: "annotator", Body: `{"sql":"SELECT 'a\u0000b'"}`,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("sql")},
		{Name: "SQL to compare", Method: "POST", URL: e.databaseAPI + "/compare", As: "annotator", Body: `{"gold_sql":"SELECT 1","pred_sql":"SELECT '\u0000'"}`,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("pred_sql")},
		{Name: "question text", Method: "POST", URL: e.projectAPI + "/nlqs", As: "annotator",
			Body:           fmt.Sprintf(`{"database_id":%d,"question":"How many\u0000 singers?","sql":"SELECT count(*) FROM singer"}`, e.database.ID),
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("question")},
		{Name: "question search", Method: "GET", URL: e.projectAPI + "/nlqs?q=sing%00er", As: "annotator",
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("q")},
		{Name: "login email", Method: "POST", URL: "/api/v1/auth/login", Body: `{"email":"admin\u0000@example.com","password":"whatever it is"}`,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("email")},
		{Name: "path parameter", Method: "GET", URL: e.databaseAPI + "/tables/sing%00er/rows", As: "annotator",
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("table")},
		{Name: "nested run parameter", Method: "POST", URL: e.projectAPI + "/runs/preview", As: "lead", Body: `{"kind":"paraphrase","params":{"methods":["lexical\u0000"]}}`,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("params.methods[0]")},
		{Name: "project name", Method: "POST", URL: "/api/v1/projects", As: "admin", Body: `{"name":"\u0000"}`,
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("name")},
		{Name: "audit paging", Method: "GET", URL: "/api/v1/audit?before=%00", As: "admin",
			ExpectedStatus: http.StatusBadRequest, ExpectedContent: nul("before")},
		{Name: "an escaped backslash is just text", Method: "POST", URL: e.databaseAPI + "/query", As: "annotator", Body: `{"sql":"SELECT '\\u0000' AS x"}`,
			ExpectedStatus: http.StatusOK, ExpectedContent: []string{`\\u0000`}},
	})
}
