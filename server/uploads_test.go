package server

import (
	"bufio"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/ingest/upload"
	"github.com/goldset/goldset/pipelines/ingest/upload/uploadtest"
)

// sqliteFile builds a SQLite database with the statements given and returns its bytes.
func sqliteFile(t *testing.T, stmts ...string) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "db.sqlite")
	db, err := sql.Open("sqlite", p)
	noError(t, err)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%.60s: %v", s, err)
		}
	}
	db.Close()
	b, err := os.ReadFile(p)
	noError(t, err)
	return b
}

func wideCSV(cols int) []byte {
	var b strings.Builder
	for i := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "c%d", i)
	}
	b.WriteString("\n")
	for i := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("1")
	}
	b.WriteString("\n")
	return []byte(b.String())
}

func wideSQLite(t *testing.T, cols int) []byte {
	defs := make([]string, cols)
	for i := range defs {
		defs[i] = fmt.Sprintf("c%d INTEGER", i)
	}
	return sqliteFile(t, "CREATE TABLE wide ("+strings.Join(defs, ", ")+")", "INSERT INTO wide (c0) VALUES (1)")
}

func TestImports_RefusedFilesAre400NamingTheUsersFileNeverAServerPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before, _ := e.store.ListDatabases(e.ctx, e.project.ID, true)
	good := zipOf(t, map[string]string{"spider/tables.json": "[]", "spider/dev.json": "[]"})
	cases := []struct {
		name   string
		fields map[string]string
		files  map[string][]byte
		want   []string
	}{
		{"malformed SQLite", map[string]string{"kind": "sqlite"}, map[string][]byte{"sales.sqlite": []byte(strings.Repeat("not a database ", 400))},
			[]string{"sales.sqlite: ", "not a database"}},
		{"malformed CSV", map[string]string{"kind": "csv"}, map[string][]byte{"orders.csv": []byte("id,name\n1,\"never closed\n")},
			[]string{"orders.csv: line 2: unterminated quoted field"}},
		{"malformed JSON", map[string]string{"kind": "spider"}, map[string][]byte{"bench.zip": zipOf(t, map[string]string{"spider/tables.json": `[{"db_id": `, "spider/dev.json": "[]"})},
			[]string{"tables.json: line 1"}},
		{"truncated zip", map[string]string{"kind": "spider"}, map[string][]byte{"bench.zip": good[:len(good)/2]},
			[]string{"bench.zip is not a readable zip archive"}},
		{"zip of CSVs with a malformed one", map[string]string{"kind": "csv"}, map[string][]byte{"tables.zip": zipOf(t, map[string]string{"data/a.csv": "a\n1\n", "data/b.csv": "x,y\n\"open\n"})},
			[]string{"tables.zip: data/b.csv: csvtable: data/b.csv: line 2: unterminated quoted field"}},
		{"5,000-column CSV", map[string]string{"kind": "csv"}, map[string][]byte{"wide.csv": wideCSV(5000)},
			[]string{"wide.csv has 5000 columns: PostgreSQL allows at most 1600 in a table"}},
		{"SQLite table past 1,600 columns", map[string]string{"kind": "sqlite"}, map[string][]byte{"wide.sqlite": wideSQLite(t, 1700)},
			[]string{"wide.sqlite: table wide has 1700 columns: PostgreSQL allows at most 1600 in a table"}},
		{"NUL in a question file", map[string]string{"kind": "questions", "database": "singers"}, map[string][]byte{"qs.csv": []byte("question,sql\nHow many?,SELECT 1\nWho\x00?,SELECT 2\n")},
			[]string{"qs.csv: line 3, column 1 (question): contains a NUL byte"}},
		{"NUL in Spider questions", map[string]string{"kind": "spider"}, map[string][]byte{"bench.zip": zipOf(t, map[string]string{
			"spider/tables.json":         `[{"db_id": "s", "table_names": [], "table_names_original": [], "column_names": [], "column_names_original": [], "column_types": [], "primary_keys": [], "foreign_keys": []}]`,
			"spider/dev.json":            `[{"db_id": "s", "question": "How\u0000 many?", "query": "SELECT 1"}]`,
			"spider/database/s/s.sqlite": string(sqliteFile(t, "CREATE TABLE t (a INTEGER)")),
		})}, []string{"dev.json: question 0, field question: contains a NUL byte"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := e.upload("lead", c.fields, c.files)
			body := rec.Body.String()
			if rec.Code != 400 {
				t.Fatalf("%d %s; want 400", rec.Code, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s\ndoes not say %q", body, w)
				}
			}
			for _, path := range []string{upload.Root(), os.TempDir(), "goldset-upload"} {
				if strings.Contains(body, path) {
					t.Errorf("the message shows the server path %q: %s", path, body)
				}
			}
		})
	}
	e.wantDatabases(t, len(before))
}

