package retrieve_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// wtq is the shared WikiTableQuestions tables in one database (83 tables), with the questions and
// the table each is about. The questions' own tables are not given to retrieval: this is the case of
// tables imported with `goldset import csv` and questions that do not say which table they are about.
type wtq struct {
	f         *pipelinetest.Fixture
	db        store.Database
	tables    []store.DBTable
	questions []wtqQuestion
}

type wtqQuestion struct {
	text, table string
}

func importWTQ(t testing.TB) *wtq {
	t.Helper()
	return importWTQFrom(t, pipelinetest.NeedData(t, "wtq"))
}

// importWTQFrom imports the WikiTableQuestions folder dir as importWTQ does.
func importWTQFrom(t testing.TB, dir string) *wtq {
	t.Helper()
	f := pipelinetest.New(t)
	sum, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	w := &wtq{f: f, db: sum.Databases[0].Database}
	if w.tables, err = f.St.Tables(f.Ctx, w.db.ID); err != nil {
		t.Fatal(err)
	}
	rows, err := f.St.Pool().Query(f.Ctx, `SELECT question, origin->>'table' FROM nlqs WHERE project_id = $1 ORDER BY id`, f.Project.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var q wtqQuestion
		if err := rows.Scan(&q.text, &q.table); err != nil {
			t.Fatal(err)
		}
		w.questions = append(w.questions, q)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *wtq) index(t testing.TB) *retrieve.Index {
	t.Helper()
	ix, err := retrieve.NewIndexes(w.f.St.Pool()).For(w.f.Ctx, w.db, w.tables)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestSelect_WikiTableQuestionsTableInTopEightLexically(t *testing.T) {
	t.Parallel()
	w := importWTQ(t)
	if len(w.tables) != 83 || len(w.questions) != 256 {
		t.Fatalf("%d tables, %d questions", len(w.tables), len(w.questions))
	}
	ix := w.index(t)
	found, missed := w.inTopEight(t, ix)
	share := float64(found) / float64(len(w.questions))
	// The bare baseline, in the same run: names and columns only, no values.
	bare, err := retrieve.Build(w.tables, nil)
	if err != nil {
		t.Fatal(err)
	}
	base := 0
	for _, q := range w.questions {
		if contains(bare.Select(context.Background(), retrieve.Request{Question: q.text, K: 8}).Tables, q.table) {
			base++
		}
	}
	t.Logf("question's table in the top 8: %d of %d (%.1f%%); names and columns only: %d (%.1f%%)",
		found, len(w.questions), 100*share, base, 100*float64(base)/float64(len(w.questions)))
	// The target is 95%: 244 of 256 here, with the kinds of the columns' values (years, dates,
	// countries). Of the 12 missed, 8 share no word with their table (its page title, which
	// WikiTableQuestions' CSV files lack, would say it: "which country is haifa in?") and the rest
	// ask about tables that differ from others only by that title (11 climate tables, 8
	// filmographies of the same four columns) or in words a lexicon does not hold ("rolls" for roles).
	if share < 0.95 {
		t.Errorf("only %.1f%% of questions have their table in the top 8; missed e.g.:\n%s", 100*share, strings.Join(missed[:min(len(missed), 15)], "\n"))
	}
}

// inTopEight counts the questions whose table is among the 8 that lexical ranking selects, and
// lists the others.
func (w *wtq) inTopEight(t *testing.T, ix *retrieve.Index) (found int, missed []string) {
	t.Helper()
	for _, q := range w.questions {
		sel := ix.Select(context.Background(), retrieve.Request{Question: q.text, K: 8})
		if sel.Method != retrieve.MethodLexical || len(sel.Tables) != 8 {
			t.Fatalf("%q: %s, %d tables", q.text, sel.Method, len(sel.Tables))
		}
		if contains(sel.Tables, q.table) {
			found++
		} else {
			missed = append(missed, q.text+" → "+q.table)
		}
	}
	return found, missed
}

// With the page titles the full WikiTableQuestions release carries (misc/table-metadata.tsv; the
// shared copy of the tables lacks them, testdata holds the 83 tables' rows), each table's summary
// names its page, and the questions that name a page ("which country is haifa in?") find its table.
func TestSelect_WikiTableQuestionsWithPageTitles(t *testing.T) {
	t.Parallel()
	src := pipelinetest.NeedData(t, "wtq")
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(src, "csv"), filepath.Join(dir, "csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(src, "questions.tsv"), filepath.Join(dir, "questions.tsv")); err != nil {
		t.Fatal(err)
	}
	meta, err := filepath.Abs(filepath.Join("testdata", "wtq-table-metadata.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "misc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(meta, filepath.Join(dir, "misc", "table-metadata.tsv")); err != nil {
		t.Fatal(err)
	}
	w := importWTQFrom(t, dir)
	titled := 0
	for _, tb := range w.tables {
		if tb.Summary != "" {
			titled++
		}
	}
	if titled != 83 || len(w.questions) != 256 {
		t.Fatalf("%d of %d tables have a summary, %d questions", titled, len(w.tables), len(w.questions))
	}
	found, missed := w.inTopEight(t, w.index(t))
	t.Logf("with page titles, the question's table in the top 8: %d of %d (%.1f%%); missed: %s",
		found, len(w.questions), 100*float64(found)/float64(len(w.questions)), strings.Join(missed, "; "))
	if found < 250 {
		t.Errorf("only %d of 256 questions have their table in the top 8 with page titles", found)
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestIndexes_RebuildAfterARenameWithoutRereadingValues(t *testing.T) {
	t.Parallel()
	w := importWTQ(t)
	ixs := retrieve.NewIndexes(w.f.St.Pool())
	ix, err := ixs.For(w.f.Ctx, w.db, w.tables)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := ixs.Stats(w.db.ID)
	if before.Tables != 83 || before.Values == 0 {
		t.Fatalf("stats %+v", before)
	}
	if hits := ix.Search("usl a-league", 1); len(hits) != 1 {
		t.Fatalf("no table holds usl a-league: %+v", hits)
	}
	again, _ := ixs.For(w.f.Ctx, w.db, w.tables)
	if again != ix {
		t.Fatal("an unchanged version was rebuilt")
	}
	old := ix.Search("usl a-league", 1)[0].Table
	name, summary := "usl_seasons", "Seasons of a soccer club in the USL"
	if _, err := w.f.St.UpdateTable(w.f.Ctx, store.System, w.db, old, store.TablePatch{Name: &name, Summary: &summary}); err != nil {
		t.Fatal(err)
	}
	tables, _ := w.f.St.Tables(w.f.Ctx, w.db.ID)
	renamed, err := ixs.For(w.f.Ctx, w.db, tables)
	if err != nil {
		t.Fatal(err)
	}
	hits := renamed.Search("usl a-league soccer", 1)
	if len(hits) != 1 || hits[0].Table != name {
		t.Fatalf("after the rename: %+v", hits)
	}
	after, _ := ixs.Stats(w.db.ID)
	if after.ReadValues != before.ReadValues {
		t.Error("the values were read again for an edit of the registry")
	}
}
