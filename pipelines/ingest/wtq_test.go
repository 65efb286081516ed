package ingest_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

// copyTree copies the fixture folder src to a new temporary folder, so a test can change it.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

const wtqRelease = "testdata/wtq-release"

func TestImportWTQ_OfficialReleaseLayoutWithoutAQuestionsFile(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	sum, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, wtqRelease, "")
	if err != nil {
		t.Fatal(err)
	}
	db := sum.Databases[0].Database
	q := sum.Questions
	// 7 distinct ids over four split files; nt-4 and nu-1 name tables the folder does not have.
	if db.Name != "wtq" || db.TableCount != 3 || q.Total != 7 || q.Imported != 5 || q.Skipped != 2 || q.Existing != 0 {
		t.Fatalf("database %s with %d tables, questions %+v", db.Name, db.TableCount, q)
	}
	nlqs, err := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]store.NLQWithSQL{}
	for _, n := range nlqs {
		var o struct{ ID string }
		json.Unmarshal(n.Origin, &o)
		byID[o.ID] = n
	}
	var origin struct {
		File  string
		Files []string
		Table string
	}
	json.Unmarshal(byID["nt-0"].Origin, &origin)
	if origin.File != "data/training.tsv" || strings.Join(origin.Files, ",") != "data/training.tsv,data/random-split-1-train.tsv" || origin.Table != "t_200_csv_0" {
		t.Errorf("nt-0 origin %s", byID["nt-0"].Origin)
	}
	if got := byID["nt-3"].TargetValues; len(got) != 2 || got[0] != "Aldoria" || got[1] != "Brevia" {
		t.Errorf("nt-3 answers %v", got)
	}
	if _, ok := byID["nu-0"]; !ok || len(byID) != 5 {
		t.Errorf("questions %v", byID)
	}
	// The release's quirks: a backslash-escaped quote, a newline in a header cell.
	res := f.Exec.Run(f.Ctx, db.Target(), `SELECT album FROM t_200_csv_0 WHERE year = 1971`)
	if !res.OK() || len(res.Rows) != 1 || res.Rows[0][0] != `Lantern "Live"` {
		t.Errorf("escaped quote: %+v", res)
	}

	again, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, wtqRelease, "")
	if err != nil {
		t.Fatal(err)
	}
	if !again.Databases[0].Unchanged || again.Questions.Imported != 0 || again.Questions.Existing != 5 || again.Questions.Skipped != 2 {
		t.Errorf("re-run: unchanged=%v %+v", again.Databases[0].Unchanged, again.Questions)
	}
}

func TestImportWTQ_OfficialReleaseZipThroughExtractDataset(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	wrap := t.TempDir()
	if err := os.Rename(copyTree(t, wtqRelease), filepath.Join(wrap, "WikiTableQuestions")); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(t.TempDir(), "WikiTableQuestions-1.0.2.zip")
	pipelinetest.ZipFiles(t, zipPath, wrap)
	root, err := f.Im.ExtractDataset(f.Ctx, zipPath, "WikiTableQuestions-1.0.2.zip", t.TempDir(), "wtq")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, root, "")
	if err != nil || sum.Questions.Imported != 5 || sum.Questions.Skipped != 2 {
		t.Fatalf("%v %+v", err, sum.Questions)
	}
}

