package ingest

import (
	"fmt"
	"path"
	"strings"

	"github.com/goldset/goldset/store"
)

// knownTables resolves a questions file's "table" cell, the tables a question is about, separated by
// commas: each is a table's name or the file it was imported from ("ships.csv", "data/ships.csv").
// The question's origin records them as "tables", which keeps them in the agent's prompt (see
// store.KnownTables and the project's retrieval scope).
func knownTables(tables []store.DBTable, cell string) ([]string, error) {
	var out []string
	for _, want := range strings.FieldsFunc(cell, func(r rune) bool { return r == ',' || r == ';' }) {
		want = strings.TrimSpace(want)
		if want == "" {
			continue
		}
		name := ""
		for _, t := range tables {
			if strings.EqualFold(t.Name, want) || t.Original != "" && (strings.EqualFold(t.Original, want) || strings.EqualFold(path.Base(t.Original), want)) {
				name = t.Name
				break
			}
		}
		if name == "" {
			return nil, fmt.Errorf("names table %q, which the database does not have", want)
		}
		out = append(out, name)
	}
	return out, nil
}
