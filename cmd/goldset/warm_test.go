package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/goldset/goldset/pipelines/schemas"
)

// A starting server builds the retrieval indexes of the databases too wide for one prompt, and
// only those: a database of 9 tables is, one of 3 is shown whole and needs none.
func TestServe_WarmsTheIndexesOfWideDatabases(t *testing.T) {
	c := newCLI(t)
	tables := func(n int) []string {
		dir := t.TempDir()
		var paths []string
		for i := range n {
			p := filepath.Join(dir, fmt.Sprintf("harbour_%d.csv", i))
			if err := os.WriteFile(p, []byte(fmt.Sprintf("port,country\nPort %d,Land %d\n", i, i)), 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
		return paths
	}
	c.must(append(append([]string{"import", "csv"}, tables(9)...), "--project", "p", "--database", "wide")...)
	c.must(append(append([]string{"import", "csv"}, tables(3)...), "--project", "p", "--database", "narrow")...)
	st := openStore(t, c.url)
	ctx := context.Background()
	p, err := st.ProjectByName(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	wide, err := st.DatabaseByName(ctx, p.ID, "wide")
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := st.DatabaseByName(ctx, p.ID, "narrow")
	if err != nil {
		t.Fatal(err)
	}
	sc := schemas.New(st, nil)
	warmIndexes(ctx, st, sc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if stats, built := sc.Indexes().Stats(wide.ID); !built || stats.Tables != 9 || stats.Values == 0 {
		t.Errorf("the wide database's index: built %v, %+v", built, stats)
	}
	if _, built := sc.Indexes().Stats(narrow.ID); built {
		t.Error("the narrow database's index was built too")
	}
}
