package agent

import (
	"context"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	pg_query "github.com/pganalyze/pg_query_go/v5"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/goldset/goldset/metrics"
	"github.com/goldset/goldset/sqlexec"
)

// Warning is one finding of the rules checker, stored with an answer.
type Warning struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// The rules of CheckRules (after Turing's human-in-the-loop Text2SQL study: generalizable, efficient SQL).
const (
	RuleSelectStar           = "select_star"
	RuleLiteralNotGrounded   = "literal_not_grounded"
	RuleJoinWithoutCondition = "join_without_condition"
	RuleLimitWithoutOrder    = "limit_without_order"
	RuleUnusedTable          = "unused_table"
	RuleNeedlessAlias        = "needless_alias"
)

// maxRuleQueries bounds the queries one CheckRules call may run (column lookups and data checks).
const maxRuleQueries = 24

// CheckRules parses sql with PostgreSQL's parser and reports what makes a query fragile or
// wasteful: SELECT *, literals that appear neither in the question nor in the data, joins without
// a condition, LIMIT without ORDER BY, tables in FROM that nothing uses, and needless aliases.
//
// exec runs a read-only query against the same database (it may be nil: literals are then checked
// against the question only). CheckRules uses it, at most maxRuleQueries times, to learn the
// columns of the tables the query reads (SELECT * ... LIMIT 0) and to look literals up in the
// data. When a check cannot decide, it stays silent: a warning costs the agent a turn.
//
// SQL that does not parse as one query yields no warnings; executing it reports the error.
func CheckRules(ctx context.Context, sql, question string, exec func(ctx context.Context, sql string) *sqlexec.Result) []Warning {
	tree, err := pg_query.Parse(sql)
	if err != nil || len(tree.GetStmts()) != 1 || tree.GetStmts()[0].GetStmt().GetSelectStmt() == nil {
		return nil
	}
	c := &checker{
		ctx: ctx, exec: exec, question: question, budget: maxRuleQueries,
		root:    tree.GetStmts()[0].GetStmt().ProtoReflect(),
		scopes:  map[*pg_query.SelectStmt]*scope{},
		columns: map[string]map[string]bool{},
	}
	c.collect()
	c.selectStar()
	c.joins()
	c.limits()
	c.unusedTables()
	c.aliases()
	c.literals()
	return c.warnings
}

type checker struct {
	ctx      context.Context
	exec     func(ctx context.Context, sql string) *sqlexec.Result
	question string
	budget   int
	root     protoreflect.Message

	scopes   map[*pg_query.SelectStmt]*scope
	order    []*scope // document order
	ctes     map[string]bool
	relCount map[string]int // RangeVars per table name, in the whole statement
	columns  map[string]map[string]bool
	warnings []Warning
	seen     map[Warning]bool
}

// scope is one SELECT and the tables its FROM brings in.
type scope struct {
	sel     *pg_query.SelectStmt
	items   []*fromItem
	entries int  // top-level FROM entries (comma-separated)
	exists  bool // the subquery of an EXISTS: its target list and LIMIT do not matter
}

// fromItem is a relation of a FROM clause.
type fromItem struct {
	rel        string // table name for a table or CTE; "" for a subquery or function
	ref        string // what columns are qualified with: the alias, else the table name
	alias      string
	entry      int  // which top-level FROM entry it belongs to
	table      bool // a table of the database (not a CTE, subquery or function)
	cols       map[string]bool
	used       bool // some column reference resolves to it
	correlated bool // referenced from a nested SELECT
}

func (c *checker) warn(rule, format string, args ...any) {
	w := Warning{Rule: rule, Message: fmt.Sprintf(format, args...)}
	if c.seen == nil {
		c.seen = map[Warning]bool{}
	}
	if !c.seen[w] {
		c.seen[w] = true
		c.warnings = append(c.warnings, w)
	}
}

// query runs sql through exec within the budget; nil when it could not run.
func (c *checker) query(sql string) *sqlexec.Result {
	if c.exec == nil || c.budget <= 0 || c.ctx.Err() != nil {
		return nil
	}
	c.budget--
	return c.exec(c.ctx, sql)
}

