package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
)

func TestCLI_ImportSpiderFailedDatabaseExitsNonZeroAndRerunImportsWhatIsMissing(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	pipelinetest.WriteSpider(t, dir, pipelinetest.GoodSpiderDB("alpha"), pipelinetest.DamagedSpiderDB("broken"), pipelinetest.GoodSpiderDB("omega"))

	out, err := c.run("import", "spider", dir, "--project", "p")
	var fe *ingest.FailedError
	if err == nil || !strings.Contains(err.Error(), "1 of 3 databases could not be imported") || !strings.Contains(err.Error(), "broken: database/broken/broken.sqlite") {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !errors.As(err, &fe) || len(fe.Failed) != 1 {
		t.Errorf("the error is not a *ingest.FailedError: %T", err)
	}
	wantAll(t, "output", out, "Imported database alpha", "Imported database omega", "Database broken was not imported: database/broken/broken.sqlite", "1 questions skipped")

	// Repaired, the same command imports the missing database only and succeeds.
	pipelinetest.WriteSQLite(t, filepath.Join(dir, "database", "broken", "broken.sqlite"), pipelinetest.GoodSpiderDB("broken"))
	out = c.must("import", "spider", dir, "--project", "p", "--json")
	var rep struct {
		Databases []struct {
			Name      string
			Unchanged bool
		}
		Failed []ingest.DatabaseFailure
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	made := map[string]bool{}
	for _, d := range rep.Databases {
		made[d.Name] = !d.Unchanged
	}
	if len(made) != 3 || !made["broken"] || made["alpha"] || made["omega"] || rep.Failed == nil || len(rep.Failed) != 0 {
		t.Errorf("re-run: %s", out)
	}
}

func TestCLI_ImportZipOfSQLiteFiles(t *testing.T) {
	c := newCLI(t)
	src := t.TempDir()
	pipelinetest.WriteSQLite(t, filepath.Join(src, "shop.sqlite"), pipelinetest.GoodSpiderDB("shop"))
	pipelinetest.WriteSQLite(t, filepath.Join(src, "huge.sqlite"), pipelinetest.RefusedSpiderDB("huge"))
	zipPath := filepath.Join(t.TempDir(), "dbs.zip")
	pipelinetest.ZipFiles(t, zipPath, src)
	out, err := c.run("import", "sqlite", zipPath, "--project", "p")
	if err == nil || !strings.Contains(err.Error(), "huge: ") || !strings.Contains(out, "Imported database shop") ||
		!strings.Contains(out, "Database huge was not imported: ") || !strings.Contains(out, "row is too big") {
		t.Fatalf("exit %v\n%s", err, out)
	}
	out, err = c.run("import", "sqlite", zipPath, "--project", "p")
	if err == nil || !strings.Contains(out, "Database shop is unchanged") {
		t.Errorf("re-run: %v\n%s", err, out)
	}
	if _, err := c.run("import", "sqlite", zipPath, "--project", "p", "--database", "one"); !errors.Is(err, errUsage) ||
		!strings.Contains(err.Error(), "--database does not apply to a zip of SQLite files") {
		t.Errorf("--database with a zip: %v", err)
	}
}

// The kill -9 proof: an import killed while PostgreSQL receives a database's rows leaves that
// database invisible (no registry entry, no schema), the databases imported before it whole, and
// the same command afterwards imports only the one that is missing.
func TestCLI_ImportKilledMidDatabaseLeavesNoHalfDatabase(t *testing.T) {
	c := newSerialCLI(t)
	dir := t.TempDir()
	big := pipelinetest.SpiderDB{ID: "big", Queries: []string{"SELECT count(*) FROM big"}, Stmts: []string{
		`CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT)`,
		`WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 400000) INSERT INTO big SELECT x, 'row number ' || x FROM c`,
	}}
	pipelinetest.WriteSpider(t, dir, pipelinetest.GoodSpiderDB("alpha"), big)

	db, err := sql.Open("pgx", c.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCLI_ImportKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GOLDSET_IMPORT_KILL_CHILD="+dir, "GOLDSET_IMPORT_KILL_URL="+c.url)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill the child once its COPY of the big table is running: a COPY past alpha's three rows (the
	// table itself is not yet visible to this session, its transaction being open).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_progress_copy WHERE datname = current_database()
			AND tuples_processed > 1000`).Scan(&n); err != nil {
			cmd.Process.Kill()
			t.Fatal(err)
		}
		if n > 0 {
			break
		}
		if ctx.Err() != nil {
			cmd.Process.Kill()
			t.Fatal("the child never copied rows")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	// The server ends the dead client's transaction; wait for its backend to go.
	for {
		var n int
		db.QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> 'goldset-sandbox-admin' AND state <> 'idle'`).Scan(&n)
		if n == 0 || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	var names string
	var schemas int
	if err := db.QueryRowContext(ctx, `SELECT coalesce(string_agg(name, ',' ORDER BY name), '') FROM databases`).Scan(&names); err != nil {
		t.Fatal(err)
	}
	db.QueryRowContext(ctx, `SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tdb\_%'`).Scan(&schemas)
	if names != "alpha" || schemas != 1 {
		t.Fatalf("after the kill: databases %q, schemas %d; want alpha alone", names, schemas)
	}

	out := c.must("import", "spider", dir, "--project", "p")
	if !strings.Contains(out, "Database alpha is unchanged") || !strings.Contains(out, "Imported database big (version 1) into project p: 1 tables, 400000 rows") {
		t.Errorf("after the kill, the same command:\n%s", out)
	}
}

func TestCLI_ImportKillChild(t *testing.T) {
	dir := os.Getenv("GOLDSET_IMPORT_KILL_CHILD")
	if dir == "" {
		t.Skip("run by TestCLI_ImportKilledMidDatabaseLeavesNoHalfDatabase")
	}
	runCLI(t, "import", "spider", dir, "--project", "p", "--database-url", os.Getenv("GOLDSET_IMPORT_KILL_URL"))
}

func TestCLI_ImportSpiderZipAsReleased(t *testing.T) {
	c := newCLI(t)
	src := t.TempDir()
	pipelinetest.WriteSpider(t, filepath.Join(src, "spider"), pipelinetest.GoodSpiderDB("alpha"), pipelinetest.RefusedSpiderDB("huge"))
	zipPath := filepath.Join(t.TempDir(), "spider.zip")
	pipelinetest.ZipFiles(t, zipPath, src)
	out, err := c.run("import", "spider", zipPath, "--project", "p")
	if err == nil || !strings.Contains(err.Error(), "1 of 2 databases could not be imported: huge: ") ||
		!strings.Contains(out, "Imported database alpha") || strings.Contains(out+err.Error(), os.TempDir()) {
		t.Fatalf("exit %v\n%s", err, out)
	}
	if _, err := c.run("import", "spider", filepath.Join(src, "spider", "dev.json"), "--project", "p"); err == nil || !strings.Contains(err.Error(), "dev.json") {
		t.Errorf("a file that is neither a folder nor a zip: %v", err)
	}
}
