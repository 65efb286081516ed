package metrics

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Hardness is a query's difficulty level as Spider (Yu et al., 2018) defines it.
type Hardness string

// Spider's four levels, easiest first.
const (
	Easy   Hardness = "easy"
	Medium Hardness = "medium"
	Hard   Hardness = "hard"
	Extra  Hardness = "extra"
)

// HardnessComponents are the three counts that Spider's eval_hardness combines into a level
// (count_component1, count_component2 and count_others of its evaluation.py).
type HardnessComponents struct {
	// Component1: one each for WHERE, GROUP BY, ORDER BY and LIMIT; one per FROM item beyond the
	// first (a joined table or a subquery in FROM); one per OR and per LIKE in the JOIN … ON,
	// WHERE and HAVING conditions.
	Component1 int `json:"component1"`
	// Component2: one per subquery compared against in a JOIN … ON, WHERE or HAVING condition,
	// plus one for a set operation (UNION, INTERSECT, EXCEPT).
	Component2 int `json:"component2"`
	// Others: one each for more than one "aggregate" (see Query.Hardness), more than one select
	// column, more than one WHERE condition, more than one GROUP BY item.
	Others int `json:"others"`
}

// Level applies Spider's thresholds to the counts.
func (c HardnessComponents) Level() Hardness {
	c1, c2, o := c.Component1, c.Component2, c.Others
	switch {
	case c1 <= 1 && o == 0 && c2 == 0:
		return Easy
	case (o <= 2 && c1 <= 1 && c2 == 0) || (c1 <= 2 && o < 2 && c2 == 0):
		return Medium
	case (o > 2 && c1 <= 2 && c2 == 0) || (2 < c1 && c1 <= 3 && o <= 2 && c2 == 0) || (c1 <= 1 && o == 0 && c2 <= 1):
		return Hard
	default:
		return Extra
	}
}

// Hardness classifies the query with Spider's rules, computed over PostgreSQL's parse tree
// exactly as Spider's evaluation script computes them over its own parse, quirks included:
//
//   - Only the outermost query is counted, and of a set operation only its first (leftmost)
//     query: Spider parses "A UNION B ORDER BY x" as A with B (which owns the ORDER BY) nested.
//     Subqueries count only as their number, never by their content.
//   - A condition is a flat list of comparisons joined by AND and OR; JOIN … ON comparisons are
//     FROM conditions (ORs and LIKEs in them count; they are not WHERE conditions). After a
//     comparison with a column on its right (T1.a = T2.b), Spider's parser skips to the next AND,
//     so an "OR …" there is not counted at all (see condition).
//   - Spider's "aggregate" count (count_agg) adds select columns that aggregate, ORDER BY
//     aggregates and GROUP BY aggregates, but over WHERE it counts the comparisons written with
//     NOT (NOT IN, NOT LIKE, NOT BETWEEN), and over HAVING it counts those plus every AND/OR
//     between HAVING comparisons: the script tests the first element of each entry for "not
//     none", which for a condition is its NOT flag and for a connector its text. Reproducing it
//     is the only way to agree with published Spider hardness.
//
// Beyond Spider's grammar (which the official script cannot parse) the rules are extended in the
// obvious way: ILIKE counts as LIKE (SQLite's LIKE is PostgreSQL's ILIKE), IS NOT NULL and NOT
// (…) count as written with NOT, EXISTS and scalar subqueries are nested queries wherever they
// sit in a condition, and every CTE is one more nested query.
//
// The level is the SQL's as written: a rewrite of the same query can change it (translating
// SQLite gold to PostgreSQL adds bare select columns to GROUP BY, which moves 21 of Spider's 499
// dev queries from medium to extra), so Spider-comparable figures come from the original SQL.
func (q *Query) Hardness() (Hardness, HardnessComponents) {
	c := hardnessComponents(q.SQL, q.stmt)
	return c.Level(), c
}

