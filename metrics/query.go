package metrics

import (
	"errors"
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// ErrNotQuery is returned (wrapped) by Parse for SQL that is not exactly one PostgreSQL query:
// a syntax error, several statements, or a statement that is not a SELECT (or set operation,
// VALUES, WITH … SELECT). Analyze counts such SQL as unparsed.
var ErrNotQuery = errors.New("metrics: not one PostgreSQL query")

// Query is one SQL query parsed once with PostgreSQL's parser. Pattern, Hardness, Clauses and
// Usage all read the same tree, so a dataset is parsed once whatever is measured.
//
// A Query is immutable and safe for concurrent use.
type Query struct {
	SQL  string
	stmt *pg_query.SelectStmt
}

// Parse parses sql (PostgreSQL dialect; SQLite's double-quoted strings parse as identifiers,
// which changes coverage and patterns but not hardness) into a Query.
func Parse(sql string) (*Query, error) {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotQuery, err)
	}
	if len(tree.Stmts) != 1 {
		return nil, fmt.Errorf("%w: %d statements", ErrNotQuery, len(tree.Stmts))
	}
	sel := tree.Stmts[0].GetStmt().GetSelectStmt()
	if sel == nil {
		return nil, fmt.Errorf("%w: not a SELECT statement", ErrNotQuery)
	}
	if sel.IntoClause != nil {
		return nil, fmt.Errorf("%w: SELECT INTO creates a table", ErrNotQuery)
	}
	return &Query{SQL: sql, stmt: sel}, nil
}

// isSetOp reports whether s combines two queries (UNION, INTERSECT, EXCEPT).
func isSetOp(s *pg_query.SelectStmt) bool {
	return s.Op != pg_query.SetOperation_SETOP_NONE && s.Op != pg_query.SetOperation_SET_OPERATION_UNDEFINED
}

// aggregateNames are the built-in aggregate functions of PostgreSQL (and SQLite's group_concat)
// that a query is likely to use. A call with DISTINCT, ORDER BY, FILTER, WITHIN GROUP or (*) is
// an aggregate whatever its name.
var aggregateNames = map[string]bool{
	"count": true, "sum": true, "avg": true, "min": true, "max": true,
	"array_agg": true, "string_agg": true, "group_concat": true, "json_agg": true, "jsonb_agg": true,
	"json_object_agg": true, "jsonb_object_agg": true, "xmlagg": true,
	"bool_and": true, "bool_or": true, "every": true, "bit_and": true, "bit_or": true, "bit_xor": true,
	"stddev": true, "stddev_pop": true, "stddev_samp": true, "variance": true, "var_pop": true, "var_samp": true,
	"corr": true, "covar_pop": true, "covar_samp": true, "regr_avgx": true, "regr_avgy": true,
	"regr_count": true, "regr_intercept": true, "regr_r2": true, "regr_slope": true, "regr_sxx": true,
	"regr_sxy": true, "regr_syy": true, "percentile_cont": true, "percentile_disc": true, "mode": true,
}

// isAggregate reports whether f is an aggregate call (not a window function: OVER makes it one).
func isAggregate(f *pg_query.FuncCall) bool {
	if f.Over != nil {
		return false
	}
	if f.AggStar || f.AggDistinct || f.AggWithinGroup || f.AggFilter != nil || len(f.AggOrder) > 0 {
		return true
	}
	return aggregateNames[funcName(f)]
}

// funcName is a function's name without its schema ("pg_catalog.count" → "count").
func funcName(f *pg_query.FuncCall) string {
	if len(f.Funcname) == 0 {
		return ""
	}
	return f.Funcname[len(f.Funcname)-1].GetString_().GetSval()
}

// strVal is the text of a String node ("" for anything else).
func strVal(n *pg_query.Node) string {
	if s, ok := n.GetNode().(*pg_query.Node_String_); ok {
		return s.String_.Sval
	}
	return ""
}

// opName is an operator expression's operator ("=", "<>", "~~" for LIKE, "!~~" for NOT LIKE).
func opName(e *pg_query.A_Expr) string {
	if len(e.Name) == 0 {
		return ""
	}
	return strVal(e.Name[len(e.Name)-1])
}

