package sqlexec

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Distinguishing databases, after the test-suite accuracy of Zhong, Yu and Klein, "Semantic
// Evaluation for Text-to-SQL with Distilled Test Suites" (EMNLP 2020): two queries that give the
// same rows on one database may still differ (`>` for `>=`, a missing DISTINCT, a join that happens
// to match today's data). Running both on neighbours of the database — the same tables with other
// rows — catches most such coincidences: a pair that agrees on every neighbour too is far more
// likely to be equivalent.
//
// A neighbour is not stored: it is a set of common table expressions, one per table, that shadow
// the tables' names in front of the query (`WITH singer AS (SELECT … FROM tdb_5.singer …) <query>`),
// so it costs no storage, can never go stale, and runs through the sandbox like any query. The
// neighbours keep what equivalences may rely on — declared primary keys stay unique and foreign
// keys keep pointing at rows that exist — so two queries equivalent under the schema's constraints
// are never told apart.

// NeighbourKind names a way of deriving a neighbour from the database.
type NeighbourKind string

// The neighbours, cheapest first.
const (
	// NeighbourEmpty: every table empty.
	NeighbourEmpty NeighbourKind = "empty"
	// NeighbourHalf and NeighbourOtherHalf: each table keeps about half its rows (chosen by a hash
	// of the row), complementary halves; rows whose foreign key lost its target go too.
	NeighbourHalf      NeighbourKind = "half"
	NeighbourOtherHalf NeighbourKind = "other half"
	// NeighbourDoubled: every row appears twice; in a table with a primary key, the copy gets a new
	// key (integers moved past the largest, text suffixed), so the key stays unique and nothing
	// refers to the copies.
	NeighbourDoubled NeighbourKind = "doubled"
	// NeighbourShifted: numbers and dates of columns that are no key are moved (integers +1,
	// other numbers ×1.5, dates a day later).
	NeighbourShifted NeighbourKind = "shifted"
	// NeighbourBoundary: in about half the rows, a column the queries compare with a literal takes
	// that literal's value, so `>` and `>=` (or `<>` and NOT IN) disagree.
	NeighbourBoundary NeighbourKind = "boundary"
)

// Neighbours are the kinds Distinguish tries, in order.
var Neighbours = []NeighbourKind{NeighbourEmpty, NeighbourHalf, NeighbourOtherHalf, NeighbourDoubled, NeighbourShifted, NeighbourBoundary}

// Distinction is what Distinguish found.
type Distinction struct {
	// Same: the two queries agreed on every neighbour they could run on.
	Same bool `json:"same"`
	// Neighbour is the first neighbour on which they differ.
	Neighbour NeighbourKind `json:"neighbour,omitempty"`
	Reason    string        `json:"reason,omitempty"`
	// A and B are the queries' results on that neighbour; Diff the rows only one of them has.
	A    *Result     `json:"a,omitempty"`
	B    *Result     `json:"b,omitempty"`
	Diff *ResultDiff `json:"diff,omitempty"`
	// Checked counts the neighbours both queries ran on; Skipped says why others could not be used.
	Checked int      `json:"checked"`
	Skipped []string `json:"skipped,omitempty"`
}

