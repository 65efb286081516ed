package main

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/golden"
	"github.com/goldset/goldset/store"
)

func TestCLI_ExportWritesTheFileAndRecordsItsHash(t *testing.T) {
	c := newCLI(t).withSingers()
	ctx := context.Background()
	st := openStore(t, c.url)
	p, err := st.ProjectByName(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	// Data-modifying CTEs cannot see each other's rows, so the question is made in two statements.
	var nlq int64
	if err := st.Pool().QueryRow(ctx, `INSERT INTO nlqs (project_id, database_id, question, status)
		SELECT $1, id, 'How many singers?', 'accepted' FROM databases WHERE project_id = $1 RETURNING id`, p.ID).Scan(&nlq); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `WITH c AS (INSERT INTO sql_candidates (nlq_id, source, sql) VALUES ($1, 'human', 'SELECT count(*) FROM singers')
		RETURNING id) UPDATE nlqs SET gold_candidate_id = (SELECT id FROM c) WHERE id = $1`, nlq); err != nil {
		t.Fatal(err)
	}
	snap, _, err := (&golden.Snapshots{Store: st}).Cut(ctx, store.System, p.ID, golden.SnapshotParams{Name: "gold"})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(snap.ID, 10)
	if _, err := c.run("export", "--project", "p", "--snapshot", id, "--format", "parquet"); !errors.Is(err, errUsage) {
		t.Fatalf("unknown format: %v", err)
	}
	file := filepath.Join(t.TempDir(), "eval.csv")
	c.must("export", "--project", "p", "--snapshot", id, "--format", "eval_csv", "--out", file)
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][0] != "How many singers?" || rows[1][2] != "[[2]]" {
		t.Fatalf("rows %q (%v)", rows, err)
	}
	list, err := st.ListExports(ctx, p.ID)
	sum := sha256.Sum256(b)
	if err != nil || len(list) != 1 || list[0].SHA256 != hex.EncodeToString(sum[:]) || list[0].Rows != 1 || list[0].Status != "done" {
		t.Fatalf("exports %+v (%v)", list, err)
	}
	if out := c.must("export", "--project", "p", "--snapshot", id, "--format", "eval_jsonl"); len(out) == 0 {
		t.Fatal("nothing on stdout")
	}

	// The spider zip, with the database as a SQLite file and the question in the file of its split.
	file = filepath.Join(t.TempDir(), "spider.zip")
	c.must("export", "--project", "p", "--snapshot", id, "--format", "spider", "--out", file)
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	for _, name := range []string{"tables.json", "train_spider.json", "dev.json", "test.json", "train_gold.sql", "goldset_export_report.json"} {
		if !names[name] {
			t.Fatalf("%s missing from the zip: %v", name, names)
		}
	}
	sqlite := 0
	for name := range names {
		if strings.HasPrefix(name, "database/") && strings.HasSuffix(name, ".sqlite") {
			sqlite++
		}
	}
	if sqlite != 1 {
		t.Fatalf("%d SQLite files in %v", sqlite, names)
	}
}