// A table's summary is its page's title from the release's page/<n>-page/<i>.json, or, when the
// folder has misc/table-metadata.tsv, the title with the section headers and caption it lists.
func TestImportWTQ_PageTitlesBecomeTableSummaries(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	summaries := func(dir string) map[string]string {
		t.Helper()
		sum, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, dir, "")
		if err != nil {
			t.Fatal(err)
		}
		tables, err := f.St.Tables(f.Ctx, sum.Databases[0].Database.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, tb := range tables {
			out[tb.Original] = tb.Summary
		}
		return out
	}
	write := func(dir, name, content string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := copyTree(t, wtqRelease)
	write(dir, "page/200-page/0.json", `{"title": "Haifa", "url": "http://en.wikipedia.org/wiki?curid=55606", "tableIndex": 1}`)
	write(dir, "page/203-page/4.json", `{"title": "1994 European Men's Handball Championship"}`)
	got := summaries(dir)
	want := map[string]string{"csv/200-csv/0.csv": "Haifa", "csv/200-csv/1.csv": "", "csv/203-csv/4.csv": "1994 European Men's Handball Championship"}
	for ctx, w := range want {
		if got[ctx] != w {
			t.Errorf("from the page files, %s: summary %q, want %q", ctx, got[ctx], w)
		}
	}
	// The metadata file, when there, is read instead: headers are a "|" list, \n a newline.
	write(dir, "misc/table-metadata.tsv", "contextId\tpageId\tpageRev\ttableIndex\ttitle\theaders\tcaption\ttagAbove\n"+
		"csv/200-csv/0.csv\t55606\t602467553\t1\tHaifa\tGeography|Climate\tClimate data for Haifa\tp\n"+
		"csv/200-csv/1.csv\t1\t2\t0\tMedal table\\nof the games\t\t\tNone\n")
	got = summaries(dir)
	want = map[string]string{"csv/200-csv/0.csv": "Haifa — Geography › Climate: Climate data for Haifa", "csv/200-csv/1.csv": "Medal table\nof the games", "csv/203-csv/4.csv": ""}
	for ctx, w := range want {
		if got[ctx] != w {
			t.Errorf("from the metadata file, %s: summary %q, want %q", ctx, got[ctx], w)
		}
	}
}

func TestImportWTQ_BadQuestionFilesAreRefusedAndWriteNothing(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	cases := []struct {
		name   string
		change func(dir string)
		want   string
	}{
		{"a split file without targetValue", func(dir string) {
			os.WriteFile(filepath.Join(dir, "data", "random-split-1-dev.tsv"), []byte("id\tutterance\tcontext\nnt-1\tq?\tcsv/200-csv/1.csv\n"), 0o644)
		}, `wtq questions random-split-1-dev.tsv: header has no "targetValue" column`},
		{"one id, two different questions", func(dir string) {
			os.WriteFile(filepath.Join(dir, "data", "random-split-1-dev.tsv"), []byte("id\tutterance\tcontext\ttargetValue\nnt-1\tsomething else?\tcsv/200-csv/1.csv\t3\n"), 0o644)
		}, `question nt-1 is "how many nations won more than 2 gold medals?" on csv/200-csv/1.csv in data/training.tsv but "something else?"`},
		{"a line with a field too few", func(dir string) {
			os.WriteFile(filepath.Join(dir, "data", "training.tsv"), []byte("id\tutterance\tcontext\ttargetValue\nnt-0\tq?\tcsv/200-csv/0.csv\n"), 0o644)
		}, "training.tsv: line 2: 3 fields, header has 4"},
		{"no question file at all", func(dir string) {
			os.RemoveAll(filepath.Join(dir, "data"))
		}, "the folder has neither questions.tsv nor data/*.tsv"},
		{"a page file that is not JSON", func(dir string) {
			os.MkdirAll(filepath.Join(dir, "page", "200-page"), 0o755)
			os.WriteFile(filepath.Join(dir, "page", "200-page", "1.json"), []byte(`{"title": "Medal`), 0o644)
		}, "page/200-page/1.json cannot be read: unexpected end of JSON input"},
		{"a metadata file without a title column", func(dir string) {
			os.MkdirAll(filepath.Join(dir, "misc"), 0o755)
			os.WriteFile(filepath.Join(dir, "misc", "table-metadata.tsv"), []byte("contextId\theaders\tcaption\ncsv/200-csv/0.csv\t\t\n"), 0o644)
		}, `wtq table metadata table-metadata.tsv: header has no "title" column`},
		{"a table that cannot be read", func(dir string) {
			os.WriteFile(filepath.Join(dir, "csv", "203-csv", "4.csv"), []byte("a,b\n\"never closed\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "csv", "203-csv", "4.tsv"), []byte(""), 0o644)
		}, "csv/203-csv/4.csv"},
	}
	for _, c := range cases {
		dir := copyTree(t, wtqRelease)
		c.change(dir)
		_, err := f.Im.ImportWTQ(f.Ctx, store.System, f.Project.ID, dir, "")
		var ve *store.ValidationError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v; want a validation error saying %q", c.name, err, c.want)
		}
		if strings.Contains(fmtErr(err), dir) {
			t.Errorf("%s: the error names a path of this machine: %v", c.name, err)
		}
	}
	dbs, _ := f.St.ListDatabases(f.Ctx, f.Project.ID, true)
	nlqs, _ := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Limit: 10})
	if len(dbs) != 0 || len(nlqs) != 0 {
		t.Errorf("refused imports wrote %d databases, %d questions", len(dbs), len(nlqs))
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