// collect finds the CTE names, every SELECT's FROM items and the tables' columns, then resolves
// every column reference to mark what is used.
func (c *checker) collect() {
	c.ctes = map[string]bool{}
	c.relCount = map[string]int{}
	walkAST(c.root, nil, func(m protoreflect.Message, stack []protoreflect.Message) {
		switch n := m.Interface().(type) {
		case *pg_query.CommonTableExpr:
			c.ctes[strings.ToLower(n.GetCtename())] = true
		case *pg_query.RangeVar:
			c.relCount[strings.ToLower(n.GetRelname())]++
		case *pg_query.SelectStmt:
			sc := &scope{sel: n, exists: underExists(stack)}
			for i, e := range n.GetFromClause() {
				c.fromItems(sc, e, i)
			}
			sc.entries = len(n.GetFromClause())
			c.scopes[n] = sc
			c.order = append(c.order, sc)
		}
	})
	for _, sc := range c.order {
		for _, it := range sc.items {
			if it.table {
				it.cols = c.tableColumns(it.rel)
			}
		}
	}
	walkAST(c.root, nil, func(m protoreflect.Message, stack []protoreflect.Message) {
		ref, ok := m.Interface().(*pg_query.ColumnRef)
		if !ok {
			return
		}
		sels := enclosingSelects(stack)
		qual, col, star := colRefParts(ref)
		if star && qual == "" {
			if len(sels) > 0 && c.scopes[sels[0]] != nil {
				for _, it := range c.scopes[sels[0]].items {
					it.used = true
				}
			}
			return
		}
		it, depth, ambiguous := c.resolve(sels, qual, col)
		switch {
		case it != nil:
			it.used = true
			if depth > 0 {
				it.correlated = true
			}
		case ambiguous && len(sels) > 0:
			for _, it := range c.scopes[sels[0]].items {
				if it.cols == nil {
					it.used = true
				}
			}
		}
	})
}

func (c *checker) fromItems(sc *scope, n *pg_query.Node, entry int) {
	switch {
	case n.GetRangeVar() != nil:
		rv := n.GetRangeVar()
		it := &fromItem{rel: strings.ToLower(rv.GetRelname()), entry: entry}
		it.table = !(rv.GetSchemaname() == "" && c.ctes[it.rel])
		it.alias = strings.ToLower(rv.GetAlias().GetAliasname())
		it.ref = it.rel
		if it.alias != "" {
			it.ref = it.alias
		}
		sc.items = append(sc.items, it)
	case n.GetJoinExpr() != nil:
		j := n.GetJoinExpr()
		c.fromItems(sc, j.GetLarg(), entry)
		c.fromItems(sc, j.GetRarg(), entry)
	case n.GetRangeSubselect() != nil:
		a := strings.ToLower(n.GetRangeSubselect().GetAlias().GetAliasname())
		sc.items = append(sc.items, &fromItem{ref: a, alias: a, entry: entry, used: a == ""})
	case n.GetRangeFunction() != nil:
		a := strings.ToLower(n.GetRangeFunction().GetAlias().GetAliasname())
		sc.items = append(sc.items, &fromItem{ref: a, alias: a, entry: entry, used: true})
	}
}

// tableColumns learns a table's column names through exec; nil when unknown.
func (c *checker) tableColumns(rel string) map[string]bool {
	if cols, ok := c.columns[rel]; ok {
		return cols
	}
	var cols map[string]bool
	if r := c.query("SELECT * FROM " + pgx.Identifier{rel}.Sanitize() + " LIMIT 0"); r != nil && r.OK() {
		cols = map[string]bool{}
		for _, col := range r.Columns {
			cols[strings.ToLower(col.Name)] = true
		}
	}
	c.columns[rel] = cols
	return cols
}

// resolve finds the FROM item a column reference belongs to, searching from the innermost SELECT
// outwards; depth is how many SELECTs out it was found. ambiguous means it may belong to an item
// whose columns are unknown.
func (c *checker) resolve(sels []*pg_query.SelectStmt, qual, col string) (it *fromItem, depth int, ambiguous bool) {
	for d, s := range sels {
		sc := c.scopes[s]
		if sc == nil {
			continue
		}
		if qual != "" {
			for _, it := range sc.items {
				if it.ref == qual {
					return it, d, false
				}
			}
			continue
		}
		var hit *fromItem
		unknown := false
		for _, it := range sc.items {
			switch {
			case it.cols == nil:
				unknown = true
			case it.cols[col]:
				if hit != nil {
					return nil, d, true
				}
				hit = it
			}
		}
		if hit != nil {
			return hit, d, false
		}
		if unknown {
			return nil, d, true
		}
	}
	return nil, 0, false
}

