package ingest_test

import (
	"archive/zip"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/ingest/bird"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// birdFixture is the made-up BIRD dataset of package bird's tests.
const birdFixture = "bird/testdata/bird"

// birdCopy copies the fixture into a folder the test may break.
func birdCopy(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(birdFixture)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestImportBIRD_QuestionsKeepEvidenceAndDifficultyAndColumnsTheirDescriptions(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	sum := f.ImportBIRD(t, birdFixture)
	q := sum.Questions
	if len(sum.Databases) != 2 || q.Total != 13 || q.Imported != 13 {
		t.Fatalf("databases %d, questions %+v", len(sum.Databases), q)
	}
	t.Logf("gold: %d of %d match; mismatches %+v", q.GoldMatched, q.GoldTranslated, q.Mismatches)
	// JULIANDAY is SQLite's and has no translation: verification marks the question for review.
	if q.GoldMatched != 12 || len(q.Mismatches) != 1 || q.Mismatches[0].Index != 12 {
		t.Fatalf("gold verification: %+v", q)
	}
	wantWarnings := []string{
		"school_meals: database_description/schools.csv: 1 byte that are not UTF-8 read as Windows-1252 (Latin-1)",
		`school_meals: database_description/frpm.csv: line 7: table frpm has no column "District Code"; the description is dropped`,
	}
	if strings.Join(sum.Descriptions.Warnings, "|") != strings.Join(wantWarnings, "|") || sum.Descriptions.Columns != 19 {
		t.Fatalf("descriptions: %d columns, warnings %q", sum.Descriptions.Columns, sum.Descriptions.Warnings)
	}

	nlqs, err := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID, Origin: "bird", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	byIndex := map[int]store.NLQWithSQL{}
	for _, n := range nlqs {
		var o struct {
			Index      int `json:"index"`
			QuestionID int `json:"question_id"`
		}
		if err := json.Unmarshal(n.Origin, &o); err != nil || o.Index != o.QuestionID {
			t.Fatalf("origin %s", n.Origin)
		}
		byIndex[o.Index] = n
	}
	n := byIndex[1]
	if n.Evidence != "Eligible free rate for K-12 = `Free Meal Count (K-12)` / `Enrollment (K-12)`" || n.Difficulty != "moderate" ||
		n.Status != store.NLQNew || n.Candidate == nil || *n.Candidate.OriginalSQL == n.Candidate.SQL {
		t.Fatalf("question 1: %+v, candidate %+v", n.NLQ, n.Candidate)
	}
	if byIndex[6].Evidence != "" || byIndex[6].Difficulty != "challenging" || byIndex[12].Status != store.NLQNeedsReview {
		t.Fatalf("questions 6 and 12: %+v %+v", byIndex[6].NLQ, byIndex[12].NLQ)
	}

	// The descriptions are stored with the version's columns.
	tables, err := f.St.Tables(f.Ctx, sum.Databases[0].Database.ID)
	if err != nil {
		t.Fatal(err)
	}
	var cols []sqlexec.ColumnDef
	for _, tb := range tables {
		if tb.Original == "schools" {
			_ = json.Unmarshal(tb.Columns, &cols)
		}
	}
	var open *sqlexec.ColumnDef
	for i := range cols {
		if cols[i].Original == "OpenDate" {
			open = &cols[i]
		}
	}
	if open == nil || open.Doc == nil || open.Doc.Description != "the date the school opened (Año de apertura)" || open.Doc.Name != "Open Date" {
		t.Fatalf("schools.OpenDate: %+v", open)
	}

	// The same folder again makes nothing new; changed descriptions make a new version.
	again := f.ImportBIRD(t, birdFixture)
	if !again.Databases[0].Unchanged || !again.Databases[1].Unchanged || again.Questions.Existing != 13 || again.Questions.Imported != 0 {
		t.Fatalf("re-import: %+v", again)
	}
}

func TestImportBIRD_ChangedDescriptionsMakeANewVersion(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := birdCopy(t)
	f.ImportBIRD(t, dir)
	path := filepath.Join(dir, "dev_databases/bike_shop/database_description/customers.csv")
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), "trading name", "registered name", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := f.ImportBIRD(t, dir)
	if !sum.Databases[0].Unchanged || sum.Databases[1].Unchanged || sum.Databases[1].Database.Version != 2 {
		t.Fatalf("school_meals unchanged %v, bike_shop unchanged %v version %d", sum.Databases[0].Unchanged, sum.Databases[1].Unchanged,
			sum.Databases[1].Database.Version)
	}
}

func TestImportBIRD_MalformedQuestionsAreRefusedBeforeAnythingIsWritten(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := birdCopy(t)
	edit(t, filepath.Join(dir, "dev.json"), `"SQL": "SELECT COUNT(order_id) FROM orders WHERE status = 'C'",`, "")
	_, err := f.Im.ImportBIRD(f.Ctx, store.System, f.Project.ID, dir, bird.Options{})
	var ve *store.ValidationError
	if want := `dev.json: question 7 (question_id 7): no "SQL" field`; !errors.As(err, &ve) || !strings.Contains(ve.Fields["dataset"], want) {
		t.Fatalf("error %v, want a validation error saying %q", err, want)
	}
	if strings.Contains(err.Error(), dir) {
		t.Fatalf("the error names a path of this machine: %v", err)
	}
	dbs, _ := f.St.ListDatabases(f.Ctx, f.Project.ID, true)
	nlqs, _ := f.St.ListNLQs(f.Ctx, store.NLQQuery{ProjectID: f.Project.ID})
	if len(dbs) != 0 || len(nlqs) != 0 {
		t.Fatalf("a refused dataset wrote %d databases and %d questions", len(dbs), len(nlqs))
	}
}

// A database of a BIRD folder that cannot be imported is named with its reason and its questions
// skipped; the other databases are imported, and fixing the folder and importing again adds only
// what was missing.
func TestImportBIRD_ADatabaseThatFailsFailsAlone(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		break_ func(t *testing.T, dir string) func()
		failed string
		want   string
		kept   int // databases imported
	}{
		{"a db_id without a database", func(t *testing.T, dir string) func() {
			edit(t, filepath.Join(dir, "dev.json"), `"db_id": "bike_shop"`, `"db_id": "bike_store"`)
			return func() { edit(t, filepath.Join(dir, "dev.json"), `"db_id": "bike_store"`, `"db_id": "bike_shop"`) }
		}, "bike_store", `dev.json: question 7: database "bike_store": missing file: dev_databases/bike_store/bike_store.sqlite`, 2},
		{"a database that is not SQLite", func(t *testing.T, dir string) func() {
			path := filepath.Join(dir, "dev_databases/bike_shop/bike_shop.sqlite")
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("not a database"), 0o644); err != nil {
				t.Fatal(err)
			}
			return func() {
				if err := os.WriteFile(path, good, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}, "bike_shop", "dev_databases/bike_shop/bike_shop.sqlite:", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := pipelinetest.New(t)
			dir := birdCopy(t)
			repair := c.break_(t, dir)
			sum, err := f.Im.ImportBIRD(f.Ctx, store.System, f.Project.ID, dir, bird.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(sum.Failed) != 1 || sum.Failed[0].Name != c.failed || !strings.Contains(sum.Failed[0].Reason, c.want) {
				t.Fatalf("failed %+v; want %s: %q", sum.Failed, c.failed, c.want)
			}
			if strings.Contains(sum.Failed[0].Reason, dir) {
				t.Fatalf("the reason names a path of this machine: %s", sum.Failed[0].Reason)
			}
			if len(sum.Databases) != c.kept || sum.Questions.Skipped == 0 || sum.Questions.Imported+sum.Questions.Skipped != 13 {
				t.Fatalf("imported %d databases, questions %+v; want %d and the failed one's questions skipped", len(sum.Databases), sum.Questions, c.kept)
			}
			for _, d := range sum.Databases {
				if d.Database.Name == c.failed {
					t.Fatalf("%s was imported", c.failed)
				}
			}
			if err := sum.Err(); err == nil {
				t.Fatal("the summary of a partly failed import is not an error")
			}

			repair()
			again, err := f.Im.ImportBIRD(f.Ctx, store.System, f.Project.ID, dir, bird.Options{})
			if err != nil || len(again.Failed) != 0 {
				t.Fatalf("after the repair: %v, failed %+v", err, again.Failed)
			}
			if again.Questions.Imported != sum.Questions.Skipped || again.Questions.Existing != sum.Questions.Imported {
				t.Fatalf("after the repair: questions %+v; want the %d skipped imported and the rest left as they were", again.Questions, sum.Questions.Skipped)
			}
			for _, d := range again.Databases {
				if d.Database.Name == "school_meals" && !d.Unchanged {
					t.Fatal("school_meals imported again")
				}
			}
		})
	}
}

// A description file that cannot be used loses its descriptions, says so, and nothing else; a row
// with a stray quote is read with the quote as text.
func TestImportBIRD_BrokenDescriptionFilesLoseOnlyWhatTheyCannotSay(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := birdCopy(t)
	desc := filepath.Join(dir, "dev_databases/bike_shop/database_description")
	edit(t, filepath.Join(desc, "orders.csv"), `amount,,the order's total in euros,real,`, `amount,,the order's "total" in euros,real,`)
	if err := os.WriteFile(filepath.Join(desc, "customers.csv"), []byte("col;desc\nname;the name\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(desc, "suppliers.csv"), []byte("original_column_name,column_description\nid,the supplier\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := f.ImportBIRD(t, dir)
	want := []string{ // database by database
		"school_meals: database_description/schools.csv: 1 byte that are not UTF-8 read as Windows-1252 (Latin-1)",
		`school_meals: database_description/frpm.csv: line 7: table frpm has no column "District Code"; the description is dropped`,
		"bike_shop: database_description/customers.csv: has no original_column_name column (header: col;desc); its descriptions are dropped",
		`bike_shop: database_description/orders.csv: line 5: bare " in non-quoted-field; read with the quotes as text`,
		`bike_shop: database_description/suppliers.csv: the database has no table "suppliers"; its 1 description is dropped`,
	}
	if strings.Join(sum.Descriptions.Warnings, "\n") != strings.Join(want, "\n") {
		t.Fatalf("warnings:\n%s", strings.Join(sum.Descriptions.Warnings, "\n"))
	}
	if sum.Questions.Imported != 13 || len(sum.Databases) != 2 || sum.Descriptions.Columns != 19-4 {
		t.Fatalf("questions %+v, %d columns described", sum.Questions, sum.Descriptions.Columns)
	}
	tables, _ := f.St.Tables(f.Ctx, sum.Databases[1].Database.ID)
	var cols []sqlexec.ColumnDef
	for _, tb := range tables {
		if tb.Original == "orders" {
			_ = json.Unmarshal(tb.Columns, &cols)
		}
	}
	if len(cols) != 5 || cols[3].Doc == nil || cols[3].Doc.Description != `the order's "total" in euros` {
		t.Fatalf("orders.amount: %+v", cols)
	}
}

func edit(t *testing.T, path, from, to string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), from) {
		t.Fatalf("%s lacks %q (%v)", path, from, err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), from, to, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// zipFiles writes a zip of the given entries (name → content) at path.
func zipFiles(t *testing.T, path string, entries map[string][]byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// fixtureEntries reads the fixture's files under prefix, as zip entries.
func fixtureEntries(t *testing.T, sub, prefix string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	root := filepath.Join(birdFixture, sub)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[prefix+filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// BIRD's release zips the databases inside the dataset's zip; both layouts import.
func TestExtractBIRD_FindsTheDatasetWithItsDatabasesZippedOrNot(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	work := t.TempDir()

	flat := filepath.Join(work, "flat.zip")
	zipFiles(t, flat, fixtureEntries(t, "", "dev_20240627/"))

	inner := filepath.Join(work, "dev_databases.zip")
	zipFiles(t, inner, fixtureEntries(t, "dev_databases", "dev_databases/"))
	data, _ := os.ReadFile(inner)
	dev, _ := os.ReadFile(filepath.Join(birdFixture, "dev.json"))
	nested := filepath.Join(work, "nested.zip")
	zipFiles(t, nested, map[string][]byte{"dev_20240627/dev.json": dev, "dev_20240627/dev_databases.zip": data})

	for _, zp := range []string{flat, nested} {
		dir := t.TempDir()
		root, file, err := f.Im.ExtractBIRD(f.Ctx, zp, filepath.Base(zp), dir)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(zp), err)
		}
		if root != filepath.Join(dir, "dev_20240627") || file != "dev.json" {
			t.Fatalf("%s: root %s, file %s", filepath.Base(zp), root, file)
		}
		if _, err := bird.ReadDataset(root, bird.Options{QuestionsFile: file}); err != nil {
			t.Fatalf("%s: %v", filepath.Base(zp), err)
		}
	}
	_, _, err := f.Im.ExtractBIRD(f.Ctx, inner, "dev_databases.zip", t.TempDir())
	if err != nil {
		t.Fatalf("a zip of the databases alone has its folder: %v", err)
	}
	questionsOnly := filepath.Join(work, "q.zip")
	zipFiles(t, questionsOnly, map[string][]byte{"dev/dev.json": dev})
	var ve *store.ValidationError
	if _, _, err := f.Im.ExtractBIRD(f.Ctx, questionsOnly, "q.zip", t.TempDir()); !errors.As(err, &ve) ||
		!strings.Contains(ve.Fields["files"], "q.zip has no <split>_databases folder") {
		t.Fatalf("questions alone: %v", err)
	}
}

// Gold whose result is longer than the sandbox shows is verified on its full result.
func TestImportBIRD_GoldIsVerifiedOnFullResults(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := birdCopy(t)
	edit(t, filepath.Join(dir, "dev.json"), `"SQL": "SELECT COUNT(order_id) FROM orders WHERE status = 'C'",`,
		`"SQL": "SELECT a.order_id, b.order_id, c.order_id, d.order_id FROM orders AS a, orders AS b, orders AS c, orders AS d",`)
	sum := f.ImportBIRD(t, dir)
	if q := sum.Questions; q.GoldMatched != 12 || len(q.Mismatches) != 1 || q.Mismatches[0].Index != 12 {
		t.Fatalf("11^4 rows: %+v", q)
	}
}
