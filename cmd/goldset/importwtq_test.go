package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/store/storetest"
)

func TestCLI_ImportWTQOfficialReleaseWithoutQuestionsFlag(t *testing.T) {
	url := storetest.URL(t)
	dir := filepath.Join("..", "..", "pipelines", "ingest", "testdata", "wtq-release")
	out := mustCLI(t, "import", "wtq", dir, "--project", "p", "--database-url", url)
	for _, want := range []string{"Imported database wtq (version 1) into project p: 3 tables", "Questions: 7 read, 5 imported, 0 already present.", "2 questions skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out = mustCLI(t, "import", "wtq", dir, "--project", "p", "--database-url", url)
	if !strings.Contains(out, "Database wtq is unchanged") || !strings.Contains(out, "7 read, 0 imported, 5 already present") {
		t.Errorf("again:\n%s", out)
	}
}