// underExists reports whether the innermost message of stack (a SelectStmt being visited) is the
// subquery of an EXISTS.
func underExists(stack []protoreflect.Message) bool {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].Interface().(type) {
		case *pg_query.Node:
			continue
		case *pg_query.SubLink:
			return n.GetSubLinkType() == pg_query.SubLinkType_EXISTS_SUBLINK
		default:
			return false
		}
	}
	return false
}

func (c *checker) selectStar() {
	walkAST(c.root, nil, func(m protoreflect.Message, stack []protoreflect.Message) {
		ref, ok := m.Interface().(*pg_query.ColumnRef)
		if !ok {
			return
		}
		qual, _, star := colRefParts(ref)
		if !star {
			return
		}
		// Only a star that is a whole output column counts, not one inside a function call.
		for i := len(stack) - 1; i >= 0; i-- {
			switch n := stack[i].Interface().(type) {
			case *pg_query.FuncCall:
				return
			case *pg_query.SelectStmt:
				if sc := c.scopes[n]; sc != nil && sc.exists {
					return
				}
				what := "SELECT *"
				if qual != "" {
					what = "SELECT " + qual + ".*"
				}
				c.warn(RuleSelectStar, "%s returns every column, including ones the question does not ask for; list only the columns needed", what)
				return
			}
		}
	})
}

func (c *checker) joins() {
	walkAST(c.root, nil, func(m protoreflect.Message, _ []protoreflect.Message) {
		j, ok := m.Interface().(*pg_query.JoinExpr)
		if !ok || j.GetIsNatural() || len(j.GetUsingClause()) > 0 {
			return
		}
		if rs := j.GetRarg().GetRangeSubselect(); rs != nil && rs.GetLateral() {
			return
		}
		l, r := relNames(j.GetLarg()), relNames(j.GetRarg())
		if j.GetQuals() == nil {
			c.warn(RuleJoinWithoutCondition, "%s is joined to %s without ON or USING (a cross product of every row with every row); join on the key columns", r, l)
			return
		}
		hasCol := false
		walkNode(j.GetQuals(), func(m protoreflect.Message) {
			if _, ok := m.Interface().(*pg_query.ColumnRef); ok {
				hasCol = true
			}
		})
		if !hasCol {
			c.warn(RuleJoinWithoutCondition, "the join of %s to %s has a condition that compares no columns (a cross product); join on the key columns", r, l)
		}
	})
	for _, sc := range c.order {
		if sc.entries < 2 {
			continue
		}
		sets := metrics.NewDisjointSets(sc.entries)
		walkNode(sc.sel.GetWhereClause(), func(m protoreflect.Message) {
			e, ok := m.Interface().(*pg_query.A_Expr)
			if !ok {
				return
			}
			touched := map[int]bool{}
			ambiguous := false
			for _, side := range []*pg_query.Node{e.GetLexpr(), e.GetRexpr()} {
				walkNode(side, func(m protoreflect.Message) {
					ref, ok := m.Interface().(*pg_query.ColumnRef)
					if !ok {
						return
					}
					qual, col, _ := colRefParts(ref)
					it, depth, amb := c.resolve([]*pg_query.SelectStmt{sc.sel}, qual, col)
					switch {
					case it != nil && depth == 0:
						touched[it.entry] = true
					case amb:
						ambiguous = true
					}
				})
			}
			if ambiguous && len(touched) > 0 {
				for i := 1; i < sc.entries; i++ {
					sets.Union(0, i)
				}
				return
			}
			first := -1
			for e := range touched {
				if first < 0 {
					first = e
				} else {
					sets.Union(first, e)
				}
			}
		})
		groups := map[int][]string{}
		for _, it := range sc.items {
			root := sets.Find(it.entry)
			groups[root] = append(groups[root], it.ref)
		}
		if len(groups) < 2 {
			continue
		}
		var parts []string
		for _, g := range groups {
			parts = append(parts, strings.Join(g, ", "))
		}
		sort.Strings(parts)
		c.warn(RuleJoinWithoutCondition, "FROM lists %s separated by commas, but no WHERE condition links %s (a cross product); join them on their key columns",
			strings.Join(refsOf(sc.items), ", "), strings.Join(parts, " with "))
	}
}

