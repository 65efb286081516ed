package server

import (
	"archive/zip"
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/goldset/goldset/store"
)

func TestDatabases_RunnerAndSchema(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.databaseAPI
	e.run(t, []scenario{
		{Name: "schema with original headers", Method: "GET", URL: d, As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"name":"singer"`, `"original":"Net Worth (millions)"`, `"name":"net_worth_millions"`, `"row_count":3`}},
		{Name: "sample rows", Method: "GET", URL: d + "/tables/singer/rows?limit=2", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{`"row_count":2`, "Liliane"}, NotExpected: []string{"Alice"}},
		{Name: "unknown table", Method: "GET", URL: d + "/tables/users/rows", As: "annotator", ExpectedStatus: 404},
		{Name: "table name is never SQL", Method: "GET", URL: d + `/tables/singer;DROP%20TABLE%20singer/rows`, As: "annotator", ExpectedStatus: 404},
		{Name: "a query runs", Method: "POST", URL: d + "/query", As: "annotator", Body: `{"sql":"SELECT name FROM singer WHERE net_worth_millions > 29"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"rows":[["Liliane"]]`, `"row_count":1`, `"fingerprint":"`}},
		{Name: "a write is refused as data", Method: "POST", URL: d + "/query", As: "annotator", Body: `{"sql":"DELETE FROM singer"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"error":"refused: only SELECT queries may run`}},
		{Name: "platform tables are out of reach", Method: "POST", URL: d + "/query", As: "annotator", Body: `{"sql":"SELECT * FROM public.api_tokens"}`,
			ExpectedStatus: 200, ExpectedContent: []string{"outside this database"}},
		{Name: "empty sql", Method: "POST", URL: d + "/query", As: "annotator", Body: `{"sql":"  "}`, ExpectedStatus: 400},
		{Name: "history is the caller's own", Method: "GET", URL: d + "/history", As: "annotator", ExpectedStatus: 200,
			ExpectedContent: []string{"DELETE FROM singer", "WHERE net_worth_millions"}},
		{Name: "someone else's history is empty", Method: "GET", URL: d + "/history", As: "reviewer", ExpectedStatus: 200,
			ExpectedContent: []string{`"history":[]`}},
		{Name: "compare: permuted columns match", Method: "POST", URL: d + "/compare", As: "annotator",
			Body:           `{"gold_sql":"SELECT name, country FROM singer","pred_sql":"SELECT country, name FROM singer"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"match":true`, `"order_matters":false`}},
		{Name: "compare: a missing row does not", Method: "POST", URL: d + "/compare", As: "annotator",
			Body:           `{"gold_sql":"SELECT name FROM singer","pred_sql":"SELECT name FROM singer WHERE net_worth_millions IS NOT NULL"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"match":false`, `"only_in_gold":[["Alice"]]`}},
		{Name: "a database of another project is not found", Method: "GET", URL: fmt.Sprintf("/api/v1/projects/%d/databases/%d", e.project.ID, e.database.ID+1000), As: "admin", ExpectedStatus: 404},
	})
}

// wantDatabases fails the test unless the project has n databases (versions included) and the
// cluster n target schemas: what a refused import must leave.
func (e *env) wantDatabases(t *testing.T, n int) {
	t.Helper()
	dbs, err := e.store.ListDatabases(e.ctx, e.project.ID, true)
	if err != nil || len(dbs) != n {
		t.Fatalf("%d databases (%v), want %d", len(dbs), err, n)
	}
	var schemas int
	if err := e.store.Pool().QueryRow(e.ctx, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tdb_%'").Scan(&schemas); err != nil || schemas != n {
		t.Fatalf("%d target schemas (%v) for %d databases", schemas, err, n)
	}
}

// upload posts a multipart import.
func (e *env) upload(as string, fields map[string]string, files map[string][]byte) *httptest.ResponseRecorder {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	for name, data := range files {
		f, _ := w.CreateFormFile("files", name)
		f.Write(data)
	}
	w.Close()
	req := httptest.NewRequest("POST", e.projectAPI+"/imports", &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.users[as].token)
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		f, err := zw.Create(name)
		noError(t, err)
		f.Write([]byte(body))
	}
	zw.Close()
	return b.Bytes()
}

