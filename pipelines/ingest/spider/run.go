package spider

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/goldset/goldset/sqlexec"
)

// RunSQLite runs query on a SQLite database and returns what it produced as a sqlexec.Result:
// values as int64, float64, string, []byte or nil; at most maxRows rows kept (0: no cap), the
// rest counted in RowCount; a failure as Result.Error.
func RunSQLite(ctx context.Context, db *sql.DB, query string, maxRows int) *sqlexec.Result {
	var rows [][]any
	res := StreamSQLite(ctx, db, query, 0, func(row []any) {
		if maxRows <= 0 || len(rows) < maxRows {
			rows = append(rows, row)
		}
	})
	res.Truncated = maxRows > 0 && res.RowCount > maxRows
	if res.OK() {
		res.Rows = rows
		if res.Rows == nil {
			res.Rows = [][]any{}
		}
	}
	return res
}

// StreamSQLite runs query on a SQLite database and hands every row to fn as it is read, holding
// none: the Result has the columns, RowCount and Error. Past maxRows rows (0: no cap) reading stops
// and the result is Truncated. Values are as RunSQLite's; each row is a new slice.
func StreamSQLite(ctx context.Context, db *sql.DB, query string, maxRows int, fn func(row []any)) *sqlexec.Result {
	start := time.Now()
	res := &sqlexec.Result{}
	defer func() { res.Elapsed = time.Since(start) }()
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer rows.Close()
	names, err := rows.Columns()
	if err != nil {
		res.Error = err.Error()
		return res
	}
	types, _ := rows.ColumnTypes()
	res.Columns = make([]sqlexec.ResultColumn, len(names))
	for i, n := range names {
		res.Columns[i].Name = n
		if i < len(types) {
			res.Columns[i].Type = strings.ToLower(types[i].DatabaseTypeName())
		}
	}
	for rows.Next() {
		if maxRows > 0 && res.RowCount >= maxRows {
			res.Truncated = true
			return res
		}
		res.RowCount++
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			res.Error = err.Error()
			return res
		}
		for i, v := range vals {
			vals[i] = canonicalSQLite(v)
		}
		fn(vals)
	}
	if err := rows.Err(); err != nil {
		res.Error = err.Error()
	}
	return res
}

// canonicalSQLite maps what the driver returns to SQLite's own storage classes. The driver turns
// text in DATE/DATETIME/TIMESTAMP columns into time.Time; it is written back as SQLite text.
func canonicalSQLite(v any) any {
	switch x := v.(type) {
	case time.Time:
		return timeText(x)
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	case int:
		return int64(x)
	case int32:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}