func refsOf(items []*fromItem) []string {
	var out []string
	for _, it := range items {
		if it.ref != "" {
			out = append(out, it.ref)
		}
	}
	return out
}

// relNames names the relations under a FROM node, for messages.
func relNames(n *pg_query.Node) string {
	var names []string
	walkNode(n, func(m protoreflect.Message) {
		switch x := m.Interface().(type) {
		case *pg_query.RangeVar:
			names = append(names, x.GetRelname())
		case *pg_query.RangeSubselect:
			if a := x.GetAlias().GetAliasname(); a != "" {
				names = append(names, a)
			}
		}
	})
	if len(names) == 0 {
		return "a subquery"
	}
	return strings.Join(names, ", ")
}

func (c *checker) limits() {
	for _, sc := range c.order {
		lc := sc.sel.GetLimitCount()
		if lc == nil || sc.exists || len(sc.sel.GetSortClause()) > 0 {
			continue
		}
		if k := lc.GetAConst(); k != nil && k.GetIsnull() { // LIMIT ALL
			continue
		}
		c.warn(RuleLimitWithoutOrder, "LIMIT without ORDER BY returns arbitrary rows; add an ORDER BY that says which rows the question wants")
	}
}

func (c *checker) unusedTables() {
	for _, sc := range c.order {
		if len(sc.items) < 2 {
			continue
		}
		for _, it := range sc.items {
			if it.used || it.ref == "" {
				continue
			}
			name := it.rel
			if it.alias != "" && it.alias != it.rel {
				name += " (" + it.alias + ")"
			}
			c.warn(RuleUnusedTable, "table %s is in FROM but none of its columns is used; remove it, or use it in a join condition if it filters rows", name)
		}
	}
}

func (c *checker) aliases() {
	for _, sc := range c.order {
		for _, it := range sc.items {
			if it.alias == "" || it.rel == "" {
				continue
			}
			switch {
			case it.alias == it.rel:
				c.warn(RuleNeedlessAlias, "alias %s is the table's own name; drop it", it.alias)
			case len(sc.items) == 1 && c.relCount[it.rel] == 1 && !it.correlated:
				c.warn(RuleNeedlessAlias, "alias %s for %s is needless in a query over that one table; drop it and use the table's name", it.alias, it.rel)
			}
		}
	}
}

// literalContext is where a constant is compared with a column.
type literalContext struct {
	col  *pg_query.ColumnRef
	sels []*pg_query.SelectStmt
	like string // "LIKE" or "ILIKE" when the constant is a pattern
}

// valueFuncs take values, not formats or precisions: their constant arguments are checked; those of
// every other function (round(x, 2), date_part('year', d), to_char(d, 'YYYY')) are not.
var valueFuncs = map[string]bool{"coalesce": true, "nullif": true, "greatest": true, "least": true}

var arithmetic = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "^": true}