func hardnessComponents(sql string, stmt *pg_query.SelectStmt) HardnessComponents {
	var c HardnessComponents
	top := stmt
	if isSetOp(top) {
		c.Component2++
		for isSetOp(top) {
			top = top.Larg
		}
	}
	if stmt.WithClause != nil {
		c.Component2 += len(stmt.WithClause.Ctes)
	}
	if top != stmt && top.WithClause != nil {
		c.Component2 += len(top.WithClause.Ctes)
	}

	from, where, having := condition{sql: sql}, condition{sql: sql}, condition{sql: sql}
	units := 0
	for _, item := range top.FromClause {
		units += fromUnits(item, &from)
	}
	if top.WhereClause != nil {
		where.add(top.WhereClause)
	}
	if top.HavingClause != nil {
		having.add(top.HavingClause)
	}

	if top.WhereClause != nil {
		c.Component1++
	}
	if len(top.GroupClause) > 0 {
		c.Component1++
	}
	if len(top.SortClause) > 0 {
		c.Component1++
	}
	if hasLimit(top) {
		c.Component1++
	}
	if units > 0 {
		c.Component1 += units - 1
	}
	c.Component1 += from.ors + where.ors + having.ors
	c.Component1 += from.likes + where.likes + having.likes

	c.Component2 += from.nested + where.nested + having.nested

	aggs := 0
	for _, t := range top.TargetList {
		if hasAggregate(t) {
			aggs++
		}
	}
	aggs += where.negated
	for _, g := range top.GroupClause {
		if hasAggregate(g) {
			aggs++
		}
	}
	for _, s := range top.SortClause {
		aggs += countAggregates(s)
	}
	aggs += having.negated + having.ands + having.ors
	if aggs > 1 {
		c.Others++
	}
	if len(top.TargetList) > 1 {
		c.Others++
	}
	if where.units > 1 {
		c.Others++
	}
	if len(top.GroupClause) > 1 {
		c.Others++
	}
	return c
}

// hasLimit reports a LIMIT with a count (LIMIT ALL and LIMIT NULL limit nothing).
func hasLimit(s *pg_query.SelectStmt) bool {
	if s.LimitCount == nil {
		return false
	}
	if k, ok := s.LimitCount.GetNode().(*pg_query.Node_AConst); ok && k.AConst.Isnull {
		return false
	}
	return true
}

// fromUnits counts the tables and subqueries of one FROM item and adds its JOIN … ON
// conditions to conds, joined by AND as Spider joins them.
func fromUnits(n *pg_query.Node, conds *condition) int {
	j, ok := n.GetNode().(*pg_query.Node_JoinExpr)
	if !ok {
		return 1
	}
	units := fromUnits(j.JoinExpr.Larg, conds) + fromUnits(j.JoinExpr.Rarg, conds)
	if j.JoinExpr.Quals != nil {
		if conds.units > 0 {
			conds.ands++
		}
		conds.add(j.JoinExpr.Quals)
	}
	return units
}

// condition is a WHERE, HAVING or JOIN … ON condition as Spider's parser sees one: comparisons
// joined by AND and OR, read left to right, however they are nested.
//
// It also reproduces a quirk of that parser that changes counts: when a comparison's value is a
// column (T1.a = T2.b) rather than a number, a string or a subquery, Spider reads the value by
// scanning ahead to the next AND (or comma, parenthesis, clause or JOIN keyword), so any "OR …"
// that follows is swallowed: not a connector, not a comparison, its LIKEs and subqueries unseen.
type condition struct {
	sql        string // the query text, to tell a "double-quoted" string from a column
	units      int    // comparisons
	ands       int
	ors        int
	likes      int // LIKE / ILIKE comparisons
	negated    int // comparisons written with NOT
	nested     int // subqueries compared against
	pending    pg_query.BoolExprType
	swallowing bool
}

// add reads the condition n. Several calls (one per JOIN … ON) are joined by AND.
func (c *condition) add(n *pg_query.Node) {
	if c.units > 0 || c.swallowing {
		c.pending = pg_query.BoolExprType_AND_EXPR
	}
	c.walk(n)
}

