package spider

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/goldset/goldset/sqlexec"
)

// TestGoldSQLPassesTheSandbox: every gold query of the shared Spider sets, translated to
// PostgreSQL, is admitted by the sandbox's allow-lists, so the allow-lists cover what analytical
// SQL written by people uses (these are 4,500 queries written by 11 annotators).
func TestGoldSQLPassesTheSandbox(t *testing.T) {
	t.Parallel()
	sets := []struct{ dir, file string }{
		{"../../../../shared/data/spider", "dev.json"},
		{"../../../../shared/data/spider-train", "train_gold.json"},
	}
	ctx := context.Background()
	checked := 0
	for _, set := range sets {
		if _, err := os.Stat(filepath.Join(set.dir, set.file)); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("CI must have %s: %v", set.dir, err)
			}
			t.Logf("skipping %s: the shared Spider data is not beside the repository", set.dir)
			continue
		}
		ds, err := ReadDataset(set.dir, DatasetOptions{QuestionsFile: set.file})
		if err != nil {
			t.Fatal(err)
		}
		schemas := map[string]*sqlexec.SchemaInfo{}
		for _, q := range ds.Questions {
			info, ok := schemas[q.DBID]
			if !ok {
				tables, err := ReadSQLite(ctx, ds.SQLitePath(q.DBID))
				if err != nil {
					t.Fatal(err)
				}
				info = sqlexec.SchemaInfoFromTables(tables)
				schemas[q.DBID] = info
			}
			tr, err := sqlexec.TranslateSQLite(q.Query, info)
			if err != nil {
				continue // translation failures are the translator's tests' business
			}
			checked++
			if err := sqlexec.Check(tr.SQL, "tdb_1"); errors.Is(err, sqlexec.ErrRefused) {
				t.Errorf("%s #%d refused: %v\n    %s", q.DBID, q.Index, err, tr.SQL)
			}
		}
	}
	t.Logf("%d translated gold queries checked", checked)
}