func TestImports_BadUploadsAreRefusedAndLeaveNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before, _ := e.store.ListDatabases(e.ctx, e.project.ID, true)
	cases := []struct {
		name   string
		fields map[string]string
		files  map[string][]byte
		want   string
	}{
		{"unknown kind", map[string]string{"kind": "excel"}, map[string][]byte{"a.xlsx": []byte("x")}, "must be csv, sqlite"},
		{"no files", map[string]string{"kind": "csv"}, nil, "at least one file"},
		{"unterminated quote", map[string]string{"kind": "csv", "name": "bad"}, map[string][]byte{"bad.csv": []byte("a,b\n1,\"oops\n")}, "unterminated"},
		{"one good and one bad file", map[string]string{"kind": "csv", "name": "mixed"},
			map[string][]byte{"good.csv": []byte("a\n1\n"), "empty.csv": []byte("")}, "empty.csv"},
		{"not a sqlite file", map[string]string{"kind": "sqlite"}, map[string][]byte{"x.sqlite": []byte("this is not sqlite")}, "file"},
		{"not a zip", map[string]string{"kind": "spider"}, map[string][]byte{"spider.zip": []byte("PK? no")}, "not a readable zip"},
		{"zip escaping its folder", map[string]string{"kind": "spider"}, map[string][]byte{"evil.zip": zipOf(t, map[string]string{"../../etc/evil": "x", "tables.json": "[]"})}, "outside the archive"},
		{"zip without the dataset", map[string]string{"kind": "wtq"}, map[string][]byte{"w.zip": zipOf(t, map[string]string{"readme.txt": "hi"})}, "does not look like"},
		{"malformed spider json", map[string]string{"kind": "spider"}, map[string][]byte{"s.zip": zipOf(t, map[string]string{"spider/tables.json": "[{", "spider/dev.json": "[]"})}, "tables.json"},
		{"questions without a question column", map[string]string{"kind": "questions", "database": "singers"}, map[string][]byte{"q.csv": []byte("text,sql\nhi,SELECT 1\n")}, "question"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := e.upload("lead", c.fields, c.files)
			if rec.Code != 400 || !strings.Contains(rec.Body.String(), c.want) {
				t.Fatalf("%d %s; want 400 mentioning %q", rec.Code, rec.Body, c.want)
			}
		})
	}
	e.wantDatabases(t, len(before))
}