func (c *condition) walk(n *pg_query.Node) {
	if b, ok := n.GetNode().(*pg_query.Node_BoolExpr); ok && b.BoolExpr.Boolop != pg_query.BoolExprType_NOT_EXPR {
		for i, a := range b.BoolExpr.Args {
			if i > 0 {
				c.pending = b.BoolExpr.Boolop
			}
			c.walk(a)
		}
		return
	}
	connector := c.pending
	c.pending = pg_query.BoolExprType_BOOL_EXPR_TYPE_UNDEFINED
	if c.swallowing && connector == pg_query.BoolExprType_OR_EXPR {
		return
	}
	switch connector {
	case pg_query.BoolExprType_AND_EXPR:
		c.ands++
	case pg_query.BoolExprType_OR_EXPR:
		c.ors++
	}
	c.units++
	if isLike(n) {
		c.likes++
	}
	if isNegated(n) {
		c.negated++
	}
	c.nested += countSubqueries(n)
	c.swallowing = c.endsWithColumn(n)
}

// endsWithColumn reports whether the comparison's last value (the right-hand side; the upper
// bound of a BETWEEN) is, for Spider's parser, neither a number, nor a string, nor a subquery.
func (c *condition) endsWithColumn(n *pg_query.Node) bool {
	e, ok := n.GetNode().(*pg_query.Node_AExpr)
	if !ok || e.AExpr.Rexpr == nil {
		return false
	}
	v := e.AExpr.Rexpr
	if l, ok := v.GetNode().(*pg_query.Node_List); ok { // BETWEEN's bounds
		if len(l.List.Items) == 0 {
			return false
		}
		v = l.List.Items[len(l.List.Items)-1]
	}
	switch x := v.GetNode().(type) {
	case *pg_query.Node_AConst, *pg_query.Node_SubLink:
		return false
	case *pg_query.Node_ColumnRef:
		// SQLite's (and Spider's) "double-quoted" value is a string, which PostgreSQL's parser
		// reads as a quoted identifier.
		loc := int(x.ColumnRef.Location)
		return !(len(x.ColumnRef.Fields) == 1 && loc >= 0 && loc < len(c.sql) && c.sql[loc] == '"')
	}
	return true
}

func isLike(n *pg_query.Node) bool {
	e, ok := n.GetNode().(*pg_query.Node_AExpr)
	return ok && (e.AExpr.Kind == pg_query.A_Expr_Kind_AEXPR_LIKE || e.AExpr.Kind == pg_query.A_Expr_Kind_AEXPR_ILIKE)
}

// isNegated reports a comparison written with NOT: x NOT IN (…), x NOT LIKE …, x NOT BETWEEN …,
// x IS NOT NULL / TRUE / FALSE / UNKNOWN, NOT (…).
func isNegated(n *pg_query.Node) bool {
	switch x := n.GetNode().(type) {
	case *pg_query.Node_BoolExpr:
		return x.BoolExpr.Boolop == pg_query.BoolExprType_NOT_EXPR
	case *pg_query.Node_AExpr:
		switch x.AExpr.Kind {
		case pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
			return true
		case pg_query.A_Expr_Kind_AEXPR_IN:
			return opName(x.AExpr) == "<>"
		case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE, pg_query.A_Expr_Kind_AEXPR_SIMILAR:
			return strings.HasPrefix(opName(x.AExpr), "!")
		}
	case *pg_query.Node_NullTest:
		return x.NullTest.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL
	case *pg_query.Node_BooleanTest:
		switch x.BooleanTest.Booltesttype {
		case pg_query.BoolTestType_IS_NOT_TRUE, pg_query.BoolTestType_IS_NOT_FALSE, pg_query.BoolTestType_IS_NOT_UNKNOWN:
			return true
		}
	}
	return false
}

// countSubqueries counts the subqueries directly inside the expression n (not those nested in
// them).
func countSubqueries(n *pg_query.Node) int {
	if sl, ok := n.GetNode().(*pg_query.Node_SubLink); ok {
		k := 1
		if sl.SubLink.Testexpr != nil {
			k += countSubqueries(sl.SubLink.Testexpr)
		}
		return k
	}
	count := 0
	eachChild(n, func(c *pg_query.Node) { count += countSubqueries(c) })
	return count
}
