package ingest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/pipelines/pipelinetest"
	"github.com/goldset/goldset/store"
)

func TestImportQuestionsCSV_TheTableColumnRecordsTheQuestionsOwnTables(t *testing.T) {
	t.Parallel()
	f := pipelinetest.New(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ships := write("ships.csv", "name,tonnage\nVictory,3500\n")
	ports := write("ports.csv", "name,country\nPortsmouth,UK\n")
	if _, err := f.Im.ImportCSV(f.Ctx, store.System, f.Project.ID, []string{ships, ports}, "navy"); err != nil {
		t.Fatal(err)
	}
	qs := write("questions.csv", "question,table\nHow heavy is Victory?,ships.csv\nWhich ports are in the UK?,\nWhere do ships dock?,\"ships, ports\"\n")
	sum, err := f.Im.ImportQuestionsCSV(f.Ctx, store.System, f.Project.ID, qs, "navy")
	if err != nil || sum.Imported != 3 {
		t.Fatalf("%+v %v", sum, err)
	}
	got := map[string][]string{}
	rows, err := f.St.Pool().Query(f.Ctx, `SELECT question, origin FROM nlqs WHERE project_id = $1`, f.Project.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var q string
		var origin []byte
		if err := rows.Scan(&q, &origin); err != nil {
			t.Fatal(err)
		}
		got[q], _ = store.KnownTables(origin)
	}
	if strings.Join(got["How heavy is Victory?"], ",") != "ships" || len(got["Which ports are in the UK?"]) != 0 ||
		strings.Join(got["Where do ships dock?"], ",") != "ships,ports" {
		t.Fatalf("known tables: %v", got)
	}

	bad := write("bad.csv", "question,table\nHow many boats?,boats.csv\n")
	_, err = f.Im.ImportQuestionsCSV(f.Ctx, store.System, f.Project.ID, bad, "navy")
	var invalid *store.ValidationError
	if !errors.As(err, &invalid) || !strings.Contains(invalid.Fields["file"], `line 2 names table "boats.csv"`) {
		t.Fatalf("an unknown table: %v", err)
	}
}
