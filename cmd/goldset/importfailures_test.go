package main

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/ingest"
	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store/storetest"
)

func TestCLI_ImportSpiderFailedDatabaseExitsNonZeroAndRerunImportsWhatIsMissing(t *testing.T) {
	url := storetest.URL(t)
	dir := t.TempDir()
	pipelinetest.WriteSpider(t, dir, pipelinetest.GoodSpiderDB("alpha"), pipelinetest.DamagedSpiderDB("broken"), pipelinetest.GoodSpiderDB("omega"))

	out, err := runCLI(t, "import", "spider", dir, "--project", "p", "--database-url", url)
	var fe *ingest.FailedError
	if err == nil || !strings.Contains(err.Error(), "1 of 3 databases could not be imported") || !strings.Contains(err.Error(), "broken: database/broken/broken.sqlite") {
		t.Fatalf("exit: %v\n%s", err, out)
	}
	if !errors.As(err, &fe) || len(fe.Failed) != 1 {
		t.Errorf("the error is not a *ingest.FailedError: %T", err)
	}
	for _, want := range []string{"Imported database alpha", "Imported database omega", "Database broken was not imported: database/broken/broken.sqlite", "1 questions skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// Repaired, the same command imports the missing database only and succeeds.
	pipelinetest.WriteSQLite(t, filepath.Join(dir, "database", "broken", "broken.sqlite"), pipelinetest.GoodSpiderDB("broken"))
	out = mustCLI(t, "import", "spider", dir, "--project", "p", "--database-url", url, "--json")
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
	url := storetest.URL(t)
	src := t.TempDir()
	pipelinetest.WriteSQLite(t, filepath.Join(src, "shop.sqlite"), pipelinetest.GoodSpiderDB("shop"))
	pipelinetest.WriteSQLite(t, filepath.Join(src, "huge.sqlite"), pipelinetest.RefusedSpiderDB("huge"))
	zipPath := filepath.Join(t.TempDir(), "dbs.zip")
	pipelinetest.ZipFiles(t, zipPath, src)
	out, err := runCLI(t, "import", "sqlite", zipPath, "--project", "p", "--database-url", url)
	if err == nil || !strings.Contains(err.Error(), "huge: ") || !strings.Contains(out, "Imported database shop") ||
		!strings.Contains(out, "Database huge was not imported: ") || !strings.Contains(out, "row is too big") {
		t.Fatalf("exit %v\n%s", err, out)
	}
	out, err = runCLI(t, "import", "sqlite", zipPath, "--project", "p", "--database-url", url)
	if err == nil || !strings.Contains(out, "Database shop is unchanged") {
		t.Errorf("re-run: %v\n%s", err, out)
	}
}