func (c *checker) literals() {
	exempt := map[*pg_query.A_Const]bool{}
	exemptNode := func(n *pg_query.Node) {
		if k := unwrapCast(n).GetAConst(); k != nil {
			exempt[k] = true
		}
	}
	exemptTree := func(n *pg_query.Node) {
		walkNode(n, func(m protoreflect.Message) {
			if k, ok := m.Interface().(*pg_query.A_Const); ok {
				exempt[k] = true
			}
		})
	}
	contexts := map[*pg_query.A_Const]literalContext{}
	walkAST(c.root, nil, func(m protoreflect.Message, stack []protoreflect.Message) {
		switch n := m.Interface().(type) {
		case *pg_query.SelectStmt:
			exemptTree(n.GetLimitCount())
			exemptTree(n.GetLimitOffset())
			for _, s := range n.GetSortClause() {
				exemptNode(s.GetSortBy().GetNode()) // ORDER BY 2
			}
			for _, g := range n.GetGroupClause() {
				exemptNode(g)
			}
		case *pg_query.FuncCall:
			if !valueFuncs[funcName(n)] {
				for _, a := range n.GetArgs() {
					exemptNode(a)
				}
			}
		case *pg_query.TypeCast:
			for _, tn := range n.GetTypeName().GetNames() {
				if strings.EqualFold(tn.GetString_().GetSval(), "interval") {
					exemptNode(n.GetArg())
				}
			}
		case *pg_query.A_Expr:
			op := opName(n)
			if n.GetKind() == pg_query.A_Expr_Kind_AEXPR_OP && arithmetic[op] {
				exemptNode(n.GetLexpr())
				exemptNode(n.GetRexpr())
				return
			}
			like := ""
			switch {
			case n.GetKind() == pg_query.A_Expr_Kind_AEXPR_LIKE || op == "~~" || op == "!~~":
				like = "LIKE"
			case n.GetKind() == pg_query.A_Expr_Kind_AEXPR_ILIKE || op == "~~*" || op == "!~~*":
				like = "ILIKE"
			}
			col, other := unwrapCast(n.GetLexpr()).GetColumnRef(), n.GetRexpr()
			if col == nil {
				col, other = unwrapCast(n.GetRexpr()).GetColumnRef(), n.GetLexpr()
			}
			if col == nil {
				return
			}
			lc := literalContext{col: col, sels: enclosingSelects(stack), like: like}
			if k := unwrapCast(other).GetAConst(); k != nil {
				contexts[k] = lc
			}
			for _, item := range other.GetList().GetItems() { // IN (...), BETWEEN a AND b
				if k := unwrapCast(item).GetAConst(); k != nil {
					contexts[k] = lc
				}
			}
		}
	})
	q := newQuestionTerms(c.question)
	walkAST(c.root, nil, func(m protoreflect.Message, stack []protoreflect.Message) {
		k, ok := m.Interface().(*pg_query.A_Const)
		if !ok || exempt[k] {
			return
		}
		text, number, ok := constText(k)
		if !ok {
			return
		}
		lc, hasCtx := contexts[k]
		if !hasCtx {
			lc.sels = enclosingSelects(stack)
		}
		if number {
			if isZeroOrOne(text) || q.hasNumber(text) {
				return
			}
		} else if text == "" || q.hasText(text, lc.like != "") {
			return
		}
		found, checked, where := c.inData(text, number, lc, hasCtx)
		if found || (!checked && c.exec != nil) {
			return
		}
		if where == "" {
			where = "the data"
		}
		if number {
			c.warn(RuleLiteralNotGrounded, "the number %s appears neither in the question nor in %s; a hard-coded value does not generalize — take values from the question, or compute them in SQL", text, where)
			return
		}
		c.warn(RuleLiteralNotGrounded, "the literal %s appears neither in the question nor in %s; a hard-coded value does not generalize — take values from the question, and check their stored spelling with explore_db find_value", quoteLiteral(text), where)
	})
}

func funcName(f *pg_query.FuncCall) string {
	parts := f.GetFuncname()
	if len(parts) == 0 {
		return ""
	}
	return strings.ToLower(parts[len(parts)-1].GetString_().GetSval())
}

func isZeroOrOne(s string) bool {
	r, ok := new(big.Rat).SetString(s)
	return ok && (r.Sign() == 0 || r.Cmp(big.NewRat(1, 1)) == 0 || r.Cmp(big.NewRat(-1, 1)) == 0)
}

