package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/golden/goldentest"
	"github.com/goldset/goldset/pipelines/ingest/bird"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// birdFixture is the made-up BIRD dataset of package bird's tests.
const birdFixture = "../ingest/bird/testdata/bird"

// birdPair is what must survive the round trip: the database, the question with its evidence and
// difficulty, and the SQL as written in SQLite.
type birdPair struct{ db, question, evidence, difficulty, sql string }

func TestExportBIRD_RoundTripsThroughTheBIRDImporter(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	// The imported gold whose translation was verified is accepted as it is.
	snap := cutBIRD(t, f, birdFixture, &golden.SplitRatios{Train: 0.5, Val: 0.5})
	pairs, err := f.St.SnapshotPairs(f.Ctx, snap.ID, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != 12 || pairs[0].Evidence == "" || pairs[0].Difficulty == "" {
		t.Fatalf("%d pairs; the first %+v", len(pairs), pairs[0])
	}
	// The manifest counts the pairs by difficulty and split.
	var m golden.Manifest
	if err := json.Unmarshal(snap.Manifest, &m); err != nil {
		t.Fatal(err)
	}
	byDifficulty := 0
	for _, splits := range m.Difficulty {
		for _, n := range splits {
			byDifficulty += n
		}
	}
	if byDifficulty != 12 || len(m.Difficulty) != 3 {
		t.Fatalf("manifest difficulty %v", m.Difficulty)
	}
	x := &Exports{Store: f.St, Exec: f.Im.Exec}
	z, rec := exportBIRD(t, x, f, snap.ID, golden.SplitAll)
	if rec.Rows != 12 || z.report.Counts.SameResult != 12 {
		t.Fatalf("%d rows; report %+v, problems %+v", rec.Rows, z.report.Counts, z.report.Problems)
	}
	for _, name := range []string{"dev.json", "dev_gold.sql", "dev_tables.json", "train.json", "train_gold.sql", "train_tables.json",
		"test.json", SpiderReportFile} {
		if _, ok := z.files[name]; !ok {
			t.Fatalf("the zip lacks %s", name)
		}
	}
	// BIRD's entries, numbered from 0 in each file.
	var dev []map[string]any
	if err := json.Unmarshal(z.files["dev.json"], &dev); err != nil || len(dev) == 0 {
		t.Fatalf("dev.json: %v", err)
	}
	for _, key := range []string{"question_id", "db_id", "question", "evidence", "SQL", "difficulty"} {
		if _, ok := dev[0][key]; !ok {
			t.Fatalf("dev.json entry without %s: %v", key, dev[0])
		}
	}
	if dev[0]["question_id"] != float64(0) {
		t.Fatalf("first question_id %v", dev[0]["question_id"])
	}
	if lines := strings.Count(string(z.files["dev_gold.sql"]), "\n"); lines != len(dev) {
		t.Fatalf("dev_gold.sql has %d lines for %d questions", lines, len(dev))
	}

	// The description files say again what the import read from the fixture's.
	descs := map[string]string{}
	for name, data := range z.files {
		if !strings.Contains(name, "/database_description/") {
			continue
		}
		rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
		if err != nil || strings.Join(rows[0], ",") != "original_column_name,column_name,column_description,data_format,value_description" {
			t.Fatalf("%s: %v %q", name, err, rows)
		}
		for _, r := range rows[1:] {
			descs[filepath.Base(name)+":"+r[0]] = r[2] + "|" + r[4]
		}
	}
	if got := descs["schools.csv:OpenDate"]; got != "the date the school opened (Año de apertura)|" {
		t.Fatalf("schools.OpenDate: %q", got)
	}
	if got := descs["orders.csv:status"]; got != "the order's state|A: active\nC: cancelled" {
		t.Fatalf("orders.status: %q", got)
	}

	// Imported again into a new project, each split gives the same pairs, evidence and results.
	p, err := f.St.CreateProject(f.Ctx, store.System, "bird again", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{"dev.json", "train.json"} {
		sum, err := f.Im.ImportBIRD(f.Ctx, store.System, p.ID, z.dir, bird.Options{QuestionsFile: file})
		if err != nil {
			t.Fatalf("re-import %s: %v", file, err)
		}
		if len(sum.Descriptions.Warnings) != 0 || sum.Questions.GoldMatched != sum.Questions.Total {
			t.Fatalf("re-import %s: %+v, descriptions %+v", file, sum.Questions, sum.Descriptions)
		}
	}
	if os.Getenv("GOLDSET_KEEP_BIRD_EXPORT") != "" {
		t.Logf("exported to %s", z.dir)
	}
	rows, err := f.St.Pool().Query(f.Ctx, `SELECT d.name, n.question, n.evidence, n.difficulty, c.original_sql, c.sql, d.schema_name, d.reader_role
		FROM nlqs n JOIN databases d ON d.id = n.database_id JOIN sql_candidates c ON c.nlq_id = n.id WHERE n.project_id = $1`, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	type imported struct {
		sql    string
		target sqlexec.Target
	}
	got := map[birdPair]imported{}
	for rows.Next() {
		var k birdPair
		var in imported
		if err := rows.Scan(&k.db, &k.question, &k.evidence, &k.difficulty, &k.sql, &in.sql, &in.target.Schema, &in.target.Reader); err != nil {
			t.Fatal(err)
		}
		got[k] = in
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(pairs) {
		t.Fatalf("%d pairs came back for %d exported", len(got), len(pairs))
	}
	source := map[string]store.Database{}
	dbs, _ := f.St.ListDatabases(f.Ctx, f.Project.ID, false)
	for _, d := range dbs {
		source[d.Name] = d
	}
	for _, pr := range pairs {
		in, ok := got[birdPair{pr.DatabaseName, pr.Question, pr.Evidence, pr.Difficulty, pr.OriginalSQL}]
		if !ok {
			t.Fatalf("pair %d (%s: %q, evidence %q) did not come back", pr.NLQID, pr.DatabaseName, pr.Question, pr.Evidence)
		}
		before := f.Im.Exec.Run(f.Ctx, source[pr.DatabaseName].Target(), pr.SQL)
		after := f.Im.Exec.Run(f.Ctx, in.target, in.sql)
		ordered, _ := sqlexec.HasTopLevelOrderBy(pr.SQL)
		if m := sqlexec.Match(before, after, sqlexec.MatchOptions{OrderMatters: ordered}); !before.OK() || !m.Match {
			t.Errorf("pair %d: %s gives another result after the round trip: %s %s", pr.NLQID, pr.SQL, before.Error, m.Reason)
		}
	}
	// The columns keep their descriptions.
	again, _ := f.St.ListDatabases(f.Ctx, p.ID, false)
	for _, d := range again {
		if d.Name != "bike_shop" {
			continue
		}
		tables, _ := f.St.Tables(f.Ctx, d.ID)
		var cols []sqlexec.ColumnDef
		_ = json.Unmarshal(tables[0].Columns, &cols)
		if cols[3].Original != "segment" || cols[3].Doc == nil || cols[3].Doc.Name != "client segment" ||
			!strings.HasPrefix(cols[3].Doc.Values, "KAM: key account") {
			t.Fatalf("customers.segment came back as %+v", cols[3])
		}
	}
}

// exportBIRD exports the snapshot's split in the BIRD format and unpacks the zip.
func exportBIRD(t *testing.T, x *Exports, f *pipelinetest.Fixture, snapshotID int64, split string) (*spiderZip, store.Export) {
	t.Helper()
	return exportZip(t, x, f, snapshotID, FormatBIRD, split)
}

// cutBIRD imports the BIRD dataset at dir, accepts its imported gold as it is and cuts a snapshot
// named "bird" with seed 5 (and ratios, when not nil).
func cutBIRD(t *testing.T, f *pipelinetest.Fixture, dir string, ratios *golden.SplitRatios) store.Snapshot {
	t.Helper()
	f.ImportBIRD(t, dir)
	acceptImportedGold(t, f)
	return goldentest.Cut(t, f, golden.SnapshotParams{Name: "bird", Seed: 5, Ratios: ratios})
}

func TestExport_EvidenceGoesWithTheQuestionInEveryFormat(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	snap := cutBIRD(t, f, birdFixture, nil)
	x := &Exports{Store: f.St, Exec: f.Im.Exec}
	const q = `How many orders were cancelled?`
	const ev = `cancelled refers to status = 'C'`
	for format, want := range map[string]string{
		FormatOpenAI:    `{"role":"user","content":"` + q + `\nEvidence: ` + ev + `"}`,
		FormatTRL:       `Question: ` + q + `\nEvidence: ` + ev + `\nSQL:\n"`,
		FormatAlpaca:    `"input":"` + q + `\nEvidence: ` + ev + `"`,
		FormatEvalJSONL: `"question":"` + q + `","sql":`,
	} {
		var b bytes.Buffer
		if _, err := x.Export(f.Ctx, store.System, f.Project.ID, snap.ID, ExportParams{Format: format}, &b); err != nil {
			t.Fatal(err)
		}
		out := strings.ReplaceAll(b.String(), `\n`, "\n")
		if !strings.Contains(out, strings.ReplaceAll(want, `\n`, "\n")) {
			t.Errorf("%s lacks %q:\n%.600s", format, want, out)
		}
		if format == FormatEvalJSONL && !strings.Contains(out, `"evidence":"`+ev+`","difficulty":"simple"`) {
			t.Errorf("eval_jsonl lacks the evidence and difficulty:\n%.600s", out)
		}
	}
}

// A query whose result is longer than the sandbox shows is checked on its full result.
func TestExportBIRD_ChecksQueriesOnFullResults(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(birdFixture)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "dev.json")
	data, _ := os.ReadFile(path)
	const from = `"SQL": "SELECT COUNT(order_id) FROM orders WHERE status = 'C'",`
	if !strings.Contains(string(data), from) {
		t.Fatal("the fixture changed")
	}
	data = []byte(strings.Replace(string(data), from,
		`"SQL": "SELECT a.order_id, b.order_id, c.order_id, d.order_id FROM orders AS a, orders AS b, orders AS c, orders AS d",`, 1))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	snap := cutBIRD(t, f, dir, nil)
	z, _ := exportBIRD(t, &Exports{Store: f.St, Exec: f.Im.Exec}, f, snap.ID, golden.SplitAll)
	if c := z.report.Counts; c.Exported != 12 || c.SameResult != 12 {
		t.Fatalf("counts %+v, problems %+v", c, z.report.Problems)
	}
}