// eachChild calls fn for every direct sub-expression of n. It knows every expression node that
// PostgreSQL 16's grammar produces inside a query; a SubLink's children are its test expression
// and its subquery (a SelectStmt node), which walkers that keep scopes intercept before calling
// eachChild. Statements (SelectStmt) are not expressions: walkers descend into them explicitly.
func eachChild(n *pg_query.Node, fn func(*pg_query.Node)) {
	each := func(list []*pg_query.Node) {
		for _, c := range list {
			fn(c)
		}
	}
	one := func(c *pg_query.Node) {
		if c != nil {
			fn(c)
		}
	}
	switch x := n.GetNode().(type) {
	case *pg_query.Node_AExpr:
		one(x.AExpr.Lexpr)
		one(x.AExpr.Rexpr)
	case *pg_query.Node_BoolExpr:
		each(x.BoolExpr.Args)
	case *pg_query.Node_FuncCall:
		f := x.FuncCall
		each(f.Args)
		each(f.AggOrder)
		one(f.AggFilter)
		if f.Over != nil {
			each(f.Over.PartitionClause)
			each(f.Over.OrderClause)
			one(f.Over.StartOffset)
			one(f.Over.EndOffset)
		}
	case *pg_query.Node_TypeCast:
		one(x.TypeCast.Arg)
	case *pg_query.Node_CollateClause:
		one(x.CollateClause.Arg)
	case *pg_query.Node_SubLink:
		one(x.SubLink.Testexpr)
		one(x.SubLink.Subselect)
	case *pg_query.Node_CaseExpr:
		one(x.CaseExpr.Arg)
		each(x.CaseExpr.Args)
		one(x.CaseExpr.Defresult)
	case *pg_query.Node_CaseWhen:
		one(x.CaseWhen.Expr)
		one(x.CaseWhen.Result)
	case *pg_query.Node_CoalesceExpr:
		each(x.CoalesceExpr.Args)
	case *pg_query.Node_MinMaxExpr:
		each(x.MinMaxExpr.Args)
	case *pg_query.Node_NullTest:
		one(x.NullTest.Arg)
	case *pg_query.Node_BooleanTest:
		one(x.BooleanTest.Arg)
	case *pg_query.Node_RowExpr:
		each(x.RowExpr.Args)
	case *pg_query.Node_AArrayExpr:
		each(x.AArrayExpr.Elements)
	case *pg_query.Node_AIndirection:
		one(x.AIndirection.Arg)
		each(x.AIndirection.Indirection)
	case *pg_query.Node_AIndices:
		one(x.AIndices.Lidx)
		one(x.AIndices.Uidx)
	case *pg_query.Node_NamedArgExpr:
		one(x.NamedArgExpr.Arg)
	case *pg_query.Node_GroupingFunc:
		each(x.GroupingFunc.Args)
	case *pg_query.Node_GroupingSet:
		each(x.GroupingSet.Content)
	case *pg_query.Node_List:
		each(x.List.Items)
	case *pg_query.Node_SortBy:
		one(x.SortBy.Node)
	case *pg_query.Node_ResTarget:
		one(x.ResTarget.Val)
	case *pg_query.Node_XmlExpr:
		each(x.XmlExpr.NamedArgs)
		each(x.XmlExpr.Args)
	case *pg_query.Node_XmlSerialize:
		one(x.XmlSerialize.Expr)
	case *pg_query.Node_JsonObjectConstructor:
		each(x.JsonObjectConstructor.Exprs)
	case *pg_query.Node_JsonArrayConstructor:
		each(x.JsonArrayConstructor.Exprs)
	case *pg_query.Node_JsonArrayQueryConstructor:
		one(x.JsonArrayQueryConstructor.Query)
	case *pg_query.Node_JsonObjectAgg:
		if kv := x.JsonObjectAgg.Arg; kv != nil {
			one(kv.Key)
			if kv.Value != nil {
				one(kv.Value.RawExpr)
			}
		}
		jsonAggChildren(x.JsonObjectAgg.Constructor, fn)
	case *pg_query.Node_JsonArrayAgg:
		if v := x.JsonArrayAgg.Arg; v != nil {
			one(v.RawExpr)
		}
		jsonAggChildren(x.JsonArrayAgg.Constructor, fn)
	case *pg_query.Node_JsonKeyValue:
		one(x.JsonKeyValue.Key)
		if x.JsonKeyValue.Value != nil {
			one(x.JsonKeyValue.Value.RawExpr)
		}
	case *pg_query.Node_JsonValueExpr:
		one(x.JsonValueExpr.RawExpr)
	case *pg_query.Node_JsonIsPredicate:
		one(x.JsonIsPredicate.Expr)
	}
}

func jsonAggChildren(c *pg_query.JsonAggConstructor, fn func(*pg_query.Node)) {
	if c == nil {
		return
	}
	if c.AggFilter != nil {
		fn(c.AggFilter)
	}
	for _, o := range c.AggOrder {
		fn(o)
	}
	if c.Over != nil {
		for _, p := range c.Over.PartitionClause {
			fn(p)
		}
		for _, o := range c.Over.OrderClause {
			fn(o)
		}
	}
}

// hasAggregate reports whether the expression n computes an aggregate of the query it belongs to:
// an aggregate call outside any subquery.
func hasAggregate(n *pg_query.Node) bool {
	return countAggregates(n) > 0
}

// countAggregates counts the aggregate calls in n that belong to n's query: not those inside
// another aggregate's arguments, nor those of subqueries.
func countAggregates(n *pg_query.Node) int {
	switch x := n.GetNode().(type) {
	case nil:
		return 0
	case *pg_query.Node_FuncCall:
		if isAggregate(x.FuncCall) {
			return 1
		}
	case *pg_query.Node_SubLink:
		return countAggregates(x.SubLink.Testexpr)
	case *pg_query.Node_JsonObjectAgg, *pg_query.Node_JsonArrayAgg:
		return 1
	}
	count := 0
	eachChild(n, func(c *pg_query.Node) { count += countAggregates(c) })
	return count
}
