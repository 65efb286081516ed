package agent

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store"
)

// tableInfo is a table of the target database with its metadata decoded.
type tableInfo struct {
	store.DBTable
	cols []sqlexec.ColumnDef
	fks  []sqlexec.ForeignKey
}

func parseTables(ts []store.DBTable) ([]*tableInfo, error) {
	out := make([]*tableInfo, 0, len(ts))
	for _, t := range ts {
		ti := &tableInfo{DBTable: t}
		if len(t.Columns) > 0 {
			if err := json.Unmarshal(t.Columns, &ti.cols); err != nil {
				return nil, fmt.Errorf("agent: table %s: columns: %w", t.Name, err)
			}
		}
		if len(t.ForeignKeys) > 0 && string(t.ForeignKeys) != "null" {
			if err := json.Unmarshal(t.ForeignKeys, &ti.fks); err != nil {
				return nil, fmt.Errorf("agent: table %s: foreign keys: %w", t.Name, err)
			}
		}
		out = append(out, ti)
	}
	return out, nil
}

// findTable looks a table up by name or original name, ignoring case.
func findTable(tables []*tableInfo, name string) *tableInfo {
	name = strings.TrimSpace(strings.Trim(strings.TrimSpace(name), `"`))
	for _, t := range tables {
		if strings.EqualFold(t.Name, name) {
			return t
		}
	}
	for _, t := range tables {
		if t.Original != "" && strings.EqualFold(t.Original, name) {
			return t
		}
	}
	return nil
}

func (t *tableInfo) column(name string) *sqlexec.ColumnDef {
	name = strings.TrimSpace(strings.Trim(strings.TrimSpace(name), `"`))
	for i := range t.cols {
		if strings.EqualFold(t.cols[i].Name, name) {
			return &t.cols[i]
		}
	}
	for i := range t.cols {
		if t.cols[i].Original != "" && strings.EqualFold(t.cols[i].Original, name) {
			return &t.cols[i]
		}
	}
	return nil
}

func (t *tableInfo) columnNames() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.Name
	}
	return out
}

var plainIdent = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// reserved are PostgreSQL's reserved key words: a column so named must be quoted.
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric both case cast check collate column
		constraint create current_catalog current_date current_role current_time current_timestamp current_user default
		deferrable desc distinct do else end except false fetch for foreign from grant group having in initially intersect
		into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references
		returning select session_user some symmetric system_user table then to trailing true union unique user using variadic
		when where window with authorization binary collation concurrently cross current_schema freeze full ilike inner is
		isnull join left like natural notnull outer overlaps right similar tablesample verbose`) {
		reserved[w] = true
	}
}

// ident writes a name as SQL, quoted only when it must be.
func ident(name string) string {
	if plainIdent.MatchString(name) && !reserved[name] {
		return name
	}
	return pgx.Identifier{name}.Sanitize()
}

func identList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = ident(n)
	}
	return strings.Join(out, ", ")
}

// ddl renders the table as CREATE TABLE with its keys; original names and the summary go in comments.
func (t *tableInfo) ddl() string {
	var b strings.Builder
	head := fmt.Sprintf("-- %s: %d row%s", t.Name, t.RowCount, plural(int(min(t.RowCount, math.MaxInt32))))
	if t.Original != "" && t.Original != t.Name {
		head += fmt.Sprintf(`; originally %q`, t.Original)
	}
	b.WriteString(head)
	if s := strings.TrimSpace(t.Summary); s != "" {
		b.WriteString("\n-- " + strings.ReplaceAll(s, "\n", "\n-- "))
	}
	b.WriteString("\nCREATE TABLE " + ident(t.Name) + " (")
	var lines []string
	var comments []string
	for _, c := range t.cols {
		l := "  " + ident(c.Name) + " " + string(c.Type)
		if c.NotNull {
			l += " NOT NULL"
		}
		lines = append(lines, l)
		cm := ""
		if c.Original != "" && c.Original != c.Name {
			cm = fmt.Sprintf("%q", c.Original)
		}
		// What the dataset says the column means (BIRD's descriptions): the model reads it where
		// it reads the column.
		if doc := c.Doc.Text(cmp.Or(c.Original, c.Name)); doc != "" {
			cm = strings.TrimPrefix(cm+": "+doc, ": ")
		}
		comments = append(comments, cm)
	}
	if len(t.PrimaryKey) > 0 {
		lines = append(lines, "  PRIMARY KEY ("+identList(t.PrimaryKey)+")")
		comments = append(comments, "")
	}
	for _, fk := range t.fks {
		lines = append(lines, fmt.Sprintf("  FOREIGN KEY (%s) REFERENCES %s (%s)", identList(fk.Columns), ident(fk.RefTable), identList(fk.RefColumns)))
		comments = append(comments, "")
	}
	for i, l := range lines {
		b.WriteString("\n" + l)
		if i < len(lines)-1 {
			b.WriteString(",")
		}
		if comments[i] != "" {
			b.WriteString(" -- " + comments[i])
		}
	}
	b.WriteString("\n);")
	return b.String()
}

// sampleSQL reads n rows of the table, in primary-key order when there is one so the sample is
// the same every time.
func (t *tableInfo) sampleSQL(n int) string {
	cols := "*"
	if len(t.cols) > 0 {
		cols = identList(t.columnNames())
	}
	q := "SELECT " + cols + " FROM " + ident(t.Name)
	if len(t.PrimaryKey) > 0 {
		q += " ORDER BY " + identList(t.PrimaryKey)
	}
	return fmt.Sprintf("%s LIMIT %d", q, n)
}
