package bird

import (
	"fmt"
	"strings"

	"github.com/goldset/goldset/sqlexec"
)

// Apply puts the docs on the columns of tables read from the database's SQLite file: a file
// describes the table of its name and a row the column of its original_column_name, both matched
// without regard to case or surrounding spaces, as BIRD's files are written by hand. It returns
// how many columns got a doc and a warning for every file or row that describes nothing.
func Apply(tables []*sqlexec.TableData, docs []TableDoc) (int, []string) {
	byName := map[string]*sqlexec.TableData{}
	for _, t := range tables {
		byName[key(t.Def.Original)] = t
		if _, ok := byName[key(t.Def.Name)]; !ok {
			byName[key(t.Def.Name)] = t
		}
	}
	described := 0
	var warnings []string
	for _, td := range docs {
		t := byName[key(td.Table)]
		if t == nil {
			warnings = append(warnings, fmt.Sprintf("database_description/%s: the database has no table %q; its %d description%s dropped",
				td.File, td.Table, len(td.Columns), map[bool]string{true: "s are", false: " is"}[len(td.Columns) != 1]))
			continue
		}
		cols := map[string]int{}
		for i, c := range t.Def.Columns {
			cols[key(c.Original)] = i
			if _, ok := cols[key(c.Name)]; !ok {
				cols[key(c.Name)] = i
			}
		}
		for _, cd := range td.Columns {
			i, ok := cols[key(cd.Column)]
			if !ok {
				warnings = append(warnings, fmt.Sprintf("database_description/%s: line %d: table %s has no column %q; the description is dropped",
					td.File, cd.Line, t.Def.Original, cd.Column))
				continue
			}
			if cd.Doc.Empty() {
				continue
			}
			doc := cd.Doc
			t.Def.Columns[i].Doc = &doc
			described++
		}
	}
	return described, warnings
}

func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
