package ingest_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/ingest/spider"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

// databaseNames lists the project's databases and the target schemas that exist in PostgreSQL.
func databaseNames(t *testing.T, f *pipelinetest.Fixture) (names []string, schemas int) {
	t.Helper()
	dbs, err := f.St.ListDatabases(f.Ctx, f.Project.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dbs {
		names = append(names, d.Name)
	}
	sort.Strings(names)
	if err := f.St.Pool().QueryRow(f.Ctx, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tdb\_%'`).Scan(&schemas); err != nil {
		t.Fatal(err)
	}
	return names, schemas
}

func TestImportSpider_EachDatabaseAllOrNothing_RerunImportsWhatIsMissing(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := t.TempDir()
	pipelinetest.WriteSpider(t, dir,
		pipelinetest.GoodSpiderDB("alpha"),
		pipelinetest.DamagedSpiderDB("broken"),
		pipelinetest.RefusedSpiderDB("refused"),
		pipelinetest.GoodSpiderDB("omega"))

	sum, err := f.Im.ImportSpider(f.Ctx, store.System, f.Project.ID, dir, spider.DatasetOptions{})
	if err != nil {
		t.Fatalf("the dataset is readable, so the import goes on: %v", err)
	}
	if len(sum.Databases) != 2 || sum.Databases[0].Database.Name != "alpha" || sum.Databases[1].Database.Name != "omega" {
		t.Fatalf("imported %+v", sum.Databases)
	}
	reasons := map[string]string{}
	for _, fl := range sum.Failed {
		reasons[fl.Name] = fl.Reason
	}
	if len(reasons) != 2 || !strings.Contains(reasons["broken"], "database/broken/broken.sqlite") || !strings.Contains(reasons["broken"], "not a database") {
		t.Errorf("damaged file: %q", reasons)
	}
	if !strings.Contains(reasons["refused"], "cannot be loaded into PostgreSQL") || !strings.Contains(reasons["refused"], "row is too big") {
		t.Errorf("refused value: %q", reasons["refused"])
	}
	q := sum.Questions
	if q.Total != 6 || q.Imported != 4 || q.Skipped != 2 || q.GoldMatched != 4 {
		t.Errorf("questions %+v", q)
	}
	var fe *ingest.FailedError
	if err := sum.Err(); !errors.As(err, &fe) || fe.Imported != 2 || !strings.Contains(err.Error(), "2 of 4 databases could not be imported") {
		t.Errorf("Err() = %v", err)
	}
	// The refused database had loaded its first table when PostgreSQL refused the second: none of
	// it is visible, neither in the registry nor as a schema.
	names, schemas := databaseNames(t, f)
	if strings.Join(names, ",") != "alpha,omega" || schemas != 2 {
		t.Fatalf("after the failures: databases %v, schemas %d", names, schemas)
	}

	// Again, unchanged: the good ones are skipped and said to be, the bad ones fail again.
	again := f.ImportSpider(t, dir)
	if len(again.Databases) != 2 || !again.Databases[0].Unchanged || !again.Databases[1].Unchanged || len(again.Failed) != 2 {
		t.Fatalf("re-run: %+v failed %+v", again.Databases, again.Failed)
	}
	if again.Questions.Imported != 0 || again.Questions.Existing != 4 {
		t.Errorf("re-run questions %+v", again.Questions)
	}

	// The damaged file repaired: only it is imported now.
	pipelinetest.WriteSQLite(t, filepath.Join(dir, "database", "broken", "broken.sqlite"), pipelinetest.GoodSpiderDB("broken"))
	fixed := f.ImportSpider(t, dir)
	var made []string
	for _, d := range fixed.Databases {
		if !d.Unchanged {
			made = append(made, d.Database.Name)
		}
	}
	if strings.Join(made, ",") != "broken" || len(fixed.Failed) != 1 || fixed.Failed[0].Name != "refused" {
		t.Errorf("after the repair: made %v, failed %+v", made, fixed.Failed)
	}
	if names, schemas := databaseNames(t, f); len(names) != 3 || schemas != 3 {
		t.Errorf("after the repair: databases %v, schemas %d", names, schemas)
	}
}

func TestImportSpider_MissingSQLiteFileFailsOnlyItsDatabase(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := t.TempDir()
	pipelinetest.WriteSpider(t, dir, pipelinetest.GoodSpiderDB("alpha"), pipelinetest.GoodSpiderDB("gone"))
	if err := os.RemoveAll(filepath.Join(dir, "database", "gone")); err != nil {
		t.Fatal(err)
	}
	sum := f.ImportSpider(t, dir)
	if len(sum.Databases) != 1 || len(sum.Failed) != 1 || sum.Failed[0].Name != "gone" ||
		!strings.Contains(sum.Failed[0].Reason, "missing file: database/gone/gone.sqlite") {
		t.Fatalf("databases %d, failed %+v", len(sum.Databases), sum.Failed)
	}
	if strings.Contains(sum.Failed[0].Reason, dir) {
		t.Errorf("the reason names a path of this machine: %q", sum.Failed[0].Reason)
	}

	// A db_id without its schema in tables.json fails its database alone too.
	os.WriteFile(filepath.Join(dir, "tables.json"), []byte(`[{"db_id": "alpha"}]`), 0o644)
	sum = f.ImportSpider(t, dir)
	if len(sum.Databases) != 1 || !sum.Databases[0].Unchanged || len(sum.Failed) != 1 ||
		!strings.Contains(sum.Failed[0].Reason, `db_id "gone" is not in tables.json`) {
		t.Errorf("databases %+v, failed %+v", sum.Databases, sum.Failed)
	}
}

func TestImportSpider_UnreadableDatasetIsAnErrorAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := t.TempDir()
	pipelinetest.WriteSpider(t, dir, pipelinetest.GoodSpiderDB("alpha"))
	if err := os.WriteFile(filepath.Join(dir, "dev.json"), []byte("[{"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := f.Im.ImportSpider(f.Ctx, store.System, f.Project.ID, dir, spider.DatasetOptions{})
	var ve *store.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "dev.json") {
		t.Fatalf("malformed dev.json: %v", err)
	}
	if names, schemas := databaseNames(t, f); len(names) != 0 || schemas != 0 {
		t.Errorf("written: %v, %d schemas", names, schemas)
	}
}

func TestImportSQLiteZip_EachFileItsOwnDatabase(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	src := t.TempDir()
	pipelinetest.WriteSQLite(t, filepath.Join(src, "shop.sqlite"), pipelinetest.GoodSpiderDB("shop"))
	pipelinetest.WriteSQLite(t, filepath.Join(src, "nested", "music.db"), pipelinetest.GoodSpiderDB("music"))
	pipelinetest.WriteSQLite(t, filepath.Join(src, "damaged.sqlite"), pipelinetest.DamagedSpiderDB("damaged"))
	pipelinetest.WriteSQLite(t, filepath.Join(src, "huge.sqlite3"), pipelinetest.RefusedSpiderDB("huge"))
	pipelinetest.WriteSQLite(t, filepath.Join(src, "other", "shop.sqlite"), pipelinetest.GoodSpiderDB("shop"))
	os.WriteFile(filepath.Join(src, "README.txt"), []byte("not a database, and not taken for one"), 0o644)
	zipPath := filepath.Join(t.TempDir(), "dbs.zip")
	pipelinetest.ZipFiles(t, zipPath, src)

	sum, err := f.Im.ImportSQLiteZip(f.Ctx, store.System, f.Project.ID, zipPath, "dbs.zip")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range sum.Databases {
		got = append(got, d.Database.Name)
	}
	reasons := map[string]string{}
	for _, fl := range sum.Failed {
		reasons[fl.Name] = fl.Reason
	}
	if strings.Join(got, ",") != "music,shop" {
		t.Errorf("imported %v", got)
	}
	if !strings.Contains(reasons["damaged"], "damaged.sqlite: ") || !strings.Contains(reasons["huge"], "row is too big") ||
		!strings.Contains(reasons["shop (shop.sqlite)"], "would both be database shop") || len(reasons) != 3 {
		t.Errorf("failures %q", reasons)
	}
	if names, schemas := databaseNames(t, f); len(names) != 2 || schemas != 2 {
		t.Errorf("databases %v, schemas %d", names, schemas)
	}
	again, err := f.Im.ImportSQLiteZip(f.Ctx, store.System, f.Project.ID, zipPath, "dbs.zip")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range again.Databases {
		if !d.Unchanged {
			t.Errorf("re-run made %s again", d.Database.Name)
		}
	}

	empty := filepath.Join(t.TempDir(), "none.zip")
	pipelinetest.ZipFiles(t, empty, t.TempDir())
	if _, err := f.Im.ImportSQLiteZip(f.Ctx, store.System, f.Project.ID, empty, "none.zip"); err == nil || !strings.Contains(err.Error(), "none.zip holds no SQLite file") {
		t.Errorf("a zip without SQLite files: %v", err)
	}
	data, _ := os.ReadFile(zipPath)
	cut := filepath.Join(t.TempDir(), "cut.zip")
	os.WriteFile(cut, data[:len(data)/2], 0o644)
	var ve *store.ValidationError
	if _, err := f.Im.ImportSQLiteZip(f.Ctx, store.System, f.Project.ID, cut, "cut.zip"); !errors.As(err, &ve) || !strings.Contains(err.Error(), "cut.zip is not a readable zip archive") {
		t.Errorf("a truncated zip: %v", err)
	}
	if names, _ := databaseNames(t, f); len(names) != 2 {
		t.Errorf("refused zips wrote databases: %v", names)
	}
}
