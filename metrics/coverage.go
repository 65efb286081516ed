package metrics

import (
	"slices"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Schema is one database's tables and columns, named as PostgreSQL stores them: an unquoted
// CREATE TABLE Singer stores singer (Goldset's loader creates lower-case names), a quoted
// "Singer" keeps its case.
type Schema struct {
	Database string  `json:"database"`
	Tables   []Table `json:"tables"`
}

// Table is one table of a Schema.
type Table struct {
	Name    string   `json:"name"`
	Columns []string `json:"columns"`
}

// Catalog is a Schema indexed for resolving queries against it. It is immutable and safe for
// concurrent use; build it once per schema with NewCatalog.
type Catalog struct {
	schema  Schema
	tables  map[string]int32   // table name → index in schema.Tables
	columns []map[string]int32 // per table: column name → index in its Columns
	base    []int32            // per table: the global index of its first column
	owner   []int32            // per global column index: its table
}

// NewCatalog indexes s. A table or column listed twice is kept once.
func NewCatalog(s Schema) *Catalog {
	c := &Catalog{schema: Schema{Database: s.Database}, tables: make(map[string]int32, len(s.Tables))}
	for _, t := range s.Tables {
		if _, dup := c.tables[t.Name]; dup {
			continue
		}
		ti := int32(len(c.schema.Tables))
		kept := Table{Name: t.Name}
		cols := make(map[string]int32, len(t.Columns))
		for _, name := range t.Columns {
			if _, dup := cols[name]; !dup {
				cols[name] = int32(len(kept.Columns))
				kept.Columns = append(kept.Columns, name)
			}
		}
		c.tables[t.Name] = ti
		c.schema.Tables = append(c.schema.Tables, kept)
		c.columns = append(c.columns, cols)
		c.base = append(c.base, int32(len(c.owner)))
		for range kept.Columns {
			c.owner = append(c.owner, ti)
		}
	}
	return c
}

// Column names one column of a table.
type Column struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

// String is "table.column".
func (c Column) String() string { return c.Table + "." + c.Column }

// Usage is what one query reads from a catalog.
type Usage struct {
	Tables  []string `json:"tables"`  // sorted, distinct
	Columns []Column `json:"columns"` // sorted by table then column, distinct
	// Unresolved lists the names the query uses that the catalog cannot explain: unknown tables,
	// unknown or ambiguous columns (and SQLite's "double-quoted" strings, which PostgreSQL reads
	// as names). They are not counted.
	Unresolved []string `json:"unresolved,omitempty"`
}

// Usage resolves every table and column reference of the query against c, as PostgreSQL would:
//
//   - tables in FROM (and JOIN) are used even when no column of theirs is named;
//   - aliases, CTEs and subqueries (in FROM, WHERE, SELECT, HAVING, …, correlated or not, LATERAL
//     or not) are resolved in their scopes; a CTE's name hides a table's, and a column of a
//     subquery or CTE is already accounted for by the subquery's own SELECT list;
//   - an unqualified column belongs to the one relation in the innermost scope that has it, else
//     to an outer query's; one that several relations of a scope have is ambiguous (PostgreSQL
//     refuses it) — except a JOIN … USING or NATURAL JOIN column, which is both tables' column;
//   - * and t.* use every column of the tables they expand over;
//   - names in ORDER BY or GROUP BY that are output aliases are not columns;
//   - identifiers are compared as PostgreSQL compares them after folding: the parser has
//     lower-cased the unquoted ones, quoted ones keep their case, and a table's schema
//     qualifier is ignored (a catalog is one schema).
func (q *Query) Usage(c *Catalog) Usage {
	r := resolver{cat: c}
	r.selectStmt(q.stmt, nil, nil)
	return r.usage()
}

// resolver collects the catalog tables and columns (global column indexes) a query uses.
type resolver struct {
	cat        *Catalog
	tables     []int32
	columns    []int32
	unresolved []string
}

// relation is one entry of a FROM list as a query refers to it.
type relation struct {
	name    string     // its alias, or the table's name
	table   int32      // the catalog table, or -1 for a subquery, CTE, function, join or unknown table
	cols    []string   // a derived relation's column names; nil when they cannot be known
	members []relation // an aliased join's relations, whose names the alias hides
}

// unknown reports a relation whose columns cannot be known (a function without a column list,
// a table missing from the catalog).
func (rel relation) unknown() bool {
	return rel.table < 0 && rel.cols == nil && rel.members == nil
}

// mergedColumn is a JOIN … USING (or NATURAL) column: one name for a column of both sides.
type mergedColumn struct {
	name    string
	columns []int32
}

// scope is the FROM list of one SELECT, inside the scopes of the queries around it.
type scope struct {
	parent  *scope
	rels    []relation
	merged  []mergedColumn
	aliases []string // output names of the SELECT list, which ORDER BY and GROUP BY may use
}

// cte is a WITH query visible by name to a query and its subqueries.
type cte struct {
	parent *cte
	name   string
	cols   []string
}

func (l *cte) find(name string) *cte {
	for ; l != nil; l = l.parent {
		if l.name == name {
			return l
		}
	}
	return nil
}

// selectStmt resolves s inside the scope outer and returns its output column names.
func (r *resolver) selectStmt(s *pg_query.SelectStmt, outer *scope, ctes *cte) []string {
	if s == nil {
		return nil
	}
	if w := s.WithClause; w != nil {
		for _, n := range w.Ctes {
			c := n.GetCommonTableExpr()
			if c == nil {
				continue
			}
			def := &cte{parent: ctes, name: c.Ctename, cols: names(c.Aliascolnames)}
			if w.Recursive {
				ctes = def // a recursive WITH's queries see themselves
			}
			sel := c.Ctequery.GetSelectStmt()
			if w.Recursive && def.cols == nil && sel != nil && isSetOp(sel) {
				// The columns are the non-recursive term's, known before the recursive term
				// refers to them.
				def.cols = r.selectStmt(sel.Larg, outer, def.parent)
				r.selectStmt(sel.Rarg, outer, ctes)
			} else if out := r.selectStmt(sel, outer, ctes); def.cols == nil {
				def.cols = out
			}
			ctes = def
		}
	}
	if isSetOp(s) {
		out := r.selectStmt(s.Larg, outer, ctes)
		r.selectStmt(s.Rarg, outer, ctes)
		// The operation's ORDER BY can name only its output columns.
		sc := &scope{parent: outer, aliases: out}
		for _, n := range s.SortClause {
			r.expr(n, sc, ctes)
		}
		r.expr(s.LimitCount, sc, ctes)
		r.expr(s.LimitOffset, sc, ctes)
		return out
	}
	if len(s.ValuesLists) > 0 {
		sc := &scope{parent: outer}
		var out []string
		for i, row := range s.ValuesLists {
			items := row.GetList().GetItems()
			for j, item := range items {
				r.expr(item, sc, ctes)
				if i == 0 {
					out = append(out, "column"+strconv.Itoa(j+1))
				}
			}
		}
		return out
	}

	sc := &scope{parent: outer}
	for _, item := range s.FromClause {
		r.fromItem(item, sc, ctes)
	}
	out := r.outputs(s.TargetList, sc)
	for _, t := range s.TargetList {
		r.expr(t, sc, ctes)
	}
	r.expr(s.WhereClause, sc, ctes)
	r.expr(s.HavingClause, sc, ctes)
	for _, w := range s.WindowClause {
		if def := w.GetWindowDef(); def != nil {
			r.exprs(def.PartitionClause, sc, ctes)
			r.exprs(def.OrderClause, sc, ctes)
		}
	}
	r.exprs(s.DistinctClause, sc, ctes)
	// ORDER BY and GROUP BY may name output columns (SELECT count(*) AS n … ORDER BY n).
	sc.aliases = out
	r.exprs(s.GroupClause, sc, ctes)
	r.exprs(s.SortClause, sc, ctes)
	r.expr(s.LimitCount, sc, ctes)
	r.expr(s.LimitOffset, sc, ctes)
	return out
}

// fromItem adds the relations of one FROM item to sc.
func (r *resolver) fromItem(n *pg_query.Node, sc *scope, ctes *cte) {
	switch x := n.GetNode().(type) {
	case *pg_query.Node_RangeVar:
		sc.rels = append(sc.rels, r.rangeVar(x.RangeVar, ctes))
	case *pg_query.Node_RangeSubselect:
		// A subquery in FROM sees the queries around this one, and with LATERAL also the FROM
		// items before it.
		parent := sc.parent
		if x.RangeSubselect.Lateral {
			parent = &scope{parent: sc.parent, rels: slices.Clone(sc.rels), merged: sc.merged}
		}
		out := r.selectStmt(x.RangeSubselect.Subquery.GetSelectStmt(), parent, ctes)
		sc.rels = append(sc.rels, derived(x.RangeSubselect.Alias, out))
	case *pg_query.Node_RangeFunction:
		f := x.RangeFunction
		for _, item := range f.Functions {
			for _, e := range item.GetList().GetItems() {
				r.expr(e, sc, ctes) // functions in FROM are implicitly LATERAL
			}
		}
		var cols []string
		if f.Alias != nil && len(f.Alias.Colnames) > 0 {
			cols = names(f.Alias.Colnames)
		} else if len(f.Coldeflist) > 0 {
			for _, d := range f.Coldeflist {
				cols = append(cols, d.GetColumnDef().GetColname())
			}
		}
		name := ""
		if f.Alias != nil {
			name = f.Alias.Aliasname
		}
		sc.rels = append(sc.rels, relation{name: name, table: -1, cols: cols})
	case *pg_query.Node_RangeTableSample:
		r.fromItem(x.RangeTableSample.Relation, sc, ctes)
		r.exprs(x.RangeTableSample.Args, sc, ctes)
	case *pg_query.Node_JoinExpr:
		r.join(x.JoinExpr, sc, ctes)
	default:
		// XMLTABLE and the like: columns unknown.
		sc.rels = append(sc.rels, relation{table: -1})
	}
}

func (r *resolver) rangeVar(v *pg_query.RangeVar, ctes *cte) relation {
	name := v.Relname
	if v.Alias != nil {
		name = v.Alias.Aliasname
	}
	if v.Schemaname == "" {
		if c := ctes.find(v.Relname); c != nil {
			return renamed(relation{name: name, table: -1, cols: c.cols}, v.Alias)
		}
	}
	t, ok := r.cat.tables[v.Relname]
	if !ok {
		r.unresolved = append(r.unresolved, qualified(v.Schemaname, v.Relname))
		return relation{name: name, table: -1}
	}
	r.tables = append(r.tables, t)
	rel := relation{name: name, table: t}
	if v.Alias != nil && len(v.Alias.Colnames) > 0 {
		// FROM t AS x(a, b): the first columns are known by new names; still t's columns.
		rel = renamed(relation{name: name, table: -1, cols: r.cat.schema.Tables[t].Columns}, v.Alias)
		for i := range min(len(v.Alias.Colnames), len(r.cat.schema.Tables[t].Columns)) {
			r.columns = append(r.columns, r.cat.base[t]+int32(i))
		}
	}
	return rel
}

func derived(alias *pg_query.Alias, cols []string) relation {
	rel := relation{table: -1, cols: cols}
	if alias != nil {
		rel.name = alias.Aliasname
	}
	return renamed(rel, alias)
}

// renamed applies an alias's column list (AS x(a, b)) to a derived relation.
func renamed(rel relation, alias *pg_query.Alias) relation {
	if alias == nil || len(alias.Colnames) == 0 {
		return rel
	}
	cols := slices.Clone(rel.cols)
	for i, n := range alias.Colnames {
		if i < len(cols) {
			cols[i] = strVal(n)
		} else {
			cols = append(cols, strVal(n))
		}
	}
	rel.cols = cols
	return rel
}

// join adds both sides of a join to sc, resolves USING / NATURAL columns on each side, then ON.
func (r *resolver) join(j *pg_query.JoinExpr, sc *scope, ctes *cte) {
	before := len(sc.rels)
	r.fromItem(j.Larg, sc, ctes)
	mid := len(sc.rels)
	r.fromItem(j.Rarg, sc, ctes)
	left, right := sc.rels[before:mid], sc.rels[mid:]

	using := names(j.UsingClause)
	if j.IsNatural {
		using = commonColumns(r.cat, left, right)
	}
	for _, name := range using {
		m := mergedColumn{name: name}
		for _, side := range [][]relation{left, right} {
			found, unknown := false, false
			for _, rel := range side {
				if id, ok := r.relColumn(rel, name); ok {
					found = true
					if id >= 0 {
						m.columns = append(m.columns, id)
					}
				} else if rel.unknown() {
					unknown = true
				}
			}
			if !found && !unknown {
				r.unresolved = append(r.unresolved, name)
			}
		}
		r.columns = append(r.columns, m.columns...)
		sc.merged = append(sc.merged, m)
	}
	r.expr(j.Quals, sc, ctes)
	if j.Alias != nil {
		// (a JOIN b) AS j: the join's columns are a's and b's, reachable only through j.
		members := slices.Clone(sc.rels[before:])
		sc.rels = append(sc.rels[:before], relation{name: j.Alias.Aliasname, table: -1, members: members})
	}
}

// commonColumns lists the column names both sides of a NATURAL JOIN have, in the left side's order.
func commonColumns(cat *Catalog, left, right []relation) []string {
	var out []string
	for _, l := range left {
		for _, name := range relColumns(cat, l) {
			for _, rr := range right {
				if slices.Contains(relColumns(cat, rr), name) && !slices.Contains(out, name) {
					out = append(out, name)
				}
			}
		}
	}
	return out
}

func relColumns(cat *Catalog, rel relation) []string {
	if rel.table >= 0 {
		return cat.schema.Tables[rel.table].Columns
	}
	if rel.members != nil {
		var out []string
		for _, m := range rel.members {
			out = append(out, relColumns(cat, m)...)
		}
		return out
	}
	return rel.cols
}

// relColumn looks a column name up in one relation: its global index, or -1 for a derived
// relation's column.
func (r *resolver) relColumn(rel relation, name string) (int32, bool) {
	if rel.table >= 0 {
		if j, ok := r.cat.columns[rel.table][name]; ok {
			return r.cat.base[rel.table] + j, true
		}
		if systemColumns[name] {
			return -1, true // every table has them; they are not part of the schema
		}
		return 0, false
	}
	for _, m := range rel.members {
		if id, ok := r.relColumn(m, name); ok {
			return id, true
		}
	}
	if slices.Contains(rel.cols, name) {
		return -1, true
	}
	return 0, false
}

// systemColumns are PostgreSQL's hidden columns of every table (the SQLite translation orders
// ties by ctid).
var systemColumns = map[string]bool{"ctid": true, "xmin": true, "xmax": true, "cmin": true, "cmax": true, "tableoid": true}

// outputs names the columns a SELECT list produces, as PostgreSQL names them.
func (r *resolver) outputs(targets []*pg_query.Node, sc *scope) []string {
	var out []string
	for _, t := range targets {
		rt := t.GetResTarget()
		if rt == nil {
			continue
		}
		if rt.Name != "" {
			out = append(out, rt.Name)
			continue
		}
		switch v := rt.Val.GetNode().(type) {
		case *pg_query.Node_ColumnRef:
			f := v.ColumnRef.Fields
			if len(f) == 0 {
				continue
			}
			if f[len(f)-1].GetAStar() != nil {
				qual := ""
				if len(f) >= 2 {
					qual = strVal(f[len(f)-2])
				}
				for _, rel := range sc.rels {
					if qual == "" || rel.name == qual {
						out = append(out, relColumns(r.cat, rel)...)
					}
				}
				continue
			}
			out = append(out, strVal(f[len(f)-1]))
		case *pg_query.Node_FuncCall:
			out = append(out, funcName(v.FuncCall))
		case *pg_query.Node_TypeCast:
			if c := v.TypeCast.Arg.GetColumnRef(); c != nil && len(c.Fields) > 0 {
				out = append(out, strVal(c.Fields[len(c.Fields)-1]))
			} else {
				out = append(out, "?column?")
			}
		default:
			out = append(out, "?column?")
		}
	}
	return out
}

func (r *resolver) exprs(nodes []*pg_query.Node, sc *scope, ctes *cte) {
	for _, n := range nodes {
		r.expr(n, sc, ctes)
	}
}

// expr resolves the column references of an expression and the subqueries inside it.
func (r *resolver) expr(n *pg_query.Node, sc *scope, ctes *cte) {
	switch x := n.GetNode().(type) {
	case nil:
		return
	case *pg_query.Node_ColumnRef:
		r.columnRef(x.ColumnRef, sc)
		return
	case *pg_query.Node_SubLink:
		r.expr(x.SubLink.Testexpr, sc, ctes)
		r.selectStmt(x.SubLink.Subselect.GetSelectStmt(), sc, ctes)
		return
	case *pg_query.Node_SelectStmt:
		r.selectStmt(x.SelectStmt, sc, ctes)
		return
	}
	eachChild(n, func(c *pg_query.Node) { r.expr(c, sc, ctes) })
}

func (r *resolver) columnRef(c *pg_query.ColumnRef, sc *scope) {
	f := c.Fields
	if len(f) == 0 {
		return
	}
	star := f[len(f)-1].GetAStar() != nil
	if len(f) == 1 {
		if star {
			for _, rel := range sc.rels {
				r.useAll(rel)
			}
			return
		}
		r.unqualified(strVal(f[0]), sc)
		return
	}
	// t.col, schema.t.col, db.schema.t.col: the relation is the next-to-last name.
	qual, col := strVal(f[len(f)-2]), strVal(f[len(f)-1])
	for s := sc; s != nil; s = s.parent {
		for _, rel := range s.rels {
			if rel.name != qual {
				continue
			}
			if star {
				r.useAll(rel)
				return
			}
			if id, ok := r.relColumn(rel, col); ok {
				if id >= 0 {
					r.columns = append(r.columns, id)
				}
			} else if !rel.unknown() {
				r.unresolved = append(r.unresolved, qual+"."+col)
			}
			return
		}
	}
	r.unresolved = append(r.unresolved, qual+"."+col)
}

// unqualified resolves a bare column name: USING columns first, then the one relation of the
// innermost scope that has it, then outer scopes, then the SELECT list's output names.
func (r *resolver) unqualified(name string, sc *scope) {
	for s := sc; s != nil; s = s.parent {
		for _, m := range s.merged {
			if m.name == name {
				r.columns = append(r.columns, m.columns...)
				return
			}
		}
		found, id, unknown := 0, int32(-1), false
		for _, rel := range s.rels {
			if i, ok := r.relColumn(rel, name); ok {
				found++
				id = i
			} else if rel.unknown() {
				unknown = true
			}
		}
		switch {
		case found == 1:
			if id >= 0 {
				r.columns = append(r.columns, id)
			}
			return
		case found > 1:
			r.unresolved = append(r.unresolved, name+" (ambiguous)")
			return
		case unknown:
			return // a relation whose columns cannot be known may well have it
		}
	}
	if slices.Contains(sc.aliases, name) {
		return
	}
	r.unresolved = append(r.unresolved, name)
}

// useAll marks every column of a catalog table as used (derived relations' columns are their
// subquery's).
func (r *resolver) useAll(rel relation) {
	for _, m := range rel.members {
		r.useAll(m)
	}
	if rel.table < 0 {
		return
	}
	for j := range r.cat.schema.Tables[rel.table].Columns {
		r.columns = append(r.columns, r.cat.base[rel.table]+int32(j))
	}
}

func (r *resolver) usage() Usage {
	slices.Sort(r.tables)
	r.tables = slices.Compact(r.tables)
	slices.Sort(r.columns)
	r.columns = slices.Compact(r.columns)
	u := Usage{Tables: make([]string, 0, len(r.tables)), Columns: make([]Column, 0, len(r.columns))}
	for _, t := range r.tables {
		u.Tables = append(u.Tables, r.cat.schema.Tables[t].Name)
	}
	for _, id := range r.columns {
		t, j := r.cat.locate(id)
		u.Columns = append(u.Columns, Column{Table: r.cat.schema.Tables[t].Name, Column: r.cat.schema.Tables[t].Columns[j]})
	}
	slices.Sort(u.Tables)
	slices.SortFunc(u.Columns, func(a, b Column) int {
		if c := strings.Compare(a.Table, b.Table); c != 0 {
			return c
		}
		return strings.Compare(a.Column, b.Column)
	})
	u.Columns = slices.Compact(u.Columns)
	if len(r.unresolved) > 0 {
		slices.Sort(r.unresolved)
		u.Unresolved = slices.Compact(r.unresolved)
	}
	return u
}

// locate turns a global column index into (table, column) indexes.
func (c *Catalog) locate(id int32) (int32, int32) {
	t := c.owner[id]
	return t, id - c.base[t]
}

func names(nodes []*pg_query.Node) []string {
	if len(nodes) == 0 {
		return nil
	}
	out := make([]string, len(nodes))
	for i, n := range nodes {
		out[i] = strVal(n)
	}
	return out
}

func qualified(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}

// Coverage is how much of one schema a set of queries uses.
type Coverage struct {
	Database      string   `json:"database,omitempty"`
	Queries       int      `json:"queries"` // queries resolved against this schema
	TablesUsed    int      `json:"tables_used"`
	TablesTotal   int      `json:"tables_total"`
	TableShare    float64  `json:"table_share"` // used / total; 0 for a schema without tables
	ColumnsUsed   int      `json:"columns_used"`
	ColumnsTotal  int      `json:"columns_total"`
	ColumnShare   float64  `json:"column_share"`
	UnusedTables  []string `json:"unused_tables"`  // in schema order
	UnusedColumns []string `json:"unused_columns"` // "table.column", in schema order
	// Tables is every table of the schema, in schema order, with how many queries use it (a heat
	// map's row).
	Tables []TableUse `json:"tables"`
}

// TableUse is how many queries of a set use a table.
type TableUse struct {
	Table   string `json:"table"`
	Queries int    `json:"queries"`
}

// MeasureCoverage resolves queries against c and reports the distinct tables and columns they
// use. Nil queries (SQL that did not parse) are skipped.
func MeasureCoverage(c *Catalog, queries []*Query) Coverage {
	k := newCoverageCounter(c)
	for _, q := range queries {
		if q != nil {
			k.add(q)
		}
	}
	return k.coverage()
}

// coverageCounter accumulates the tables and columns a stream of queries uses.
type coverageCounter struct {
	cat     *Catalog
	queries int
	tables  []int // queries using each table
	columns []bool
	r       resolver // reused: its slices keep their capacity between queries
}

func newCoverageCounter(c *Catalog) *coverageCounter {
	return &coverageCounter{cat: c, tables: make([]int, len(c.schema.Tables)), columns: make([]bool, len(c.owner))}
}

func (k *coverageCounter) add(q *Query) {
	k.r = resolver{cat: k.cat, tables: k.r.tables[:0], columns: k.r.columns[:0], unresolved: k.r.unresolved[:0]}
	k.r.selectStmt(q.stmt, nil, nil)
	// A table a query reads twice (a self-join) counts once for it.
	for i, t := range k.r.tables {
		if !slices.Contains(k.r.tables[:i], t) {
			k.tables[t]++
		}
	}
	for _, id := range k.r.columns {
		k.columns[id] = true
	}
	k.queries++
}

func (k *coverageCounter) coverage() Coverage {
	cov := Coverage{
		Database: k.cat.schema.Database, Queries: k.queries,
		TablesTotal: len(k.tables), ColumnsTotal: len(k.columns),
		UnusedTables: []string{}, UnusedColumns: []string{}, Tables: make([]TableUse, len(k.tables)),
	}
	for t, n := range k.tables {
		cov.Tables[t] = TableUse{Table: k.cat.schema.Tables[t].Name, Queries: n}
		if n > 0 {
			cov.TablesUsed++
		} else {
			cov.UnusedTables = append(cov.UnusedTables, k.cat.schema.Tables[t].Name)
		}
	}
	for id, used := range k.columns {
		if used {
			cov.ColumnsUsed++
		} else {
			t, j := k.cat.locate(int32(id))
			cov.UnusedColumns = append(cov.UnusedColumns, Column{k.cat.schema.Tables[t].Name, k.cat.schema.Tables[t].Columns[j]}.String())
		}
	}
	cov.TableShare = share(cov.TablesUsed, cov.TablesTotal)
	cov.ColumnShare = share(cov.ColumnsUsed, cov.ColumnsTotal)
	return cov
}

func share(part, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(part) / float64(total)
}
