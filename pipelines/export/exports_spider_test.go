package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/pipelines/golden/goldentest"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// spiderZip is an exported zip, read back.
type spiderZip struct {
	zip    *zip.Reader
	files  map[string][]byte
	dir    string // the zip unpacked
	report struct {
		SpiderReport
		Problems []SpiderProblem `json:"problems"`
	}
}

func exportSpider(t *testing.T, x *Exports, f *pipelinetest.Fixture, snapshotID int64, split string) (*spiderZip, store.Export) {
	t.Helper()
	return exportZip(t, x, f, snapshotID, FormatSpider, split)
}

// exportZip exports the snapshot's split as a Spider or BIRD zip, checks that the record describes
// the bytes and that the report's counts add up, and unpacks the zip.
func exportZip(t *testing.T, x *Exports, f *pipelinetest.Fixture, snapshotID int64, format, split string) (*spiderZip, store.Export) {
	t.Helper()
	var b bytes.Buffer
	rec, err := x.Export(f.Ctx, store.System, f.Project.ID, snapshotID, ExportParams{Format: format, Split: split}, &b)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b.Bytes())
	if rec.Status != "done" || rec.SHA256 != hex.EncodeToString(sum[:]) || rec.Bytes != int64(b.Len()) || rec.Format != format {
		t.Fatalf("record %+v does not describe the %d bytes written", rec, b.Len())
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	z := &spiderZip{zip: zr, files: map[string][]byte{}, dir: t.TempDir()}
	for _, zf := range zr.File {
		r, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", zf.Name, err)
		}
		z.files[zf.Name] = data
		path := filepath.Join(z.dir, filepath.FromSlash(zf.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := json.Unmarshal(z.files[SpiderReportFile], &z.report); err != nil {
		t.Fatalf("%s: %v\n%s", SpiderReportFile, err, z.files[SpiderReportFile])
	}
	c := z.report.Counts
	if c.Exported+c.Skipped != c.Pairs || c.SameResult+c.FailsOnSQLite+c.DifferentResult+c.GoldFails != c.Exported ||
		len(z.report.Problems) != c.Pairs-c.SameResult || rec.Rows != c.Exported {
		t.Fatalf("report counts %+v with %d problems, record %+v", c, len(z.report.Problems), rec)
	}
	return z, rec
}

// questions decodes a questions file of the zip.
func (z *spiderZip) questions(t *testing.T, name string) []spiderQuestion {
	t.Helper()
	var qs []spiderQuestion
	if err := json.Unmarshal(z.files[name], &qs); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return qs
}

// acceptImportedGold accepts every new question of the project with the gold it was imported with
// (its first candidate, whose translation was verified) as it is.
func acceptImportedGold(t *testing.T, f *pipelinetest.Fixture) {
	t.Helper()
	if _, err := f.St.Pool().Exec(f.Ctx, `UPDATE nlqs n SET status = 'accepted',
		gold_candidate_id = (SELECT id FROM sql_candidates WHERE nlq_id = n.id ORDER BY id LIMIT 1)
		WHERE project_id = $1 AND status = 'new'`, f.Project.ID); err != nil {
		t.Fatal(err)
	}
}

// pairKey is what must survive the round trip: the database, the question and the SQL.
func pairKey(db, question, sql string) string { return db + "\x00" + question + "\x00" + sql }

func TestExportSpider_RoundTripsThroughTheSpiderImporter(t *testing.T) {
	t.Parallel()
	f := pipelinetest.NewSpider(t)
	acceptImportedGold(t, f)
	snap, pairs := goldentest.CutWithPairs(t, f, golden.SnapshotParams{Name: "spider", Seed: 3})
	x := &Exports{Store: f.St, Exec: f.Im.Exec}
	dbs, err := f.St.ListDatabases(f.Ctx, f.Project.ID, false)
	if err != nil {
		t.Fatal(err)
	}
	source := map[string]store.Database{}
	for _, d := range dbs {
		source[d.Name] = d
	}

	// reimport imports the unpacked zip's questions files into a new project and checks that it
	// holds the same pairs, each of whose gold SQL gives there what it gives in the original.
	reimport := func(t *testing.T, z *spiderZip, project string, files []string, want []store.SnapshotPair) {
		t.Helper()
		p, err := f.St.CreateProject(f.Ctx, store.System, project, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			if _, err := f.Im.ImportSpider(f.Ctx, store.System, p.ID, z.dir, spider.DatasetOptions{QuestionsFile: file}); err != nil {
				t.Fatalf("re-import %s: %v", file, err)
			}
		}
		rows, err := f.St.Pool().Query(f.Ctx, `SELECT d.name, n.question, c.original_sql, c.sql, d.schema_name, d.reader_role
			FROM nlqs n JOIN databases d ON d.id = n.database_id JOIN sql_candidates c ON c.nlq_id = n.id
			WHERE n.project_id = $1`, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		type imported struct {
			sql    string
			target sqlexec.Target
		}
		got := map[string][]imported{}
		for rows.Next() {
			var db, question, original, sql string
			var target sqlexec.Target
			if err := rows.Scan(&db, &question, &original, &sql, &target.Schema, &target.Reader); err != nil {
				t.Fatal(err)
			}
			k := pairKey(db, question, original)
			got[k] = append(got[k], imported{sql, target})
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, pr := range want {
			k := pairKey(pr.DatabaseName, pr.Question, pr.OriginalSQL)
			if len(got[k]) == 0 {
				t.Fatalf("pair %d (%s: %q) did not come back", pr.NLQID, pr.DatabaseName, pr.Question)
			}
			in := got[k][0]
			got[k] = got[k][1:]
			n++
			before := f.Im.Exec.Run(f.Ctx, source[pr.DatabaseName].Target(), pr.SQL)
			after := f.Im.Exec.Run(f.Ctx, in.target, in.sql)
			ordered, _ := sqlexec.HasTopLevelOrderBy(pr.SQL)
			if m := sqlexec.Match(before, after, sqlexec.MatchOptions{OrderMatters: ordered}); !m.Match {
				t.Errorf("pair %d (%s): %s gives another result after the round trip: %s", pr.NLQID, pr.DatabaseName, pr.SQL, m.Reason)
			}
		}
		for k, left := range got {
			if len(left) > 0 {
				t.Fatalf("%d pairs came back that were not exported: %q", len(left), k)
			}
		}
		t.Logf("%d pairs came back with the same results", n)
	}

	t.Run("all", func(t *testing.T) {
		z, rec := exportSpider(t, x, f, snap.ID, golden.SplitAll)
		if rec.Rows != len(pairs) || z.report.Counts.Skipped != 0 {
			t.Fatalf("%d rows of %d pairs; report %+v", rec.Rows, len(pairs), z.report.Counts)
		}
		// The SQLite originals were verified against their translations on import: they run the
		// same on the exported files.
		if c := z.report.Counts; c.SameResult != len(pairs) {
			t.Errorf("counts %+v; problems %+v", c, z.report.Problems)
		}
		// tables.json has Spider's keys for every database of the snapshot.
		var schemas []map[string]json.RawMessage
		if err := json.Unmarshal(z.files["tables.json"], &schemas); err != nil {
			t.Fatalf("tables.json: %v", err)
		}
		var ids []string
		for _, s := range schemas {
			for _, key := range []string{"db_id", "table_names", "table_names_original", "column_names", "column_names_original",
				"column_types", "primary_keys", "foreign_keys"} {
				if len(s[key]) == 0 {
					t.Fatalf("tables.json entry without %s: %v", key, s)
				}
			}
			var id string
			json.Unmarshal(s["db_id"], &id)
			ids = append(ids, id)
		}
		slices.Sort(ids)
		if want := slices.Sorted(func(yield func(string) bool) {
			for name := range source {
				if !yield(name) {
					return
				}
			}
		}); !slices.Equal(ids, want) {
			t.Fatalf("tables.json databases %v, want %v", ids, want)
		}
		// Every database is a SQLite file with the rows of its tables.
		for name, d := range source {
			conn, err := spider.OpenSQLite(filepath.Join(z.dir, "database", name, name+".sqlite"))
			if err != nil {
				t.Fatal(err)
			}
			tables, err := f.St.Tables(f.Ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range tables {
				var n int64
				if err := conn.QueryRowContext(f.Ctx, `SELECT count(*) FROM `+quoteSQLite(tb.Original)).Scan(&n); err != nil || n != tb.RowCount {
					t.Errorf("%s.%s: %d rows in SQLite (%v), %d in PostgreSQL", name, tb.Original, n, err, tb.RowCount)
				}
			}
			conn.Close()
		}
		// Each split is in its Spider file, with its gold SQL file beside it.
		total := 0
		for _, split := range golden.SplitNames {
			files := spiderFiles[split]
			qs := z.questions(t, files.questions)
			gold := strings.Split(strings.TrimSuffix(string(z.files[files.gold]), "\n"), "\n")
			if len(qs) == 0 {
				gold = nil
			}
			if len(gold) != len(qs) {
				t.Fatalf("%s: %d lines for %d questions", files.gold, len(gold), len(qs))
			}
			for i, q := range qs {
				if gold[i] != q.Query+"\t"+q.DBID {
					t.Fatalf("%s line %d: %q, want %q", files.gold, i+1, gold[i], q.Query+"\t"+q.DBID)
				}
			}
			total += len(qs)
		}
		if total != len(pairs) {
			t.Fatalf("%d questions in the split files, %d pairs", total, len(pairs))
		}
		reimport(t, z, "spider round trip", []string{"train_spider.json", "dev.json", "test.json"}, pairs)
	})

	t.Run("val", func(t *testing.T) {
		z, rec := exportSpider(t, x, f, snap.ID, golden.SplitVal)
		// The same snapshot exports to the same bytes, entry dates included.
		if _, again := exportSpider(t, x, f, snap.ID, golden.SplitVal); again.SHA256 != rec.SHA256 {
			t.Fatalf("two exports of the same split differ: %s, %s", rec.SHA256, again.SHA256)
		}
		for _, zf := range z.zip.File {
			if !zf.Modified.Equal(snap.CreatedAt.Truncate(time.Second)) {
				t.Fatalf("%s dated %v, want the cut's %v", zf.Name, zf.Modified, snap.CreatedAt)
			}
		}
		var names []string
		for name := range z.files {
			if !strings.HasPrefix(name, "database/") {
				names = append(names, name)
			}
		}
		slices.Sort(names)
		if want := []string{"dev.json", "dev_gold.sql", SpiderReportFile, "tables.json"}; !slices.Equal(names, want) {
			t.Fatalf("files %v, want %v", names, want)
		}
		var val []store.SnapshotPair
		for _, pr := range pairs {
			if pr.Split == golden.SplitVal {
				val = append(val, pr)
			}
		}
		if len(z.questions(t, "dev.json")) != len(val) {
			t.Fatalf("dev.json holds %d questions, the val split %d", len(z.questions(t, "dev.json")), len(val))
		}
		reimport(t, z, "spider val round trip", []string{""}, val) // dev.json is what ImportSpider reads by default
	})
}

// accepted adds an accepted question on database db with gold SQL and returns its id.
func accepted(t *testing.T, f *pipelinetest.Fixture, db int64, question, sql string) int64 {
	t.Helper()
	var nlq int64
	if err := f.St.Pool().QueryRow(f.Ctx, `INSERT INTO nlqs (project_id, database_id, question, status) VALUES ($1, $2, $3, 'accepted')
		RETURNING id`, f.Project.ID, db, question).Scan(&nlq); err != nil {
		t.Fatal(err)
	}
	if _, err := f.St.Pool().Exec(f.Ctx, `WITH c AS (INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'human', $2) RETURNING id)
		UPDATE nlqs SET gold_candidate_id = (SELECT id FROM c) WHERE id = $1`, nlq, sql); err != nil {
		t.Fatal(err)
	}
	return nlq
}

func TestExportSpider_ReportsPairsItCannotExportFaithfully(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	csvDB := func(name, file, content string) int64 { return f.ImportCSVText(t, name, file, content).Database.ID }
	singers := csvDB("singers", "singer.csv", "id,name,country,debut\n1,Liliane,France,2001-05-01\n2,Christy,United States,1999-12-31\n3,Ann,,2010-01-02\n")
	bands := csvDB("bands", "band.csv", "id,name\n1,Kings\n")
	same := accepted(t, f, singers, "Who is singer 1?", "SELECT name FROM singer WHERE id = 1")
	pgOnly := accepted(t, f, singers, "List the names.", "SELECT name::text FROM singer ORDER BY id")
	likeCase := accepted(t, f, singers, "Whose name starts with l?", "SELECT name FROM singer WHERE name LIKE 'l%'")
	dated := accepted(t, f, singers, "Who debuted after 2000?", "SELECT name FROM singer WHERE debut > '2000-01-01' ORDER BY name")
	gone := []int64{accepted(t, f, bands, "How many bands?", "SELECT count(*) FROM band"),
		accepted(t, f, bands, "Name the bands.", "SELECT name FROM band")}
	snap, _, err := (&golden.Snapshots{Store: f.St}).Cut(f.Ctx, store.System, f.Project.ID, golden.SnapshotParams{Name: "gold", Ratios: &golden.SplitRatios{Train: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.St.Pool().Exec(f.Ctx, `DELETE FROM databases WHERE id = $1`, bands); err != nil {
		t.Fatal(err)
	}

	z, rec := exportSpider(t, &Exports{Store: f.St, Exec: f.Im.Exec}, f, snap.ID, golden.SplitAll)
	want := SpiderCounts{Pairs: 6, Exported: 4, Skipped: 2, SameResult: 2, FailsOnSQLite: 1, DifferentResult: 1}
	if z.report.Counts != want || rec.Rows != 4 {
		t.Fatalf("counts %+v, want %+v; problems %+v", z.report.Counts, want, z.report.Problems)
	}
	kinds := map[int64]string{}
	for _, p := range z.report.Problems {
		if p.Question == "" || p.Reason == "" {
			t.Errorf("problem without its question or reason: %+v", p)
		}
		kinds[p.NLQID] = p.Kind
	}
	if kinds[pgOnly] != "fails_on_sqlite" || kinds[likeCase] != "different_result" || kinds[gone[0]] != "skipped" ||
		kinds[gone[1]] != "skipped" || kinds[same] != "" || kinds[dated] != "" {
		t.Fatalf("problems %+v", z.report.Problems)
	}
	// The deleted database is in no file; the pairs that remain are, with their PostgreSQL SQL.
	if _, ok := z.files["database/bands/bands.sqlite"]; ok || !slices.Equal(z.report.Databases, []string{"singers"}) {
		t.Fatalf("databases %v", z.report.Databases)
	}
	qs := z.questions(t, "train_spider.json")
	if len(qs) != 4 || qs[0] != (spiderQuestion{DBID: "singers", Question: "Who is singer 1?", Query: "SELECT name FROM singer WHERE id = 1"}) {
		t.Fatalf("train_spider.json %+v", qs)
	}
	if len(z.questions(t, "dev.json")) != 0 || len(z.questions(t, "test.json")) != 0 {
		t.Fatal("empty splits must be empty arrays")
	}
	var schemas []spider.SchemaJSON
	if err := json.Unmarshal(z.files["tables.json"], &schemas); err != nil || len(schemas) != 1 ||
		!slices.Equal(schemas[0].TableNamesOriginal, []string{"singer"}) || len(schemas[0].ColumnNames) != 5 ||
		schemas[0].ColumnTypes[4] != "time" {
		t.Fatalf("tables.json %+v (%v)", schemas, err)
	}
}

func TestExports_SpiderFormatNamesAZip(t *testing.T) {
	t.Parallel()
	p := ExportParams{Format: FormatSpider, Split: golden.SplitTest}
	if err := p.Validate(); err != nil || p.ContentType() != "application/zip" || p.FileName(4) != "snapshot-4-spider-test.zip" {
		t.Fatalf("%v %s %s", err, p.ContentType(), p.FileName(4))
	}
}
