package metrics

import pg_query "github.com/pganalyze/pg_query_go/v5"

// Clauses says which SQL features a query uses anywhere in it: in the main query, its CTEs, its
// subqueries and both sides of its set operations.
type Clauses struct {
	Join      bool `json:"join"` // JOIN, or more than one item in a FROM list
	Where     bool `json:"where"`
	GroupBy   bool `json:"group_by"`
	Having    bool `json:"having"`
	Aggregate bool `json:"aggregate"` // an aggregate function (not used as a window function)
	Subquery  bool `json:"subquery"`  // a subquery in FROM or in an expression (CTEs are counted apart)
	Window    bool `json:"window"`    // a window function (… OVER …)
	SetOp     bool `json:"set_op"`    // UNION, INTERSECT or EXCEPT
	CTE       bool `json:"cte"`       // WITH
	OrderBy   bool `json:"order_by"`
	Limit     bool `json:"limit"`    // LIMIT, FETCH FIRST or OFFSET
	Distinct  bool `json:"distinct"` // SELECT DISTINCT [ON], or an aggregate over DISTINCT values
	Case      bool `json:"case"`     // CASE
}

// Clauses reports the features the query uses.
func (q *Query) Clauses() Clauses {
	var c Clauses
	c.selectStmt(q.stmt)
	return c
}

func (c *Clauses) selectStmt(s *pg_query.SelectStmt) {
	if s == nil {
		return
	}
	if s.WithClause != nil {
		c.CTE = true
		for _, n := range s.WithClause.Ctes {
			c.selectStmt(n.GetCommonTableExpr().GetCtequery().GetSelectStmt())
		}
	}
	if isSetOp(s) {
		c.SetOp = true
		c.selectStmt(s.Larg)
		c.selectStmt(s.Rarg)
	}
	if len(s.FromClause) > 1 {
		c.Join = true
	}
	for _, f := range s.FromClause {
		c.expr(f)
	}
	c.exprs(s.TargetList)
	for _, row := range s.ValuesLists {
		c.expr(row)
	}
	if s.WhereClause != nil {
		c.Where = true
		c.expr(s.WhereClause)
	}
	if len(s.GroupClause) > 0 {
		c.GroupBy = true
		c.exprs(s.GroupClause)
	}
	if s.HavingClause != nil {
		c.Having = true
		c.expr(s.HavingClause)
	}
	if len(s.WindowClause) > 0 {
		c.Window = true
	}
	if s.DistinctClause != nil {
		c.Distinct = true
	}
	if len(s.SortClause) > 0 {
		c.OrderBy = true
		c.exprs(s.SortClause)
	}
	if hasLimit(s) || s.LimitOffset != nil {
		c.Limit = true
	}
}

func (c *Clauses) exprs(nodes []*pg_query.Node) {
	for _, n := range nodes {
		c.expr(n)
	}
}

// expr looks through an expression or FROM item.
func (c *Clauses) expr(n *pg_query.Node) {
	switch x := n.GetNode().(type) {
	case nil:
		return
	case *pg_query.Node_SelectStmt:
		c.selectStmt(x.SelectStmt)
		return
	case *pg_query.Node_SubLink:
		c.Subquery = true
		c.expr(x.SubLink.Testexpr)
		c.selectStmt(x.SubLink.Subselect.GetSelectStmt())
		return
	case *pg_query.Node_RangeSubselect:
		c.Subquery = true
		c.selectStmt(x.RangeSubselect.Subquery.GetSelectStmt())
		return
	case *pg_query.Node_JoinExpr:
		c.Join = true
		c.expr(x.JoinExpr.Larg)
		c.expr(x.JoinExpr.Rarg)
		c.expr(x.JoinExpr.Quals)
		return
	case *pg_query.Node_RangeFunction:
		for _, f := range x.RangeFunction.Functions {
			c.expr(f)
		}
		return
	case *pg_query.Node_CaseExpr:
		c.Case = true
	case *pg_query.Node_FuncCall:
		switch {
		case x.FuncCall.Over != nil:
			c.Window = true
		case isAggregate(x.FuncCall):
			c.Aggregate = true
		}
		if x.FuncCall.AggDistinct {
			c.Distinct = true
		}
	}
	eachChild(n, c.expr)
}

// ClauseCounts counts, for each feature of Clauses, the queries of a set that use it.
type ClauseCounts struct {
	Queries   int `json:"queries"` // queries counted (those that parsed)
	Join      int `json:"join"`
	Where     int `json:"where"`
	GroupBy   int `json:"group_by"`
	Having    int `json:"having"`
	Aggregate int `json:"aggregate"`
	Subquery  int `json:"subquery"`
	Window    int `json:"window"`
	SetOp     int `json:"set_op"`
	CTE       int `json:"cte"`
	OrderBy   int `json:"order_by"`
	Limit     int `json:"limit"`
	Distinct  int `json:"distinct"`
	Case      int `json:"case"`
}

// Add counts one query's clauses.
func (k *ClauseCounts) Add(c Clauses) {
	k.Queries++
	for _, f := range []struct {
		used  bool
		count *int
	}{
		{c.Join, &k.Join}, {c.Where, &k.Where}, {c.GroupBy, &k.GroupBy}, {c.Having, &k.Having},
		{c.Aggregate, &k.Aggregate}, {c.Subquery, &k.Subquery}, {c.Window, &k.Window},
		{c.SetOp, &k.SetOp}, {c.CTE, &k.CTE}, {c.OrderBy, &k.OrderBy}, {c.Limit, &k.Limit},
		{c.Distinct, &k.Distinct}, {c.Case, &k.Case},
	} {
		if f.used {
			*f.count++
		}
	}
}

// MeasureClauses counts the clauses of queries; nil queries (SQL that did not parse) are skipped.
func MeasureClauses(queries []*Query) ClauseCounts {
	var k ClauseCounts
	for _, q := range queries {
		if q != nil {
			k.Add(q.Clauses())
		}
	}
	return k
}
