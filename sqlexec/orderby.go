package sqlexec

import (
	"errors"
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// ErrNotSelect is returned by HasTopLevelOrderBy for a statement that is not a query.
var ErrNotSelect = errors.New("not a SELECT statement")

// HasTopLevelOrderBy reports whether the outermost SELECT or set operation of sql has an ORDER BY,
// which is when execution match compares rows in order (MatchOptions.OrderMatters). An ORDER BY
// inside a subquery, a CTE or a parenthesized branch of a set operation does not count: it does
// not fix the order of the final result. SQLite-flavoured SQL works as far as the PostgreSQL parser
// accepts it; when it cannot parse, the parse error is returned.
func HasTopLevelOrderBy(sql string) (bool, error) {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return false, fmt.Errorf("order by: parse: %w", err)
	}
	stmts := tree.GetStmts()
	if len(stmts) != 1 {
		return false, fmt.Errorf("order by: expected one statement, got %d", len(stmts))
	}
	sel := stmts[0].GetStmt().GetSelectStmt()
	if sel == nil {
		return false, fmt.Errorf("order by: %w", ErrNotSelect)
	}
	// The parser attaches a trailing ORDER BY to the node of the whole set operation, and folds
	// redundant parentheses around a plain SELECT into it, so the top node is all we need.
	return len(sel.GetSortClause()) > 0, nil
}
