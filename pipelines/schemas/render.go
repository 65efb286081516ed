package schemas

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/goldset/goldset/pipelines/runs"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
	"github.com/jackc/pgx/v5"
)

// TableBlock renders a table as CREATE TABLE with its keys, original names and the summary in
// comments, and up to rows sample rows (in primary-key order, so the same every time) read through
// exec (nil when rows is 0). A target whose tables are gone is a runs.RunError.
func TableBlock(ctx context.Context, exec *sqlexec.Executor, db store.Database, t store.DBTable, rows int) (string, error) {
	var b strings.Builder
	cols := Columns(t)
	fmt.Fprintf(&b, "-- %s: %d rows", t.Name, t.RowCount)
	if t.Original != "" && t.Original != t.Name {
		fmt.Fprintf(&b, "; originally %q", t.Original)
	}
	if s := strings.TrimSpace(t.Summary); s != "" {
		b.WriteString("\n-- " + strings.ReplaceAll(s, "\n", " "))
	}
	b.WriteString("\nCREATE TABLE " + quoteIdent(t.Name) + " (")
	var lines []string
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.Name)
		l := "  " + quoteIdent(c.Name) + " " + string(c.Type)
		if c.NotNull {
			l += " NOT NULL"
		}
		note := ""
		if c.Original != "" && c.Original != c.Name {
			note = fmt.Sprintf("%q", c.Original)
		}
		// What the dataset says the column means (BIRD's descriptions), where the model reads the column.
		if doc := c.Doc.Text(cmp.Or(c.Original, c.Name)); doc != "" {
			note = strings.TrimPrefix(note+": "+doc, ": ")
		}
		if note != "" {
			l += " /* " + strings.ReplaceAll(note, "*/", "* /") + " */"
		}
		lines = append(lines, l)
	}
	if len(t.PrimaryKey) > 0 {
		lines = append(lines, "  PRIMARY KEY ("+quoteIdents(t.PrimaryKey)+")")
	}
	for _, fk := range ForeignKeys(t) {
		lines = append(lines, fmt.Sprintf("  FOREIGN KEY (%s) REFERENCES %s (%s)", quoteIdents(fk.Columns), quoteIdent(fk.RefTable), quoteIdents(fk.RefColumns)))
	}
	b.WriteString("\n" + strings.Join(lines, ",\n") + "\n);")
	if rows <= 0 || len(cols) == 0 {
		return b.String(), nil
	}
	q := "SELECT " + strings.Join(names, ", ") + " FROM " + quoteIdent(t.Name)
	if len(t.PrimaryKey) > 0 {
		q += " ORDER BY " + quoteIdents(t.PrimaryKey)
	}
	res := exec.Run(ctx, db.Target(), fmt.Sprintf("%s LIMIT %d", q, rows))
	if !res.OK() {
		if strings.Contains(res.Error, "does not exist") {
			return "", &runs.RunError{Reason: fmt.Sprintf("database %s (id %d) is gone from the server (%s); what finished items generated is kept", db.Name, db.ID, res.Error)}
		}
		return "", fmt.Errorf("sample rows of %s: %s", t.Name, res.Error)
	}
	if len(res.Rows) > 0 {
		b.WriteString("\n-- sample rows:")
		for _, row := range res.Rows {
			vals := make([]string, len(row))
			for i, v := range row {
				vals[i] = sampleValue(v)
			}
			b.WriteString("\n-- (" + strings.Join(vals, ", ") + ")")
		}
	}
	return b.String(), nil
}

func sampleValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		if len(x) > 80 {
			x = x[:80] + "…"
		}
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	}
	s := fmt.Sprint(v)
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

func quoteIdent(name string) string {
	if plainName(name) {
		return name
	}
	return pgx.Identifier{name}.Sanitize()
}

func plainName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') || sqlReserved[name] {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// sqlReserved are the reserved words a generated model is most likely to meet as column names.
var sqlReserved = words(`all and any array as asc case cast check column constraint create default desc distinct do else end
	except false for foreign from grant group having in into is join left limit not null offset on only or order primary
	references right select table then to true union unique user using when where window with`)

func quoteIdents(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quoteIdent(n)
	}
	return strings.Join(out, ", ")
}

// Columns decodes a table's columns (none when unreadable: the importer wrote them).
func Columns(t store.DBTable) []sqlexec.ColumnDef {
	var cols []sqlexec.ColumnDef
	_ = json.Unmarshal(t.Columns, &cols) // written by the importer from sqlexec.ColumnDef
	return cols
}

// ForeignKeys decodes a table's foreign keys (none when unreadable: the importer wrote them).
func ForeignKeys(t store.DBTable) []sqlexec.ForeignKey {
	var fks []sqlexec.ForeignKey
	if len(t.ForeignKeys) > 0 {
		_ = json.Unmarshal(t.ForeignKeys, &fks) // written by the importer from sqlexec.ForeignKey
	}
	return fks
}

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// TableDefs turns a database's stored tables into the definitions sqlexec works with (names,
// columns, keys): what Distinguish needs to build a database's neighbours.
func TableDefs(ts []store.DBTable) []sqlexec.TableDef {
	out := make([]sqlexec.TableDef, len(ts))
	for i, t := range ts {
		out[i] = sqlexec.TableDef{Name: t.Name, Original: t.Original, Columns: Columns(t), PrimaryKey: t.PrimaryKey,
			ForeignKeys: ForeignKeys(t)}
	}
	return out
}