func TestImports_CSVUploadThenQuestions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rec := e.upload("lead", map[string]string{"kind": "csv", "name": "medals"}, map[string][]byte{
		"medals.csv": []byte("Rank,Nation,Gold,Total (all)\n1,Norway,\"12,467\",20\n2,Germany,9,\n"),
	})
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `"name":"medals"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	q := e.upload("lead", map[string]string{"kind": "questions", "database": "medals"}, map[string][]byte{
		"q.csv": []byte("question,sql\nWhich nation won most gold?,SELECT nation FROM medals ORDER BY gold DESC LIMIT 1\nHow many?,SELECT nope FROM medals\nNo SQL yet?,\n"),
	})
	if q.Code != 201 || !strings.Contains(q.Body.String(), `"imported":3`) || !strings.Contains(q.Body.String(), `"sql_failed":1`) {
		t.Fatalf("questions: %d %s", q.Code, q.Body)
	}
	again := e.upload("lead", map[string]string{"kind": "questions", "database": "medals"}, map[string][]byte{
		"q.csv": []byte("question,sql\nWhich nation won most gold?,SELECT nation FROM medals ORDER BY gold DESC LIMIT 1\nHow many?,SELECT nope FROM medals\nNo SQL yet?,\n"),
	})
	if !strings.Contains(again.Body.String(), `"existing":3`) {
		t.Fatalf("re-import duplicated questions: %s", again.Body)
	}
	// A reviewer reads the imported SQL (a blind annotator would not, before answering).
	list := e.do(scenario{Method: "GET", URL: e.projectAPI + "/nlqs", As: "reviewer"})
	nlqs := decode[struct {
		NLQs []store.NLQWithSQL `json:"nlqs"`
	}](t, list).NLQs
	if len(nlqs) != 3 {
		t.Fatalf("nlqs: %s", list.Body)
	}
	var failed int
	for _, n := range nlqs {
		if n.Candidate != nil && n.Candidate.Error != nil {
			failed++
			if !strings.Contains(*n.Candidate.Error, `column "nope" does not exist`) {
				t.Errorf("kept error: %s", *n.Candidate.Error)
			}
		}
	}
	if failed != 1 {
		t.Errorf("failed candidates: %d", failed)
	}
}

func TestDatabases_CheckSQLForAQuestion(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	url := fmt.Sprintf("/api/v1/projects/%d/nlqs/%d/check", e.project.ID, e.nlq(t))
	e.run(t, []scenario{
		{Name: "right SQL matches both the stored SQL and the answer", Method: "POST", URL: url, As: "reviewer",
			Body:           `{"sql":"SELECT name FROM singer WHERE net_worth_millions = (SELECT max(net_worth_millions) FROM singer)"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"answer_match":{"answers":["Liliane"],"match":true`, `"execution_match":{"against_candidate":`, `"match":true,"reason":"equal"`}},
		{Name: "wrong SQL matches neither", Method: "POST", URL: url, As: "reviewer", Body: `{"sql":"SELECT name FROM singer WHERE name = 'Alice'"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"answers":["Liliane"],"match":false`, `"execution_match":{"against_candidate"`}},
		{Name: "a blind annotator who has not answered the question is not told whether it matches the stored SQL", Method: "POST", URL: url,
			As: "annotator", Body: `{"sql":"SELECT name FROM singer WHERE name = 'Alice'"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"answers":["Liliane"],"match":false`}, NotExpected: []string{"execution_match"}},
		{Name: "unknown question", Method: "POST", URL: e.projectAPI + "/nlqs/999999/check", As: "annotator",
			Body: `{"sql":"SELECT 1"}`, ExpectedStatus: 404},
	})
}

func TestDatabases_RenameTableAndSummary(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.databaseAPI
	e.run(t, []scenario{
		{Name: "rename and describe", Method: "PATCH", URL: d + "/tables/singer", As: "lead", Body: `{"name":"singers","summary":"Singers with net worth"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"name":"singers"`, `"summary":"Singers with net worth"`}},
		{Name: "the new name is queryable", Method: "POST", URL: d + "/query", As: "annotator", Body: `{"sql":"SELECT count(*) FROM singers"}`,
			ExpectedStatus: 200, ExpectedContent: []string{`"rows":[[3]]`}},
		{Name: "the old name is gone", Method: "GET", URL: d + "/tables/singer/rows", As: "annotator", ExpectedStatus: 404},
		{Name: "not an identifier", Method: "PATCH", URL: d + "/tables/singers", As: "lead", Body: `{"name":"Robert'); DROP TABLE x;--"}`,
			ExpectedStatus: 400, ExpectedContent: []string{"lower-case identifier"}},
		{Name: "annotators may not rename", Method: "PATCH", URL: d + "/tables/singers", As: "annotator", Body: `{"name":"x"}`, ExpectedStatus: 403},
		{Name: "a long summary in another script counts characters", Method: "PATCH", URL: d + "/tables/singers", As: "lead",
			Body: jsonBody(map[string]string{"summary": strings.Repeat("歌", 900)}), ExpectedStatus: 200},
	})
	// Once questions have SQL on this database, a rename would break it: refused, summary still editable.
	e.nlq(t)
	e.run(t, []scenario{
		{Name: "rename refused once SQL is written", Method: "PATCH", URL: d + "/tables/singers", As: "lead", Body: `{"name":"vocalists"}`,
			ExpectedStatus: 409, ExpectedContent: []string{"would break them"}},
		{Name: "summary still editable", Method: "PATCH", URL: d + "/tables/singers", As: "lead", Body: `{"summary":"Singers"}`, ExpectedStatus: 200},
	})
}
