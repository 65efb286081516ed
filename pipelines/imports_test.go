package pipelines

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/spider"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

var sharedData = filepath.Join("..", "..", "shared", "data")

func needData(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{sharedData}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have ../shared/data: %v", err)
		}
		t.Skipf("needs %s: %v", p, err)
	}
	return p
}

type fixture struct {
	ctx     context.Context
	im      *Importer
	st      *store.Store
	project store.Project
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	exec, err := sqlexec.NewExecutor(ctx, st.URL(), sqlexec.ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(exec.Close)
	im, err := NewImporter(ctx, st, exec, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.CreateProject(ctx, store.System, "imports", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{ctx: ctx, im: im, st: st, project: p}
}

func TestImportWTQ_AllTablesAndQuestions(t *testing.T) {
	dir := needData(t, "wtq")
	f := newFixture(t)
	sum, err := f.im.ImportWTQ(f.ctx, store.System, f.project.ID, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	db := sum.Databases[0].Database
	if db.TableCount != 83 || sum.Questions.Total != 256 || sum.Questions.Imported != 256 {
		t.Fatalf("tables %d, questions %+v", db.TableCount, sum.Questions)
	}
	// Every question points at a table that exists, and a candidate answer can be checked on it.
	tables, _ := f.st.Tables(f.ctx, db.ID)
	names := map[string]bool{}
	for _, tb := range tables {
		names[tb.Name] = true
	}
	nlqs, err := f.st.ListNLQs(f.ctx, store.NLQQuery{ProjectID: f.project.ID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range nlqs {
		var origin struct{ Table string }
		if err := json.Unmarshal(n.Origin, &origin); err != nil || !names[origin.Table] || len(n.TargetValues) == 0 {
			t.Fatalf("question without its table or answer: %s %v", n.Origin, n.TargetValues)
		}
	}
	res := f.im.Exec.Run(f.ctx, db.Target(), "SELECT count(*) FROM t_200_csv_0")
	if !res.OK() {
		t.Fatal(res.Error)
	}
	if !names["t_200_csv_0"] || !names["t_201_csv_9"] {
		t.Errorf("table names: %v", names)
	}

	// The same folder again: nothing new is made.
	again, err := f.im.ImportWTQ(f.ctx, store.System, f.project.ID, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Databases[0].Unchanged || again.Questions.Existing != 256 || again.Questions.Imported != 0 {
		t.Fatalf("re-import: unchanged=%v %+v", again.Databases[0].Unchanged, again.Questions)
	}
}

func TestImportSpider_DatabasesQuestionsAndVerifiedGold(t *testing.T) {
	dir := needData(t, "spider")
	f := newFixture(t)
	sum, err := f.im.ImportSpider(f.ctx, store.System, f.project.ID, dir, spider.DatasetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	q := sum.Questions
	t.Logf("gold translation: %d/%d match (%.1f%%)", q.GoldMatched, q.GoldTranslated, 100*q.GoldMatchRate)
	if len(sum.Databases) != 10 || q.Total != 499 || q.Imported != 499 {
		t.Fatalf("databases %d, questions %+v", len(sum.Databases), q)
	}
	if q.GoldMatchRate < 0.97 {
		t.Fatalf("gold match rate %.3f < 0.97; mismatches: %+v", q.GoldMatchRate, q.Mismatches)
	}
	// Nothing is dropped silently: every mismatch is an NLQ marked for review with both results.
	review, err := f.st.ListNLQs(f.ctx, store.NLQQuery{ProjectID: f.project.ID, Status: store.NLQNeedsReview, Limit: 500})
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
	reports, err := f.st.TranslationReports(f.ctx, f.project.ID)
	if err != nil || len(reports) != 10 {
		t.Fatalf("reports: %v %d", err, len(reports))
	}
}

func TestImportCSV_AFailedFileFailsTheWholeImport(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.csv"), []byte("a,b\n1,2\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.csv"), []byte("a,b\n1,\"never closed\n"), 0o644)
	_, err := f.im.ImportCSV(f.ctx, store.System, f.project.ID, []string{dir}, "mixed")
	if err == nil || !strings.Contains(err.Error(), "bad.csv") {
		t.Fatalf("error: %v", err)
	}
	ds, _ := f.st.ListDatabases(f.ctx, f.project.ID, true)
	if len(ds) != 0 {
		t.Fatalf("a failed import left %d databases", len(ds))
	}
}

func TestImportCSV_ReimportOfChangedFileIsANewVersion(t *testing.T) {
	f := newFixture(t)
	p := filepath.Join(t.TempDir(), "prices.csv")
	os.WriteFile(p, []byte("item,price\napple,1.5\n"), 0o644)
	first, err := f.im.ImportCSV(f.ctx, store.System, f.project.ID, []string{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, []byte("item,price\napple,1.5\npear,2\n"), 0o644)
	second, err := f.im.ImportCSV(f.ctx, store.System, f.project.ID, []string{p}, "")
	if err != nil {
		t.Fatal(err)
	}
	tables, _ := f.st.Tables(f.ctx, first.Database.ID)
	if len(tables) != 1 || tables[0].Original != "prices.csv" {
		t.Fatalf("a table's original name must be the file's, not this machine's path: %+v", tables)
	}
	if first.Database.Name != "prices" || second.Database.Version != 2 || second.Database.SchemaName == first.Database.SchemaName {
		t.Fatalf("versions: %+v / %+v", first.Database, second.Database)
	}
	// The old version still answers with its own data.
	old := f.im.Exec.Run(f.ctx, first.Database.Target(), "SELECT count(*) FROM prices")
	cur := f.im.Exec.Run(f.ctx, second.Database.Target(), "SELECT count(*) FROM prices")
	if sqlexec.Canonical(old.Rows[0][0]).String() != "1" || sqlexec.Canonical(cur.Rows[0][0]).String() != "2" {
		t.Fatalf("old %v, current %v", old.Rows, cur.Rows)
	}
	latest, _ := f.st.ListDatabases(f.ctx, f.project.ID, false)
	if len(latest) != 1 || latest[0].Version != 2 {
		t.Fatalf("latest: %+v", latest)
	}
}
