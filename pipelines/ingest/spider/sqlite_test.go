package spider

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec"
)

// writeSQLite creates a SQLite file from statements.
func writeSQLite(t *testing.T, stmts ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "x.sqlite")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return path
}

func TestReadSQLite_KeepsEveryValueAndWarnsAboutFallbacks(t *testing.T) {
	t.Parallel()
	path := writeSQLite(t,
		`CREATE TABLE "Parent" ("Id" INTEGER PRIMARY KEY, "Full Name" TEXT, "order" INT)`,
		`INSERT INTO Parent VALUES (1, 'a', 1), (2, 'b', 2)`,
		`CREATE TABLE child (id int, parent_id INT REFERENCES PARENT, ghost INT REFERENCES nowhere(id), amount INT, ratio INT, flag bool, born DATETIME, note TEXT, PRIMARY KEY (id))`,
		`INSERT INTO child VALUES (1, 1, 7, 10, 1, 1, '2005-11-12 07:09:48', '0012'), (2, 2, 8, '1,000', 1.5, 0, '2005-11-12', 12), (3, NULL, NULL, '', 2, NULL, NULL, NULL)`,
	)
	tables, err := ReadSQLite(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 2 {
		t.Fatalf("tables = %d", len(tables))
	}
	parent, child := tables[0], tables[1]
	if parent.Def.Name != "parent" || parent.Def.Columns[1].Name != "full_name" || parent.Def.Columns[1].Original != "Full Name" || parent.Def.Columns[2].Name != "order_" {
		t.Errorf("parent names = %+v", parent.Def)
	}
	types := map[string]sqlexec.ColumnType{}
	for _, c := range child.Def.Columns {
		types[c.Name] = c.Type
	}
	want := map[string]sqlexec.ColumnType{"amount": sqlexec.TypeText, "ratio": sqlexec.TypeFloat, "flag": sqlexec.TypeInteger, "born": sqlexec.TypeText, "note": sqlexec.TypeText, "parent_id": sqlexec.TypeInteger}
	for c, w := range want {
		if types[c] != w {
			t.Errorf("%s: type %s, want %s", c, types[c], w)
		}
	}
	if got := child.Rows[1][3]; got != "1,000" {
		t.Errorf("amount row 2 = %#v, want the text as stored", got)
	}
	if got := child.Rows[0][3]; got != "10" {
		t.Errorf("amount row 1 = %#v, want \"10\" (the column fell back to text)", got)
	}
	if got := child.Rows[0][6]; got != "2005-11-12 07:09:48" {
		t.Errorf("born = %#v, want the text as stored", got)
	}
	if got := child.Rows[0][7]; got != "0012" {
		t.Errorf("note = %#v", got)
	}
	if len(child.Def.ForeignKeys) != 1 || child.Def.ForeignKeys[0].RefTable != "parent" || child.Def.ForeignKeys[0].RefColumns[0] != "id" {
		t.Errorf("foreign keys = %+v", child.Def.ForeignKeys)
	}
	all := strings.Join(child.Warnings, "\n")
	for _, w := range []string{"column amount: declared INT but holds text (e.g. \"1,000\")", "column ratio: declared INT but holds non-integers (e.g. 1.5)", "foreign key (ghost) → nowhere(id) dropped: no table nowhere"} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
}

func TestReadDataset_SaysWhichFileAndLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := ReadDataset(dir); !errors.Is(err, ErrMissingFile) || !strings.Contains(err.Error(), "dev.json") {
		t.Errorf("missing dev.json: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "dev.json"), []byte("[\n {\"db_id\": \"a\",\n  \"query\": 12}\n]"), 0o644)
	_, err := ReadDataset(dir)
	if err == nil || !strings.Contains(err.Error(), "dev.json: line 3") {
		t.Errorf("malformed dev.json: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "train_spider.json"), []byte(`[{"db_id": "a", "query": "SELECT 1", "question": "?"}]`), 0o644)
	os.WriteFile(filepath.Join(dir, "tables.json"), []byte(`[{"db_id": "a"}]`), 0o644)
	if _, err := ReadDataset(dir, DatasetOptions{QuestionsFile: "train_spider.json"}); !errors.Is(err, ErrMissingFile) || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("missing database: %v", err)
	}
}
