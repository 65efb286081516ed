package ingest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestImportWTQ_AllTablesAndQuestions(t *testing.T) {
	t.Parallel()
	dir := pipelinetest.NeedData(t, "wtq")
	f := pipelinetest.New(t)
	sum, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	db := sum.Databases[0].Database
	if db.TableCount != 83 || sum.Questions.Total != 256 || sum.Questions.Imported != 256 {
		t.Fatalf("tables %d, questions %+v", db.TableCount, sum.Questions)
	}
	// Every question points at a table that exists, and a candidate answer can be checked on it.
	tables, _ := f.St.Tables(f.Ctx, db.ID)
	names := map[string]bool{}
	for _, tb := range tables {
		names[tb.Name] = true
	}
	nlqs, err := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nlqs {
		var origin struct{ Table string }
		if err := json.Unmarshal(n.Origin, &origin); err != nil || !names[origin.Table] || len(n.TargetValues) == 0 {
			t.Fatalf("question without its table or answer: %s %v", n.Origin, n.TargetValues)
		}
	}
	res := f.Im.Exec.Run(f.Ctx, db.Target(), "SELECT count(*) FROM t_200_csv_0")
	if !res.OK() {
		t.Fatal(res.Error)
	}
	if !names["t_200_csv_0"] || !names["t_201_csv_9"] {
		t.Errorf("table names: %v", names)
	}

	// The same folder again: nothing new is made.
	again, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Databases[0].Unchanged || again.Questions.Existing != 256 || again.Questions.Imported != 0 {
		t.Fatalf("re-import: unchanged=%v %+v", again.Databases[0].Unchanged, again.Questions)
	}
}

func TestImportSpider_DatabasesQuestionsAndVerifiedGold(t *testing.T) {
	t.Parallel()
	dir := pipelinetest.NeedData(t, "spider")
	f := pipelinetest.New(t)
	sum := f.ImportSpider(t, dir)
	q := sum.Questions
	t.Logf("gold translation: %d/%d match (%.1f%%)", q.GoldMatched, q.GoldTranslated, 100*q.GoldMatchRate)
	if len(sum.Databases) != 10 || q.Total != 499 || q.Imported != 499 {
		t.Fatalf("databases %d, questions %+v", len(sum.Databases), q)
	}
	if q.GoldMatchRate < 0.99 {
		t.Fatalf("gold match rate %.3f < 0.99; mismatches: %+v", q.GoldMatchRate, q.Mismatches)
	}
	// Stored gold reads as SQL a person would write: no PostgreSQL internals as tie-breakers.
	var internals int
	if err := f.St.Pool().QueryRow(f.Ctx, `SELECT count(*) FROM sql_candidates c JOIN nlqs n ON n.id = c.nlq_id
		WHERE n.project_id = $1 AND c.sql ~* '\mctid\M'`, f.Project.ID).Scan(&internals); err != nil || internals != 0 {
		t.Fatalf("%d stored gold queries use ctid (%v)", internals, err)
	}
	// Nothing is dropped silently: every mismatch is an NLQ marked for review with both results.
	review, err := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Status: store.NLQNeedsReview, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	if len(review) != len(q.Mismatches) {
		t.Fatalf("%d marked for review, %d mismatches", len(review), len(q.Mismatches))
	}
	for _, n := range review {
		v := string(n.Candidate.Verification)
		if !strings.Contains(v, `"sqlite":`) || !strings.Contains(v, `"postgres":`) || n.Candidate.OriginalSQL == nil {
			t.Fatalf("review item lacks both results: %s", v)
		}
	}
	reports, err := f.St.TranslationReports(f.Ctx, f.Project.ID)
	if err != nil || len(reports) != 10 {
		t.Fatalf("reports: %v %d", err, len(reports))
	}
}

func TestImportCSV_AFailedFileFailsTheWholeImport(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.csv"), []byte("a,b\n1,2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("a,b\n1,\"never closed\n"), 0o644)
	_, err := f.Im.ImportCSV(f.Ctx, store.System, f.Project.ID, []string{dir}, "mixed")
	if err == nil || !strings.Contains(err.Error(), "bad.csv") {
		t.Fatalf("error: %v", err)
	}
	ds, _ := f.St.ListDatabases(f.Ctx, f.Project.ID, true)
	if len(ds) != 0 {
		t.Fatalf("a failed import left %d databases", len(ds))
	}
}

func TestImportCSV_ReimportOfChangedFileIsANewVersion(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	p := filepath.Join(t.TempDir(), "prices.csv")
	os.WriteFile(p, []byte("item,price\napple,1.5\n"), 0o644)
	first, err := f.Im.ImportCSV(f.Ctx, store.System, f.Project.ID, []string{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("item,price\napple,1.5\npear,2\n"), 0o644)
	second, err := f.Im.ImportCSV(f.Ctx, store.System, f.Project.ID, []string{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	tables, _ := f.St.Tables(f.Ctx, first.Database.ID)
	if len(tables) != 1 || tables[0].Original != "prices.csv" {
		t.Fatalf("a table's original name must be the file's, not this machine's path: %+v", tables)
	}
	if first.Database.Name != "prices" || second.Database.Version != 2 || second.Database.SchemaName == first.Database.SchemaName {
		t.Fatalf("versions: %+v / %+v", first.Database, second.Database)
	}
	// The old version still answers with its own data.
	old := f.Im.Exec.Run(f.Ctx, first.Database.Target(), "SELECT count(*) FROM prices")
	cur := f.Im.Exec.Run(f.Ctx, second.Database.Target(), "SELECT count(*) FROM prices")
	if sqlexec.Canonical(old.Rows[0][0]).String() != "1" || sqlexec.Canonical(cur.Rows[0][0]).String() != "2" {
		t.Fatalf("old %v, current %v", old.Rows, cur.Rows)
	}
	latest, _ := f.St.ListDatabases(f.Ctx, f.Project.ID, false)
	if len(latest) != 1 || latest[0].Version != 2 {
		t.Fatalf("latest: %+v", latest)
	}
}
