package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec"
)

// sharedData is the path of a file under the project's shared data folder (data/ in the
// shared folder beside the repository). The test is skipped, saying so, when the folder is absent; CI always has it.
func sharedData(tb testing.TB, parts ...string) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("shared data folder %s is absent (%v): this test needs the Spider dev set", dir, err)
	}
	return filepath.Join(append([]string{dir}, parts...)...)
}

// spiderExample is one question of Spider's dev.json.
type spiderExample struct {
	DBID     string `json:"db_id"`
	Question string `json:"question"`
	Query    string `json:"query"`
}

func readSpiderDev(tb testing.TB) []spiderExample {
	tb.Helper()
	return readSpiderJSON[spiderExample](tb, "dev.json")
}

// spiderTables is Spider's tables.json: one schema per database.
type spiderTables struct {
	DBID        string   `json:"db_id"`
	TableNames  []string `json:"table_names_original"`
	ColumnNames [][2]any `json:"column_names_original"` // [table index, name]; index -1 is "*"
	ColumnTypes []string `json:"column_types"`
}

func readSpiderTables(tb testing.TB) []spiderTables {
	tb.Helper()
	return readSpiderJSON[spiderTables](tb, "tables.json")
}

// readSpiderJSON reads one of the Spider files under the shared data folder that are a JSON array.
func readSpiderJSON[T any](tb testing.TB, name string) []T {
	tb.Helper()
	b, err := os.ReadFile(sharedData(tb, "spider", name))
	if err != nil {
		tb.Fatal(err)
	}
	var out []T
	if err := json.Unmarshal(b, &out); err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return out
}

// spiderSchemas turns tables.json into Schemas named as Goldset's loader names them (lower case),
// and into the SchemaInfo the SQLite translator needs.
func spiderSchemas(tb testing.TB) ([]Schema, map[string]*sqlexec.SchemaInfo) {
	tb.Helper()
	var schemas []Schema
	infos := map[string]*sqlexec.SchemaInfo{}
	for _, st := range readSpiderTables(tb) {
		s := Schema{Database: st.DBID}
		info := &sqlexec.SchemaInfo{Tables: map[string]map[string]sqlexec.ColumnType{}, Renamed: map[string]string{}}
		for ti, name := range st.TableNames {
			t := Table{Name: strings.ToLower(name)}
			types := map[string]sqlexec.ColumnType{}
			for ci, c := range st.ColumnNames {
				if idx, _ := c[0].(float64); int(idx) != ti {
					continue
				}
				col := strings.ToLower(c[1].(string))
				t.Columns = append(t.Columns, col)
				types[col] = sqlexec.TypeText
				if st.ColumnTypes[ci] == "number" {
					types[col] = sqlexec.TypeFloat
				}
			}
			s.Tables = append(s.Tables, t)
			info.Tables[t.Name] = types
		}
		schemas = append(schemas, s)
		infos[st.DBID] = info
	}
	return schemas, infos
}

// translatedSpiderDev is the dev set with its gold SQL translated to PostgreSQL, as Goldset
// stores it after import.
func translatedSpiderDev(tb testing.TB) ([]spiderExample, []Schema) {
	tb.Helper()
	dev := readSpiderDev(tb)
	schemas, infos := spiderSchemas(tb)
	for i := range dev {
		tr, err := sqlexec.TranslateSQLite(dev[i].Query, infos[dev[i].DBID])
		if err != nil {
			tb.Fatalf("#%d: translate %q: %v", i, dev[i].Query, err)
		}
		dev[i].Query = tr.SQL
	}
	return dev, schemas
}
