package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
)

func TestCLI_ImportWTQOfficialReleaseWithoutQuestionsFlag(t *testing.T) {
	c := newCLI(t)
	dir := filepath.Join("..", "..", "pipelines", "ingest", "testdata", "wtq-release")
	out := c.must("import", "wtq", dir, "--project", "p")
	wantAll(t, "output", out, "Imported database wtq (version 1) into project p: 3 tables", "Questions: 7 read, 5 imported, 0 already present.", "2 questions skipped")
	out = c.must("import", "wtq", dir, "--project", "p")
	if !strings.Contains(out, "Database wtq is unchanged") || !strings.Contains(out, "7 read, 0 imported, 5 already present") {
		t.Errorf("again:\n%s", out)
	}
	// The release as a zip, its folder inside: the same tables and questions, nothing new.
	wrap := t.TempDir()
	if err := os.CopyFS(filepath.Join(wrap, "WikiTableQuestions"), os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(t.TempDir(), "WikiTableQuestions-1.0.2.zip")
	pipelinetest.ZipFiles(t, zipPath, wrap)
	out = c.must("import", "wtq", zipPath, "--project", "p")
	if !strings.Contains(out, "Database wtq is unchanged") || !strings.Contains(out, "7 read, 0 imported, 5 already present") {
		t.Errorf("the zip:\n%s", out)
	}
}
