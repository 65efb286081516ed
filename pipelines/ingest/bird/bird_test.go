package bird

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec"
)

const fixture = "testdata/bird"

func TestReadDataset_ReadsQuestionsWithEvidenceAndDifficulty(t *testing.T) {
	t.Parallel()
	d, err := ReadDataset(fixture, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Questions) != 13 || d.File != "dev.json" {
		t.Fatalf("%d questions from %s", len(d.Questions), d.File)
	}
	q := d.Questions[1]
	if q.Index != 1 || q.QuestionID == nil || *q.QuestionID != 1 || q.DBID != "school_meals" || q.Difficulty != "moderate" ||
		!strings.Contains(q.Evidence, "`Free Meal Count (K-12)`") || !strings.HasPrefix(q.SQL, "SELECT MAX(CAST(") {
		t.Fatalf("question 1: %+v", q)
	}
	if d.Questions[6].Evidence != "" {
		t.Fatalf("question 6 has no evidence, got %q", d.Questions[6].Evidence)
	}
	if got := d.DatabaseIDs(); len(got) != 2 || got[0] != "school_meals" || got[1] != "bike_shop" {
		t.Fatalf("databases %v", got)
	}
	if len(d.Tables) != 2 {
		t.Fatalf("dev_tables.json: %d schemas", len(d.Tables))
	}
}

// copyFixture copies the fixture into a temporary folder that a test may break.
func copyFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(fixture)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadDataset_RefusesMalformedQuestionsNamingThem(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		from    string // replaced in dev.json
		to      string
		want    string
		wantErr error
	}{
		{"a question without SQL", `"SQL": "SELECT COUNT(order_id) FROM orders WHERE status = 'C'",`, ``,
			`dev.json: question 7 (question_id 7): no "SQL" field`, ErrMissingField},
		{"empty SQL", `"SQL": "SELECT COUNT(order_id) FROM orders WHERE status = 'C'",`, `"SQL": " ",`,
			"dev.json: question 7 (question_id 7): SQL is empty", nil},
		{"a db_id without a database", `"db_id": "bike_shop",
    "question": "How many orders`, `"db_id": "bike_store",
    "question": "How many orders`,
			`dev.json: question 7: database "bike_store": missing file: dev_databases/bike_store/bike_store.sqlite`, ErrMissingFile},
		{"a NUL in evidence", `"evidence": "cancelled refers`, `"evidence": "can\u0000celled refers`,
			"question 7, field evidence: contains a NUL byte", ErrNUL},
		{"malformed JSON", `"difficulty": "simple"
  },
  {
    "question_id": 8,`, `"difficulty": "simple"
  }
  {
    "question_id": 8,`, "dev.json: line 66:", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := copyFixture(t)
			path := filepath.Join(dir, "dev.json")
			data, _ := os.ReadFile(path)
			if !strings.Contains(string(data), c.from) {
				t.Fatalf("fixture lacks %q", c.from)
			}
			if err := os.WriteFile(path, []byte(strings.Replace(string(data), c.from, c.to, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadDataset(dir, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to say %q", err, c.want)
			}
			if strings.Contains(err.Error(), dir) {
				t.Fatalf("the error names a path of this machine: %v", err)
			}
			if c.wantErr != nil && !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v is not %v", err, c.wantErr)
			}
		})
	}
}

func TestReadDataset_TrainUsesTrainDatabases(t *testing.T) {
	t.Parallel()
	dir := copyFixture(t)
	if err := os.Rename(filepath.Join(dir, "dev.json"), filepath.Join(dir, "train.json")); err != nil {
		t.Fatal(err)
	}
	_, err := ReadDataset(dir, Options{QuestionsFile: "train.json"})
	if !errors.Is(err, ErrMissingFile) || !strings.Contains(err.Error(), "train_databases/school_meals/school_meals.sqlite") {
		t.Fatalf("error %v", err)
	}
	if err := os.Rename(filepath.Join(dir, "dev_databases"), filepath.Join(dir, "train_databases")); err != nil {
		t.Fatal(err)
	}
	if d, err := ReadDataset(dir, Options{QuestionsFile: "train.json"}); err != nil || len(d.Questions) != 13 {
		t.Fatalf("train: %v", err)
	}
}