// inData looks a literal up in the data: in the column it is compared with when that resolves to
// a table, else anywhere in the rows of the statement's tables. checked is false when no lookup
// could run; where names what was searched.
func (c *checker) inData(text string, number bool, lc literalContext, hasCtx bool) (found, checked bool, where string) {
	if strings.ContainsRune(text, 0) {
		return false, false, ""
	}
	if hasCtx {
		qual, col, _ := colRefParts(lc.col)
		if it, _, _ := c.resolve(lc.sels, qual, col); it != nil && it.table && it.cols != nil && it.cols[col] {
			colSQL := pgx.Identifier{col}.Sanitize() + "::text"
			var cond string
			switch {
			case lc.like != "":
				cond = colSQL + " " + lc.like + " " + quoteLiteral(text)
			case number:
				// Numbers are often stored as text (SQLite imports): compare by value when the text is a number.
				cond = fmt.Sprintf("%s = %s OR CASE WHEN btrim(%s) ~ '^-?[0-9]+([.][0-9]+)?$' THEN btrim(%s)::numeric = %s ELSE false END",
					colSQL, quoteLiteral(text), colSQL, colSQL, quoteLiteral(text)+"::numeric")
			default:
				cond = colSQL + " = " + quoteLiteral(text)
			}
			r := c.query("SELECT 1 FROM " + pgx.Identifier{it.rel}.Sanitize() + " WHERE " + cond + " LIMIT 1")
			if r == nil || !r.OK() {
				return false, false, ""
			}
			return r.RowCount > 0, true, "column " + it.rel + "." + col
		}
	}
	// Anywhere in the rows of the tables this statement reads.
	var tables []string
	seen := map[string]bool{}
	for _, sc := range c.order {
		for _, it := range sc.items {
			if it.table && !seen[it.rel] && len(tables) < 4 {
				seen[it.rel] = true
				tables = append(tables, it.rel)
			}
		}
	}
	if len(tables) == 0 {
		return false, false, ""
	}
	pattern := quoteLiteral("%" + escapeLike(strings.Trim(text, "%"), '!') + "%")
	if hasCtx && lc.like != "" {
		pattern = quoteLiteral(text)
	}
	checked = true
	for _, t := range tables {
		// The alias names the whole row; an odd one, so no column of the table can shadow it.
		r := c.query("SELECT 1 FROM " + pgx.Identifier{t}.Sanitize() + " AS gs_row__ WHERE gs_row__::text ILIKE " + pattern + " ESCAPE '!' LIMIT 1")
		if r == nil || !r.OK() {
			checked = false
			continue
		}
		if r.RowCount > 0 {
			return true, true, ""
		}
	}
	return false, checked, "the tables " + strings.Join(tables, ", ")
}

// quoteLiteral makes s a PostgreSQL string literal (standard_conforming_strings is on, so only
// quotes need doubling).
func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// escapeLike escapes LIKE's wildcards and the escape character itself in s.
func escapeLike(s string, esc rune) string {
	var b strings.Builder
	for _, r := range s {
		if r == '%' || r == '_' || r == esc {
			b.WriteRune(esc)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// questionTerms is the question prepared for literal lookups.
type questionTerms struct {
	text    string // lower case, single spaces
	numbers []*big.Rat
}

var (
	numberInText = regexp.MustCompile(`-?\d[\d,]*(?:\.\d+)?%?`)
	spaces       = regexp.MustCompile(`\s+`)
)

var numberWords = map[string]int64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
	"thousand": 1000, "million": 1000000, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
	"tenth": 10, "twice": 2, "once": 1, "half": 2, "dozen": 12, "single": 1, "pair": 2,
}

func newQuestionTerms(q string) questionTerms {
	t := questionTerms{text: spaces.ReplaceAllString(strings.ToLower(q), " ")}
	for _, m := range numberInText.FindAllString(q, -1) {
		pct := strings.HasSuffix(m, "%")
		m = strings.ReplaceAll(strings.TrimSuffix(m, "%"), ",", "")
		r, ok := new(big.Rat).SetString(m)
		if !ok {
			continue
		}
		t.numbers = append(t.numbers, r, new(big.Rat).Abs(r))
		if pct {
			t.numbers = append(t.numbers, new(big.Rat).Quo(r, big.NewRat(100, 1)))
		}
	}
	for _, w := range strings.FieldsFunc(t.text, func(r rune) bool { return !(r >= 'a' && r <= 'z') }) {
		if n, ok := numberWords[w]; ok {
			t.numbers = append(t.numbers, big.NewRat(n, 1))
		}
	}
	return t
}

func (t questionTerms) hasNumber(s string) bool {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return strings.Contains(t.text, strings.ToLower(s))
	}
	for _, n := range t.numbers {
		if n.Cmp(r) == 0 {
			return true
		}
	}
	return false
}

// hasText reports whether the question holds s (case-insensitively); for a LIKE pattern, every
// piece between wildcards.
func (t questionTerms) hasText(s string, pattern bool) bool {
	s = spaces.ReplaceAllString(strings.ToLower(s), " ")
	if !pattern {
		return strings.Contains(t.text, s)
	}
	pieces := strings.FieldsFunc(s, func(r rune) bool { return r == '%' || r == '_' })
	if len(pieces) == 0 {
		return true
	}
	for _, p := range pieces {
		if !strings.Contains(t.text, strings.TrimSpace(p)) {
			return false
		}
	}
	return true
}