func TestImports_NULInTableDataIsRemovedWithAWarning(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rec := e.upload("lead", map[string]string{"kind": "csv", "name": "padded"}, map[string][]byte{
		"padded.csv": []byte("code,label\n1,alpha\x00\x00\n2,beta\n3,gam\x00ma\n4,delta\n5,epsilon\n6,zeta\n7,eta\n8,theta\n9,iota\n10,kappa\n"),
	})
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), `column 2 (\"label\"): 3 NUL bytes removed (first on line 2)`) {
		t.Fatalf("csv: %d %s", rec.Code, rec.Body)
	}
	rec = e.upload("lead", map[string]string{"kind": "sqlite"}, map[string][]byte{
		"legacy.sqlite": sqliteFile(t, "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)",
			"INSERT INTO item VALUES (1, 'ok'), (2, 'pad' || char(0) || char(0)), (3, CAST(X'6100' AS TEXT))"),
	})
	if rec.Code != 201 || !strings.Contains(rec.Body.String(), "column name: 3 NUL bytes removed from text (first in row 2)") {
		t.Fatalf("sqlite: %d %s", rec.Code, rec.Body)
	}
	d := decode[struct {
		Databases []struct {
			Database struct{ ID int64 } `json:"database"`
		} `json:"databases"`
	}](t, rec).Databases[0].Database.ID
	q := e.do(scenario{Method: "POST", URL: fmt.Sprintf("/api/v1/projects/%d/databases/%d/query", e.project.ID, d), As: "annotator",
		Body: `{"sql":"SELECT name FROM item ORDER BY id"}`})
	if !strings.Contains(q.Body.String(), `"rows":[["ok"],["pad"],["a"]]`) {
		t.Fatalf("stored: %s", q.Body)
	}
}

// The zip bombs run in a child process (this test binary again, running only
// TestImports_ZipBombChild) so that its peak memory (VmHWM) is the server's own, not other tests'.
func TestImports_ZipBombsAreRefusedInLittleMemory(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes a 512 MiB upload to disk")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestImports_ZipBombChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "GOLDSET_BOMB_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var peak int64 = -1
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "uploads_test.go"); ok {
			if _, after, ok := strings.Cut(v, "peak memory (VmHWM) kB: "); ok {
				peak, _ = strconv.ParseInt(strings.TrimSpace(after), 10, 64)
			}
		}
	}
	t.Logf("child output:\n%s", out)
	if peak < 0 {
		t.Fatal("the child did not report its peak memory")
	}
	if peak > 300<<10 {
		t.Fatalf("peak memory %d MiB during the refused bombs; want under 300 MiB", peak>>10)
	}
}

func vmHWM(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status:", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

func TestImports_ZipBombChild(t *testing.T) {
	if os.Getenv("GOLDSET_BOMB_CHILD") != "1" {
		t.Skip("run by TestImports_ZipBombsAreRefusedInLittleMemory")
	}
	e := newEnv(t) // the default limits: 512 MiB upload, 1 GiB a file, 2 GiB a zip expanded
	rows := []byte("1,2,3,4\n")
	bombs := []struct {
		name   string
		fields map[string]string
		file   string
		zip    []byte
		want   string
	}{
		{"one entry of 3 GiB", map[string]string{"kind": "csv"}, "bomb.zip",
			uploadtest.Zip(t, uploadtest.Entry{Name: "big.csv", Size: 3 << 30, Pattern: rows}),
			"bomb.zip: big.csv expands to more than the 1 GiB limit for one file"},
		{"a header that says 1 KiB for 1.5 GiB", map[string]string{"kind": "csv"}, "liar.zip",
			uploadtest.Zip(t, uploadtest.Entry{Name: "small.csv", Size: 1536 << 20, Pattern: rows, Declared: 1 << 10}),
			"liar.zip: small.csv expands past the size its header declares (1 KiB)"},
		{"three entries of 1000 MiB", map[string]string{"kind": "spider"}, "spider.zip",
			uploadtest.Zip(t, uploadtest.Entry{Name: "spider/tables.json", Size: 1000 << 20}, uploadtest.Entry{Name: "spider/dev.json", Size: 1000 << 20},
				uploadtest.Entry{Name: "spider/database/a/a.sqlite", Size: 1000 << 20}),
			"spider.zip expands to more than the 2 GiB limit for one archive"},
	}
	start := vmHWM(t)
	t.Logf("peak memory before the bombs, kB: %d", start)
	for _, b := range bombs {
		rec := e.upload("lead", b.fields, map[string][]byte{b.file: b.zip})
		if rec.Code/100 != 4 || !strings.Contains(rec.Body.String(), b.want) {
			t.Errorf("%s: %d %s; want a 4xx saying %q", b.name, rec.Code, rec.Body, b.want)
		}
	}
	// An upload past the 512 MiB limit, streamed to the handler as it is made.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("kind", "csv")
		f, _ := mw.CreateFormFile("files", "huge.csv")
		io.Copy(f, io.LimitReader(repeat(rows), 600<<20))
		mw.Close()
		pw.Close()
	}()
	req := httptest.NewRequest("POST", e.projectAPI+"/imports", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.users["lead"].token)
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	pr.CloseWithError(io.ErrClosedPipe)
	if rec.Code != 413 || !strings.Contains(rec.Body.String(), "the upload is larger than the 512 MiB limit for one upload") {
		t.Errorf("huge upload: %d %s", rec.Code, rec.Body)
	}
	t.Logf("peak memory (VmHWM) kB: %d", vmHWM(t))
}

// repeat reads p again and again.
type repeat []byte

func (r repeat) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r[n%len(r):])
	}
	return n, nil
}