func TestReadDescriptions_RepairsEncodingAndSaysWhatItDropped(t *testing.T) {
	t.Parallel()
	docs, warnings, err := ReadDescriptions(filepath.Join(fixture, "dev_databases/school_meals/database_description"))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0].File != "frpm.csv" || docs[1].Table != "schools" {
		t.Fatalf("docs %+v", docs)
	}
	schools := docs[1]
	if schools.Columns[0].Column != "CDSCode" {
		t.Fatalf("the byte-order mark was not dropped: %q", schools.Columns[0].Column)
	}
	open := schools.Columns[4]
	if open.Column != "OpenDate" || open.Doc.Name != "Open Date" || open.Doc.Description != "the date the school opened (Año de apertura)" || open.Doc.Format != "date" {
		t.Fatalf("OpenDate: %+v", open)
	}
	if v := schools.Columns[3].Doc.Values; v != "1: the school is a charter school; 0: it is not" {
		t.Fatalf("Charter's values: %q", v)
	}
	want := []string{"database_description/schools.csv: 1 byte that are not UTF-8 read as Windows-1252 (Latin-1)"}
	if len(warnings) != len(want) || warnings[0] != want[0] {
		t.Fatalf("warnings %q", warnings)
	}
}

func TestParseDescription_Lenient(t *testing.T) {
	t.Parallel()
	header := "original_column_name,column_name,column_description,data_format,value_description\n"
	cases := []struct {
		name     string
		data     string
		columns  []string
		warnings []string
	}{
		{"a broken row is dropped, the rest kept", header + "a,,first,,\nb,,\"unclosed \"quote\" here,,\nc,,third,,\n",
			[]string{"a", "c"}, []string{`t.csv: line 3: extraneous or missing " in quoted-field; the row is dropped`}},
		{"a quote inside an unquoted cell is read as text", header + "a,,the order's \"total\" in euros,real,\nb,,second,,\n",
			[]string{"a", "b"}, []string{`t.csv: line 2: bare " in non-quoted-field; read with the quotes as text`}},
		{"no original_column_name column", "name,description\na,b\n", nil,
			[]string{"t.csv: has no original_column_name column (header: name, description); its descriptions are dropped"}},
		{"empty file", "", nil, []string{"t.csv: is empty; no descriptions"}},
		{"rows without a name and repeated names", header + ",,orphan,,\na,,first,,\nA ,,again,,\n", []string{"a"},
			[]string{`t.csv: line 4: column "A" is described again (first on line 3); the later row is dropped`,
				"t.csv: line 2: no original_column_name; the row is dropped"}},
		{"Windows-1252 punctuation", header + "a,,the customer\x92s \x93name\x94,,\n", []string{"a"},
			[]string{"t.csv: 3 bytes that are not UTF-8 read as Windows-1252 (Latin-1)"}},
		{"UTF-16 is refused", "\xff\xfeo\x00r\x00", nil, []string{"t.csv: is UTF-16, which is not read; its descriptions are dropped (save it as UTF-8)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			td, ws := ParseDescription("t.csv", []byte(c.data))
			var cols []string
			if td != nil {
				for _, cd := range td.Columns {
					cols = append(cols, cd.Column)
				}
			}
			if strings.Join(cols, ",") != strings.Join(c.columns, ",") || strings.Join(ws, "|") != strings.Join(c.warnings, "|") {
				t.Fatalf("columns %q warnings %q", cols, ws)
			}
		})
	}
	td, _ := ParseDescription("t.csv", []byte(header+"a,,the customer\x92s \x93name\x94,,\n"))
	if d := td.Columns[0].Doc.Description; d != "the customer’s “name”" {
		t.Fatalf("Windows-1252 read as %q", d)
	}
}

func TestApply_MatchesTablesAndColumnsIgnoringCase(t *testing.T) {
	t.Parallel()
	tables := []*sqlexec.TableData{{Def: sqlexec.TableDef{Name: "frpm", Original: "FRPM", Columns: []sqlexec.ColumnDef{
		{Name: "cdscode", Original: "CDSCode"}, {Name: "free_meal_count_k_12", Original: "Free Meal Count (K-12)"}}}}}
	docs := []TableDoc{
		{File: "frpm.csv", Table: "frpm", Columns: []ColumnDoc{
			{Column: "cdscode", Line: 2, Doc: sqlexec.ColumnDoc{Description: "school code"}},
			{Column: "free meal count (k-12)", Line: 3, Doc: sqlexec.ColumnDoc{Values: "a count"}},
			{Column: "District Code", Line: 4, Doc: sqlexec.ColumnDoc{Description: "gone"}},
		}},
		{File: "satscores.csv", Table: "satscores", Columns: []ColumnDoc{{Column: "x"}}},
	}
	n, warnings := Apply(tables, docs)
	if n != 2 || tables[0].Def.Columns[0].Doc.Description != "school code" || tables[0].Def.Columns[1].Doc.Values != "a count" {
		t.Fatalf("%d described: %+v", n, tables[0].Def.Columns)
	}
	want := []string{`database_description/frpm.csv: line 4: table FRPM has no column "District Code"; the description is dropped`,
		`database_description/satscores.csv: the database has no table "satscores"; its 1 description is dropped`}
	if strings.Join(warnings, "|") != strings.Join(want, "|") {
		t.Fatalf("warnings %q", warnings)
	}
}
