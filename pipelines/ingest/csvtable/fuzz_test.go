package csvtable

import (
	"strings"
	"testing"
)

// FuzzRead checks that no input makes the reader panic or return rows that do not fit the columns.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n", `"a\"b",c`, "\"x\ny\",\"", "a\tb\n\\n\\p\\\\\t\\", "\xff\xfe\x00", "a,b\n1,2,3\n4\n",
		"\"Tonnage\n(GRT)\",\"\"\"\"\n\"12,467[1]\",\"—\"",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, tsv bool) {
		name := "f.csv"
		if tsv {
			name = "f.tsv"
		}
		td, err := Read(strings.NewReader(in), name, Options{})
		if err != nil {
			return
		}
		for _, row := range td.Rows {
			if len(row) != len(td.Def.Columns) {
				t.Fatalf("row of %d for %d columns", len(row), len(td.Def.Columns))
			}
		}
	})
}
