package metrics

import (
	"fmt"
	"math"
	"slices"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// Placeholders of a pattern.
const (
	patTable  = "tab"  // a table, view or CTE name
	patColumn = "col"  // a column reference (qualified or not)
	patValue  = "val"  // a literal or parameter
	patValues = "vals" // a list of literals
	patWindow = "win"  // a named window
)

// Pattern is the query's structure with every table name, column name and literal replaced by a
// placeholder (tab, col, val), recursively through CTEs, subqueries and set operations: the
// schema-independent shape Turing's human-in-the-loop Text2SQL study counts. Two queries have the same pattern when they differ
// only in names, values and layout.
//
// It is rendered from the parse tree (never from the text), so it is deterministic and
// independent of spacing, case, comments and quoting. Keywords, operators, function names and type
// names are kept; aliases are dropped; ASC is the default direction and not written; an IN list
// or ARRAY of literals collapses to (vals) whatever its length; and the operands of AND and OR
// are sorted, as their order does not change the query.
func (q *Query) Pattern() string {
	var p patternWriter
	p.selectStmt(q.stmt)
	return p.String()
}

type patternWriter struct {
	strings.Builder
}

func (p *patternWriter) selectStmt(s *pg_query.SelectStmt) {
	if s == nil {
		return
	}
	if w := s.WithClause; w != nil {
		p.WriteString("WITH ")
		if w.Recursive {
			p.WriteString("RECURSIVE ")
		}
		for i, c := range w.Ctes {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString(patTable + " AS (")
			if cte := c.GetCommonTableExpr(); cte != nil {
				p.node(cte.Ctequery)
			}
			p.WriteString(")")
		}
		p.WriteString(" ")
	}
	switch {
	case isSetOp(s):
		p.setArm(s.Larg)
		switch s.Op {
		case pg_query.SetOperation_SETOP_UNION:
			p.WriteString(" UNION ")
		case pg_query.SetOperation_SETOP_INTERSECT:
			p.WriteString(" INTERSECT ")
		case pg_query.SetOperation_SETOP_EXCEPT:
			p.WriteString(" EXCEPT ")
		}
		if s.All {
			p.WriteString("ALL ")
		}
		p.setArm(s.Rarg)
	case len(s.ValuesLists) > 0:
		p.WriteString("VALUES ")
		for i, row := range s.ValuesLists {
			if i > 0 {
				p.WriteString(", ")
			}
			p.WriteString("(")
			p.list(row.GetList().GetItems(), true)
			p.WriteString(")")
		}
	default:
		p.WriteString("SELECT ")
		if s.DistinctClause != nil {
			p.WriteString("DISTINCT ")
			// DISTINCT is a list holding one nil node; DISTINCT ON lists expressions.
			if len(s.DistinctClause) > 0 && s.DistinctClause[0] != nil && s.DistinctClause[0].Node != nil {
				p.WriteString("ON (")
				p.list(s.DistinctClause, false)
				p.WriteString(") ")
			}
		}
		p.list(s.TargetList, false)
		p.optionalList(" FROM ", s.FromClause, "")
		p.optional(" WHERE ", s.WhereClause, "")
		if len(s.GroupClause) > 0 {
			p.WriteString(" GROUP BY ")
			if s.GroupDistinct {
				p.WriteString("DISTINCT ")
			}
			p.list(s.GroupClause, false)
		}
		p.optional(" HAVING ", s.HavingClause, "")
		if len(s.WindowClause) > 0 {
			p.WriteString(" WINDOW ")
			for i, w := range s.WindowClause {
				if i > 0 {
					p.WriteString(", ")
				}
				p.WriteString(patWindow + " AS ")
				p.window(w.GetWindowDef())
			}
		}
	}
	p.optionalList(" ORDER BY ", s.SortClause, "")
	if s.LimitCount != nil {
		if s.LimitOption == pg_query.LimitOption_LIMIT_OPTION_WITH_TIES {
			p.WriteString(" FETCH FIRST ")
			p.node(s.LimitCount)
			p.WriteString(" ROWS WITH TIES")
		} else if hasLimit(s) {
			p.WriteString(" LIMIT ")
			p.node(s.LimitCount)
		}
	}
	p.optional(" OFFSET ", s.LimitOffset, "")
}

// setArm writes one side of a set operation, in parentheses when it has clauses of its own that
// would otherwise read as the whole operation's.
func (p *patternWriter) setArm(s *pg_query.SelectStmt) {
	if s == nil {
		return
	}
	paren := isSetOp(s) || s.WithClause != nil || len(s.SortClause) > 0 || s.LimitCount != nil || s.LimitOffset != nil
	if paren {
		p.WriteString("(")
	}
	p.selectStmt(s)
	if paren {
		p.WriteString(")")
	}
}

// list writes nodes separated by commas; with collapse, a list made only of literals is vals.
func (p *patternWriter) list(nodes []*pg_query.Node, collapse bool) {
	if collapse && len(nodes) > 0 && allLiterals(nodes) {
		p.WriteString(patValues)
		return
	}
	for i, n := range nodes {
		if i > 0 {
			p.WriteString(", ")
		}
		p.node(n)
	}
}

func allLiterals(nodes []*pg_query.Node) bool {
	for _, n := range nodes {
		switch x := n.GetNode().(type) {
		case *pg_query.Node_AConst, *pg_query.Node_ParamRef:
		case *pg_query.Node_TypeCast:
			if !allLiterals([]*pg_query.Node{x.TypeCast.Arg}) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// operand writes n, in parentheses when it is an operator or boolean expression (the tree has
// no parentheses of its own; these make the pattern unambiguous).
func (p *patternWriter) operand(n *pg_query.Node) {
	switch n.GetNode().(type) {
	case *pg_query.Node_AExpr, *pg_query.Node_BoolExpr:
		p.WriteString("(")
		p.node(n)
		p.WriteString(")")
	default:
		p.node(n)
	}
}

// enclosed writes the list between open and close, which stand even when the list is empty
// (ROW() is a row of no columns).
func (p *patternWriter) enclosed(open string, nodes []*pg_query.Node, collapse bool, close string) {
	p.WriteString(open)
	p.list(nodes, collapse)
	p.WriteString(close)
}

// optional writes n between prefix and suffix, or nothing when the clause is absent (n nil).
func (p *patternWriter) optional(prefix string, n *pg_query.Node, suffix string) {
	if n != nil {
		p.WriteString(prefix)
		p.node(n)
		p.WriteString(suffix)
	}
}

// optionalList writes the list between prefix and suffix, or nothing when it is empty.
func (p *patternWriter) optionalList(prefix string, nodes []*pg_query.Node, suffix string) {
	if len(nodes) > 0 {
		p.WriteString(prefix)
		p.list(nodes, false)
		p.WriteString(suffix)
	}
}

func (p *patternWriter) node(n *pg_query.Node) {
	switch x := n.GetNode().(type) {
	case nil:
	case *pg_query.Node_SelectStmt:
		p.selectStmt(x.SelectStmt)
	case *pg_query.Node_ResTarget:
		p.node(x.ResTarget.Val)
	case *pg_query.Node_ColumnRef:
		if f := x.ColumnRef.Fields; len(f) > 0 && f[len(f)-1].GetAStar() != nil {
			p.WriteString("*")
		} else {
			p.WriteString(patColumn)
		}
	case *pg_query.Node_AConst:
		if x.AConst.Isnull {
			p.WriteString("NULL")
		} else {
			p.WriteString(patValue)
		}
	case *pg_query.Node_ParamRef:
		p.WriteString(patValue)
	case *pg_query.Node_RangeVar:
		p.WriteString(patTable)
	case *pg_query.Node_RangeSubselect:
		if x.RangeSubselect.Lateral {
			p.WriteString("LATERAL ")
		}
		p.WriteString("(")
		p.node(x.RangeSubselect.Subquery)
		p.WriteString(")")
	case *pg_query.Node_RangeFunction:
		if x.RangeFunction.Lateral {
			p.WriteString("LATERAL ")
		}
		if x.RangeFunction.IsRowsfrom {
			p.WriteString("ROWS FROM ")
		}
		for i, f := range x.RangeFunction.Functions {
			if i > 0 {
				p.WriteString(", ")
			}
			// Each item is a list: the function call, then its column definitions.
			if items := f.GetList().GetItems(); len(items) > 0 {
				p.node(items[0])
			}
		}
		if x.RangeFunction.Ordinality {
			p.WriteString(" WITH ORDINALITY")
		}
	case *pg_query.Node_RangeTableSample:
		p.node(x.RangeTableSample.Relation)
		p.WriteString(" TABLESAMPLE ")
		p.names(x.RangeTableSample.Method)
		p.enclosed("(", x.RangeTableSample.Args, false, ")")
	case *pg_query.Node_RangeTableFunc:
		p.WriteString("XMLTABLE(...)")
	case *pg_query.Node_JoinExpr:
		p.join(x.JoinExpr)
	case *pg_query.Node_AExpr:
		p.aExpr(x.AExpr)
	case *pg_query.Node_BoolExpr:
		p.boolExpr(x.BoolExpr)
	case *pg_query.Node_FuncCall:
		p.funcCall(x.FuncCall)
	case *pg_query.Node_SubLink:
		p.subLink(x.SubLink)
	case *pg_query.Node_TypeCast:
		p.operand(x.TypeCast.Arg)
		p.WriteString("::")
		p.typeName(x.TypeCast.TypeName)
	case *pg_query.Node_CollateClause:
		p.operand(x.CollateClause.Arg)
		p.WriteString(" COLLATE ")
		p.names(x.CollateClause.Collname)
	case *pg_query.Node_CaseExpr:
		p.WriteString("CASE ")
		p.optional("", x.CaseExpr.Arg, " ")
		for _, w := range x.CaseExpr.Args {
			p.node(w)
			p.WriteString(" ")
		}
		p.optional("ELSE ", x.CaseExpr.Defresult, " ")
		p.WriteString("END")
	case *pg_query.Node_CaseWhen:
		p.WriteString("WHEN ")
		p.node(x.CaseWhen.Expr)
		p.WriteString(" THEN ")
		p.node(x.CaseWhen.Result)
	case *pg_query.Node_CoalesceExpr:
		p.enclosed("coalesce(", x.CoalesceExpr.Args, false, ")")
	case *pg_query.Node_MinMaxExpr:
		name := "greatest("
		if x.MinMaxExpr.Op == pg_query.MinMaxOp_IS_LEAST {
			name = "least("
		}
		p.enclosed(name, x.MinMaxExpr.Args, false, ")")
	case *pg_query.Node_NullTest:
		p.operand(x.NullTest.Arg)
		if x.NullTest.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL {
			p.WriteString(" IS NOT NULL")
		} else {
			p.WriteString(" IS NULL")
		}
	case *pg_query.Node_BooleanTest:
		p.operand(x.BooleanTest.Arg)
		p.WriteString(booleanTestText[x.BooleanTest.Booltesttype])
	case *pg_query.Node_RowExpr:
		p.enclosed("ROW(", x.RowExpr.Args, false, ")")
	case *pg_query.Node_AArrayExpr:
		p.enclosed("ARRAY[", x.AArrayExpr.Elements, true, "]")
	case *pg_query.Node_AIndirection:
		p.operand(x.AIndirection.Arg)
		for _, ind := range x.AIndirection.Indirection {
			switch ind.GetNode().(type) {
			case *pg_query.Node_AIndices:
				p.WriteString("[")
				p.node(ind)
				p.WriteString("]")
			case *pg_query.Node_AStar:
				p.WriteString(".*")
			default:
				p.WriteString("." + patColumn)
			}
		}
	case *pg_query.Node_AIndices:
		p.node(x.AIndices.Lidx)
		if x.AIndices.IsSlice {
			p.WriteString(":")
		}
		p.node(x.AIndices.Uidx)
	case *pg_query.Node_NamedArgExpr:
		p.node(x.NamedArgExpr.Arg)
	case *pg_query.Node_SqlvalueFunction:
		p.WriteString(strings.ToLower(strings.TrimPrefix(x.SqlvalueFunction.Op.String(), "SVFOP_")))
	case *pg_query.Node_GroupingFunc:
		p.enclosed("GROUPING(", x.GroupingFunc.Args, false, ")")
	case *pg_query.Node_GroupingSet:
		open := "("
		switch x.GroupingSet.Kind {
		case pg_query.GroupingSetKind_GROUPING_SET_ROLLUP:
			open = "ROLLUP("
		case pg_query.GroupingSetKind_GROUPING_SET_CUBE:
			open = "CUBE("
		case pg_query.GroupingSetKind_GROUPING_SET_SETS:
			open = "GROUPING SETS("
		}
		p.enclosed(open, x.GroupingSet.Content, false, ")")
	case *pg_query.Node_List:
		p.enclosed("(", x.List.Items, false, ")")
	case *pg_query.Node_SortBy:
		p.node(x.SortBy.Node)
		switch x.SortBy.SortbyDir {
		case pg_query.SortByDir_SORTBY_DESC:
			p.WriteString(" DESC")
		case pg_query.SortByDir_SORTBY_USING:
			p.WriteString(" USING ")
			p.names(x.SortBy.UseOp)
		}
		switch x.SortBy.SortbyNulls {
		case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
			p.WriteString(" NULLS FIRST")
		case pg_query.SortByNulls_SORTBY_NULLS_LAST:
			p.WriteString(" NULLS LAST")
		}
	case *pg_query.Node_AStar:
		p.WriteString("*")
	case *pg_query.Node_String_:
		p.WriteString(patColumn) // a name in a USING list or a column alias list
	default:
		// The JSON and XML constructors and anything newer: named by node type, children kept.
		name := strings.TrimPrefix(fmt.Sprintf("%T", x), "*pg_query.Node_")
		p.WriteString(name + "(")
		first := true
		eachChild(n, func(c *pg_query.Node) {
			if !first {
				p.WriteString(", ")
			}
			first = false
			p.node(c)
		})
		p.WriteString(")")
	}
}

var booleanTestText = map[pg_query.BoolTestType]string{
	pg_query.BoolTestType_IS_TRUE:        " IS TRUE",
	pg_query.BoolTestType_IS_NOT_TRUE:    " IS NOT TRUE",
	pg_query.BoolTestType_IS_FALSE:       " IS FALSE",
	pg_query.BoolTestType_IS_NOT_FALSE:   " IS NOT FALSE",
	pg_query.BoolTestType_IS_UNKNOWN:     " IS UNKNOWN",
	pg_query.BoolTestType_IS_NOT_UNKNOWN: " IS NOT UNKNOWN",
}

// names writes a qualified name of a function, operator, type or collation, lower-case, without
// its schema.
func (p *patternWriter) names(nodes []*pg_query.Node) {
	if len(nodes) > 0 {
		p.WriteString(strings.ToLower(strVal(nodes[len(nodes)-1])))
	}
}

func (p *patternWriter) typeName(t *pg_query.TypeName) {
	if t == nil {
		return
	}
	names := t.Names
	if len(names) == 2 && strVal(names[0]) == "pg_catalog" {
		names = names[1:]
	}
	p.names(names)
	if len(t.ArrayBounds) > 0 {
		p.WriteString("[]")
	}
}

func (p *patternWriter) join(j *pg_query.JoinExpr) {
	p.node(j.Larg)
	if j.IsNatural {
		p.WriteString(" NATURAL")
	}
	switch {
	case j.Jointype == pg_query.JoinType_JOIN_LEFT:
		p.WriteString(" LEFT JOIN ")
	case j.Jointype == pg_query.JoinType_JOIN_RIGHT:
		p.WriteString(" RIGHT JOIN ")
	case j.Jointype == pg_query.JoinType_JOIN_FULL:
		p.WriteString(" FULL JOIN ")
	case j.Quals == nil && len(j.UsingClause) == 0 && !j.IsNatural:
		p.WriteString(" CROSS JOIN ")
	default:
		p.WriteString(" JOIN ")
	}
	if _, nested := j.Rarg.GetNode().(*pg_query.Node_JoinExpr); nested {
		p.WriteString("(")
		p.node(j.Rarg)
		p.WriteString(")")
	} else {
		p.node(j.Rarg)
	}
	p.optionalList(" USING (", j.UsingClause, ")")
	p.optional(" ON ", j.Quals, "")
}

// likeOps names the operators PostgreSQL's parser substitutes for LIKE and friends.
var likeOps = map[string]string{
	"~~": "LIKE", "!~~": "NOT LIKE", "~~*": "ILIKE", "!~~*": "NOT ILIKE",
	"~": "SIMILAR TO", "!~": "NOT SIMILAR TO",
}

func (p *patternWriter) aExpr(e *pg_query.A_Expr) {
	op := opName(e)
	switch e.Kind {
	case pg_query.A_Expr_Kind_AEXPR_OP:
		if e.Lexpr != nil {
			p.operand(e.Lexpr)
			p.WriteString(" ")
		}
		p.WriteString(op)
		p.WriteString(" ")
		p.operand(e.Rexpr)
	case pg_query.A_Expr_Kind_AEXPR_OP_ANY, pg_query.A_Expr_Kind_AEXPR_OP_ALL:
		p.operand(e.Lexpr)
		p.WriteString(" " + op)
		if e.Kind == pg_query.A_Expr_Kind_AEXPR_OP_ANY {
			p.WriteString(" ANY(")
		} else {
			p.WriteString(" ALL(")
		}
		p.node(e.Rexpr)
		p.WriteString(")")
	case pg_query.A_Expr_Kind_AEXPR_DISTINCT, pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		p.operand(e.Lexpr)
		if e.Kind == pg_query.A_Expr_Kind_AEXPR_DISTINCT {
			p.WriteString(" IS DISTINCT FROM ")
		} else {
			p.WriteString(" IS NOT DISTINCT FROM ")
		}
		p.operand(e.Rexpr)
	case pg_query.A_Expr_Kind_AEXPR_NULLIF:
		p.WriteString("nullif(")
		p.node(e.Lexpr)
		p.WriteString(", ")
		p.node(e.Rexpr)
		p.WriteString(")")
	case pg_query.A_Expr_Kind_AEXPR_IN:
		p.operand(e.Lexpr)
		if op == "<>" {
			p.WriteString(" NOT")
		}
		p.WriteString(" IN (")
		p.list(e.Rexpr.GetList().GetItems(), true)
		p.WriteString(")")
	case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE, pg_query.A_Expr_Kind_AEXPR_SIMILAR:
		p.operand(e.Lexpr)
		word, ok := likeOps[op]
		if !ok {
			word = op
		}
		p.WriteString(" " + word + " ")
		p.operand(e.Rexpr)
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN,
		pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		p.operand(e.Lexpr)
		switch e.Kind {
		case pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
			p.WriteString(" NOT BETWEEN ")
		default:
			p.WriteString(" BETWEEN ")
		}
		if e.Kind == pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM || e.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM {
			p.WriteString("SYMMETRIC ")
		}
		if bounds := e.Rexpr.GetList().GetItems(); len(bounds) == 2 {
			p.operand(bounds[0])
			p.WriteString(" AND ")
			p.operand(bounds[1])
		}
	default:
		p.operand(e.Lexpr)
		p.WriteString(" " + op + " ")
		p.operand(e.Rexpr)
	}
}

// boolExpr writes AND and OR with their operands sorted: the order of conditions does not
// change a query, so it must not change its pattern.
func (p *patternWriter) boolExpr(b *pg_query.BoolExpr) {
	if b.Boolop == pg_query.BoolExprType_NOT_EXPR {
		if len(b.Args) == 0 {
			return
		}
		// x NOT IN (subquery) is parsed as NOT (x IN (subquery)); write it as it was written.
		if sl := b.Args[0].GetSubLink(); sl != nil && sl.SubLinkType == pg_query.SubLinkType_ANY_SUBLINK && len(sl.OperName) == 0 {
			p.operand(sl.Testexpr)
			p.WriteString(" NOT IN (")
			p.node(sl.Subselect)
			p.WriteString(")")
			return
		}
		p.WriteString("NOT ")
		p.boolOperand(b.Args[0])
		return
	}
	parts := make([]string, len(b.Args))
	for i, a := range b.Args {
		var sub patternWriter
		sub.boolOperand(a)
		parts[i] = sub.String()
	}
	slices.Sort(parts)
	sep := " AND "
	if b.Boolop == pg_query.BoolExprType_OR_EXPR {
		sep = " OR "
	}
	for i, s := range parts {
		if i > 0 {
			p.WriteString(sep)
		}
		p.WriteString(s)
	}
}

// boolOperand writes an operand of AND, OR or NOT, in parentheses only when it is itself an AND
// or OR (comparisons bind tighter than the boolean operators).
func (p *patternWriter) boolOperand(n *pg_query.Node) {
	if b, ok := n.GetNode().(*pg_query.Node_BoolExpr); ok && b.BoolExpr.Boolop != pg_query.BoolExprType_NOT_EXPR {
		p.WriteString("(")
		p.node(n)
		p.WriteString(")")
		return
	}
	p.node(n)
}

func (p *patternWriter) funcCall(f *pg_query.FuncCall) {
	p.WriteString(strings.ToLower(funcName(f)))
	p.WriteString("(")
	if f.AggDistinct {
		p.WriteString("DISTINCT ")
	}
	if f.AggStar {
		p.WriteString("*")
	}
	p.list(f.Args, false)
	if len(f.AggOrder) > 0 && !f.AggWithinGroup {
		p.WriteString(" ORDER BY ")
		p.list(f.AggOrder, false)
	}
	p.WriteString(")")
	if f.AggWithinGroup {
		p.WriteString(" WITHIN GROUP (ORDER BY ")
		p.list(f.AggOrder, false)
		p.WriteString(")")
	}
	p.optional(" FILTER (WHERE ", f.AggFilter, ")")
	if f.Over != nil {
		p.WriteString(" OVER ")
		p.window(f.Over)
	}
}

func (p *patternWriter) window(w *pg_query.WindowDef) {
	if w == nil {
		return
	}
	if w.Name != "" && w.Refname == "" && len(w.PartitionClause) == 0 && len(w.OrderClause) == 0 {
		p.WriteString(patWindow) // OVER w: a reference to a named window
		return
	}
	p.WriteString("(")
	sep := ""
	if w.Refname != "" {
		p.WriteString(patWindow)
		sep = " "
	}
	if len(w.PartitionClause) > 0 {
		p.WriteString(sep + "PARTITION BY ")
		p.list(w.PartitionClause, false)
		sep = " "
	}
	if len(w.OrderClause) > 0 {
		p.WriteString(sep + "ORDER BY ")
		p.list(w.OrderClause, false)
		sep = " "
	}
	if w.FrameOptions&frameNonDefault != 0 {
		p.WriteString(sep + frameText(w.FrameOptions))
	}
	p.WriteString(")")
}

// The window frame bits of PostgreSQL's parsenodes.h (FRAMEOPTION_*).
const (
	frameNonDefault         = 0x00001
	frameRange              = 0x00002
	frameRows               = 0x00004
	frameGroups             = 0x00008
	frameStartUnboundedPrec = 0x00020
	frameEndUnboundedPrec   = 0x00040
	frameStartUnboundedFol  = 0x00080
	frameEndUnboundedFol    = 0x00100
	frameStartCurrentRow    = 0x00200
	frameEndCurrentRow      = 0x00400
	frameStartOffsetPrec    = 0x00800
	frameEndOffsetPrec      = 0x01000
	frameStartOffsetFol     = 0x02000
	frameEndOffsetFol       = 0x04000
	frameExcludeCurrentRow  = 0x08000
	frameExcludeGroup       = 0x10000
	frameExcludeTies        = 0x20000
)

// frameText renders a window frame from its option bits, offsets as val.
func frameText(o int32) string {
	bound := func(unbPrec, unbFol, cur, offPrec, offFol int32) string {
		return firstSet(o, []bitText{{unbPrec, "UNBOUNDED PRECEDING"}, {unbFol, "UNBOUNDED FOLLOWING"}, {cur, "CURRENT ROW"},
			{offPrec, patValue + " PRECEDING"}, {offFol, patValue + " FOLLOWING"}})
	}
	return firstSet(o, frameModes) +
		" BETWEEN " + bound(frameStartUnboundedPrec, frameStartUnboundedFol, frameStartCurrentRow, frameStartOffsetPrec, frameStartOffsetFol) +
		" AND " + bound(frameEndUnboundedPrec, frameEndUnboundedFol, frameEndCurrentRow, frameEndOffsetPrec, frameEndOffsetFol) +
		firstSet(o, frameExclusions)
}

// bitText is the text of one window frame option bit.
type bitText struct {
	bit  int32
	text string
}

// firstSet is the text of the first of choices whose bit o has set, "" when it has none of them.
func firstSet(o int32, choices []bitText) string {
	for _, c := range choices {
		if o&c.bit != 0 {
			return c.text
		}
	}
	return ""
}

var (
	frameModes      = []bitText{{frameRows, "ROWS"}, {frameGroups, "GROUPS"}, {frameRange, "RANGE"}}
	frameExclusions = []bitText{{frameExcludeCurrentRow, " EXCLUDE CURRENT ROW"}, {frameExcludeGroup, " EXCLUDE GROUP"}, {frameExcludeTies, " EXCLUDE TIES"}}
)

func (p *patternWriter) subLink(s *pg_query.SubLink) {
	op := "="
	if len(s.OperName) > 0 {
		op = strVal(s.OperName[len(s.OperName)-1])
	}
	switch s.SubLinkType {
	case pg_query.SubLinkType_EXISTS_SUBLINK:
		p.WriteString("EXISTS (")
	case pg_query.SubLinkType_ANY_SUBLINK:
		p.operand(s.Testexpr)
		if op == "=" {
			p.WriteString(" IN (")
		} else {
			p.WriteString(" " + op + " ANY (")
		}
	case pg_query.SubLinkType_ALL_SUBLINK:
		p.operand(s.Testexpr)
		p.WriteString(" " + op + " ALL (")
	case pg_query.SubLinkType_ROWCOMPARE_SUBLINK:
		p.operand(s.Testexpr)
		p.WriteString(" " + op + " (")
	case pg_query.SubLinkType_ARRAY_SUBLINK:
		p.WriteString("ARRAY(")
	default:
		p.WriteString("(")
	}
	p.node(s.Subselect)
	p.WriteString(")")
}

// PatternCount is one SQL pattern of a set, how often it occurs, and the first query that had it.
type PatternCount struct {
	Pattern string  `json:"pattern"`
	Count   int     `json:"count"`
	Share   float64 `json:"share"`
	Example string  `json:"example"`
}

// PatternStats summarizes the patterns of a set of queries.
type PatternStats struct {
	Queries     int            `json:"queries"`
	Unique      int            `json:"unique"`
	EntropyBits float64        `json:"entropy_bits"`
	Evenness    float64        `json:"evenness"`
	Top         []PatternCount `json:"top"`
	Counts      []int          `json:"counts"` // every pattern's count, most frequent first (the long tail)
}

// MeasurePatterns counts the patterns of queries and reports the top most frequent (most
// frequent first, ties by pattern text). Nil queries (SQL that did not parse) are skipped.
func MeasurePatterns(queries []*Query, top int) PatternStats {
	var c patternCounter
	for _, q := range queries {
		if q != nil {
			c.add(q.Pattern(), q.SQL)
		}
	}
	return c.stats(top)
}

// Entropy is the Shannon entropy H = −Σ pᵢ log₂ pᵢ, in bits, of the distribution given by counts
// (pᵢ = countᵢ / total; zero counts contribute nothing), and the evenness H / log₂ K over the K
// non-zero categories (Pielou's J: 1 when every category is equally frequent, near 0 when one
// dominates). With K ≤ 1 there is no diversity to be even about, and evenness is 0 — not 1,
// which would read as "perfectly diverse" on a dashboard.
func Entropy(counts []int) (bits, evenness float64) {
	total, k := 0, 0
	for _, c := range counts {
		if c > 0 {
			total += c
			k++
		}
	}
	if k <= 1 {
		return 0, 0
	}
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / float64(total)
			bits -= p * math.Log2(p)
		}
	}
	return bits, bits / math.Log2(float64(k))
}

// patternCounter counts patterns as queries stream past, keeping each one's first example.
type patternCounter struct {
	index   map[string]int
	entries []PatternCount
	total   int
}

func (c *patternCounter) add(pattern, example string) {
	if c.index == nil {
		c.index = map[string]int{}
	}
	c.total++
	if i, ok := c.index[pattern]; ok {
		c.entries[i].Count++
		return
	}
	c.index[pattern] = len(c.entries)
	c.entries = append(c.entries, PatternCount{Pattern: pattern, Count: 1, Example: example})
}

func (c *patternCounter) stats(top int) PatternStats {
	counts := make([]int, len(c.entries))
	for i, e := range c.entries {
		counts[i] = e.Count
	}
	bits, even := Entropy(counts)
	sorted := slices.Clone(c.entries)
	slices.SortFunc(sorted, func(a, b PatternCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Pattern, b.Pattern)
	})
	if top < 0 {
		top = 0
	}
	sorted = append([]PatternCount{}, sorted[:min(top, len(sorted))]...)
	for i := range sorted {
		sorted[i].Share = float64(sorted[i].Count) / float64(c.total)
	}
	slices.SortFunc(counts, func(a, b int) int { return b - a })
	return PatternStats{Queries: c.total, Unique: len(c.entries), EntropyBits: bits, Evenness: even, Top: sorted, Counts: counts}
}