// Distinguish runs queries a and b, which agreed on t, on t's neighbours (see Neighbours), and
// reports the first on which their results differ by execution match under opt. tables describe
// t's tables (names, columns, keys). A neighbour on which either query fails to run is skipped.
func (e *Executor) Distinguish(ctx context.Context, t Target, tables []TableDef, a, b string, opt MatchOptions) Distinction {
	var d Distinction
	literals := comparedLiterals(a, b)
	qa, errA := readNeighbourQuery(a)
	qb, errB := readNeighbourQuery(b)
	for _, k := range Neighbours {
		ctes := neighbourCTEs(t.Schema, tables, k, literals)
		if len(ctes) == 0 {
			continue // nothing to change: the neighbour is the database itself
		}
		na, nb := "", ""
		if errA == nil && errB == nil {
			na, errA = qa.with(ctes)
			nb, errB = qb.with(ctes)
		}
		if errA != nil || errB != nil {
			d.Skipped = append(d.Skipped, fmt.Sprintf("%s: %v", k, firstErr(errA, errB)))
			continue
		}
		ra, rb := e.Run(ctx, t, na), e.Run(ctx, t, nb)
		if ctx.Err() != nil {
			d.Skipped = append(d.Skipped, fmt.Sprintf("%s: %v", k, ctx.Err()))
			return d
		}
		if !ra.OK() || !rb.OK() || ra.Truncated || rb.Truncated {
			d.Skipped = append(d.Skipped, fmt.Sprintf("%s: %s", k, firstNonEmpty(ra.Error, rb.Error, "a result was truncated")))
			continue
		}
		d.Checked++
		if m := Match(ra, rb, opt); !m.Match {
			diff := Diff(ra, rb, opt, 5)
			d.Neighbour, d.Reason, d.A, d.B, d.Diff = k, m.Reason, ra, rb, &diff
			return d
		}
	}
	d.Same = true
	return d
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// literal is a constant a query compares a column with.
type literal struct {
	column string // the column's name, lower case
	value  string // the constant as SQL text
}

// comparedLiterals finds `column <op> constant` comparisons in the queries.
func comparedLiterals(queries ...string) []literal {
	seen := map[literal]bool{}
	var out []literal
	for _, q := range queries {
		tree, err := pg_query.Parse(q)
		if err != nil || len(tree.Stmts) != 1 {
			continue
		}
		_ = walk(tree.Stmts[0].GetStmt().ProtoReflect(), func(m protoreflect.Message) error {
			x, ok := m.Interface().(*pg_query.A_Expr)
			if !ok || x.GetKind() != pg_query.A_Expr_Kind_AEXPR_OP {
				return nil
			}
			col, con := x.GetLexpr().GetColumnRef(), x.GetRexpr().GetAConst()
			if col == nil || con == nil {
				col, con = x.GetRexpr().GetColumnRef(), x.GetLexpr().GetAConst()
			}
			if col == nil || con == nil || con.GetIsnull() {
				return nil
			}
			f := col.GetFields()
			name := strings.ToLower(f[len(f)-1].GetString_().GetSval())
			var val string
			switch {
			case con.GetIval() != nil:
				val = fmt.Sprint(con.GetIval().GetIval())
			case con.GetFval() != nil:
				val = con.GetFval().GetFval()
			case con.GetSval() != nil:
				val = quoteLiteral(con.GetSval().GetSval())
			default:
				return nil
			}
			if l := (literal{name, val}); name != "" && !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
			return nil
		})
	}
	return out
}

// neighbourCTEs is the WITH list that makes neighbour k of the tables in schema: name → body, in an
// order where each body only reads tables defined before it. Empty when k changes nothing.
func neighbourCTEs(schema string, tables []TableDef, k NeighbourKind, literals []literal) []cte {
	// Columns another table's foreign key references are keys too: changing them would break joins.
	referenced := map[string]bool{}
	for _, t := range tables {
		for _, fk := range t.ForeignKeys {
			for _, c := range fk.RefColumns {
				referenced[fk.RefTable+"\x00"+c] = true
			}
		}
	}
	var out []cte
	defined := map[string]bool{}
	changed := false
	for _, t := range parentsFirst(tables) {
		src := pgx.Identifier{schema, t.Name}.Sanitize()
		keys := keyColumns(t)
		for _, c := range t.Columns {
			if referenced[t.Name+"\x00"+c.Name] {
				keys[c.Name] = true
			}
		}
		var body string
		switch k {
		case NeighbourEmpty:
			body, changed = "SELECT * FROM "+src+" WHERE false", true
		case NeighbourHalf, NeighbourOtherHalf:
			cmp := "<"
			if k == NeighbourOtherHalf {
				cmp = ">="
			}
			conds := []string{"substr(md5(r::text), 1, 1) " + cmp + " '8'"}
			for _, fk := range t.ForeignKeys {
				if !defined[fk.RefTable] || fk.RefTable == t.Name {
					continue
				}
				conds = append(conds, fkHolds("r", fk))
			}
			body, changed = "SELECT r.* FROM "+src+" AS r WHERE "+strings.Join(conds, " AND "), true
		case NeighbourDoubled:
			copySel, ok := freshKeyCopy(src, t)
			if !ok {
				continue
			}
			body, changed = "SELECT * FROM "+src+" UNION ALL SELECT "+copySel+" FROM "+src+" AS r", true
		case NeighbourShifted, NeighbourBoundary:
			sel, any := shiftedColumns(t, keys, k, literals)
			if !any {
				continue
			}
			body, changed = "SELECT "+sel+" FROM "+src+" AS r", true
		}
		out = append(out, cte{name: t.Name, body: body})
		defined[t.Name] = true
	}
	if !changed {
		return nil
	}
	return out
}

// cte is one common table expression.
type cte struct{ name, body string }

// fkHolds is the condition that row alias's foreign key fk points at a row the neighbour keeps (or
// is NULL, which points nowhere).
func fkHolds(alias string, fk ForeignKey) string {
	cols := make([]string, len(fk.Columns))
	nulls := make([]string, len(fk.Columns))
	for i, c := range fk.Columns {
		cols[i] = alias + "." + pgx.Identifier{c}.Sanitize()
		nulls[i] = cols[i] + " IS NULL"
	}
	return fmt.Sprintf("(%s OR (%s) IN (SELECT %s FROM %s))", strings.Join(nulls, " OR "), strings.Join(cols, ", "),
		identList(fk.RefColumns), pgx.Identifier{fk.RefTable}.Sanitize())
}

// keyColumns are the columns of t's primary key and foreign keys: their values are never changed,
// so joins keep matching.
func keyColumns(t TableDef) map[string]bool {
	keys := map[string]bool{}
	for _, c := range t.PrimaryKey {
		keys[c] = true
	}
	for _, fk := range t.ForeignKeys {
		for _, c := range fk.Columns {
			keys[c] = true
		}
	}
	return keys
}

// shiftedColumns is the select list of a shifted or boundary neighbour of t, and whether any column
// changes; key columns keep their values.
func shiftedColumns(t TableDef, keys map[string]bool, k NeighbourKind, literals []literal) (string, bool) {
	sel := make([]string, len(t.Columns))
	changed := false
	for i, c := range t.Columns {
		id := "r." + pgx.Identifier{c.Name}.Sanitize()
		sel[i] = id
		if keys[c.Name] {
			continue
		}
		var expr string
		switch k {
		case NeighbourShifted:
			switch c.Type {
			case TypeInteger:
				expr = id + " + 1"
			case TypeNumeric, TypeFloat:
				expr = id + " * 1.5"
			case TypeDate:
				expr = id + " + 1"
			case TypeTimestamp:
				expr = id + " + interval '1 day'"
			}
		case NeighbourBoundary:
			for _, l := range literals {
				if l.column == strings.ToLower(c.Name) {
					// Half the rows (another half than the subsets') take the literal's value.
					expr = fmt.Sprintf("CASE WHEN substr(md5(r::text), 2, 1) < '8' THEN CAST(%s AS %s) ELSE %s END", l.value, c.Type, id)
					break
				}
			}
		}
		if expr != "" {
			sel[i], changed = expr+" AS "+pgx.Identifier{c.Name}.Sanitize(), true
		}
	}
	return strings.Join(sel, ", "), changed
}

// parentsFirst orders tables so that a table referenced by another's foreign key comes before it
// (cycles are broken in declaration order).
func parentsFirst(tables []TableDef) []TableDef {
	byName := map[string]TableDef{}
	for _, t := range tables {
		byName[t.Name] = t
	}
	var out []TableDef
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(t TableDef)
	visit = func(t TableDef) {
		if state[t.Name] != 0 {
			return
		}
		state[t.Name] = 1
		for _, fk := range t.ForeignKeys {
			if p, ok := byName[fk.RefTable]; ok && fk.RefTable != t.Name {
				visit(p)
			}
		}
		state[t.Name] = 2
		out = append(out, t)
	}
	for _, t := range tables {
		visit(t)
	}
	return out
}

// neighbourQuery is a query read once, to run against each neighbour's tables.
type neighbourQuery struct {
	text    string
	own     map[string]bool // the names of the query's own CTEs, lower case
	hasWith bool            // the query has a WITH list of its own
}

func readNeighbourQuery(query string) (neighbourQuery, error) {
	tree, err := pg_query.Parse(query)
	if err != nil {
		return neighbourQuery{}, err
	}
	if len(tree.Stmts) != 1 || tree.Stmts[0].GetStmt().GetSelectStmt() == nil {
		return neighbourQuery{}, fmt.Errorf("not one SELECT")
	}
	w := tree.Stmts[0].GetStmt().GetSelectStmt().GetWithClause()
	q := neighbourQuery{text: strings.TrimSpace(query), own: map[string]bool{}, hasWith: w != nil}
	for _, c := range w.GetCtes() {
		q.own[strings.ToLower(c.GetCommonTableExpr().GetCtename())] = true
	}
	return q, nil
}

// with puts ctes in front of the query's own WITH list (a CTE of the query's that has a table's name
// already shadows it: that table's neighbour CTE is left out). A query without a WITH list of its
// own is prefixed as it is written; the two lists of one with a WITH list are merged in its parse
// tree, which is deparsed.
func (q neighbourQuery) with(ctes []cte) (string, error) {
	var parts []string
	for _, c := range ctes {
		if !q.own[strings.ToLower(c.name)] {
			parts = append(parts, pgx.Identifier{c.name}.Sanitize()+" AS ("+c.body+")")
		}
	}
	switch {
	case len(parts) == 0:
		return q.text, nil
	case !q.hasWith:
		return "WITH " + strings.Join(parts, ", ") + "\n" + q.text, nil
	}
	tree, err := pg_query.Parse(q.text)
	if err != nil {
		return "", err
	}
	sel := tree.Stmts[0].GetStmt().GetSelectStmt()
	wrapper, err := pg_query.Parse("WITH " + strings.Join(parts, ", ") + " SELECT 1")
	if err != nil {
		return "", fmt.Errorf("neighbour tables: %w", err)
	}
	added := wrapper.Stmts[0].GetStmt().GetSelectStmt().GetWithClause()
	w := sel.GetWithClause()
	added.Recursive = w.GetRecursive()
	added.Ctes = append(added.Ctes, w.GetCtes()...)
	sel.WithClause = added
	return pg_query.Deparse(tree)
}

// freshKeyCopy is the select list that copies a row of table src (t) under a new primary key, or as
// it is when t has none. Only key columns that are no foreign key change (integers move past the
// column's largest magnitude, text gets a suffix), which keeps the key unique and every foreign key
// pointing where it did; false when no key column can change.
func freshKeyCopy(src string, t TableDef) (string, bool) {
	fk := map[string]bool{}
	for _, f := range t.ForeignKeys {
		for _, c := range f.Columns {
			fk[c] = true
		}
	}
	pk := map[string]bool{}
	for _, c := range t.PrimaryKey {
		pk[c] = true
	}
	sel := make([]string, len(t.Columns))
	fresh := len(t.PrimaryKey) == 0
	for i, c := range t.Columns {
		id := "r." + pgx.Identifier{c.Name}.Sanitize()
		sel[i] = id
		if !pk[c.Name] || fk[c.Name] {
			continue
		}
		switch c.Type {
		case TypeInteger, TypeNumeric, TypeFloat:
			sel[i] = fmt.Sprintf("%s + (SELECT max(abs(%s)) FROM %s) + 1", id, pgx.Identifier{c.Name}.Sanitize(), src)
			fresh = true
		case TypeText:
			sel[i] = id + " || '~'"
			fresh = true
		}
	}
	return strings.Join(sel, ", "), fresh
}
