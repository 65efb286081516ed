package store

import "github.com/jackc/pgx/v5"

// collect scans every row of a query with scan, given what the query returned; what names the
// query in errors.
func collect[T any](rows pgx.Rows, err error, what string, scan pgx.RowToFunc[T]) ([]T, error) {
	if err != nil {
		return nil, classify(err, what)
	}
	out, err := pgx.CollectRows(rows, scan)
	return out, classify(err, what)
}

// countBy reads a query's (key, count) rows into out, given what the query returned; what names
// the query in errors.
func countBy(rows pgx.Rows, err error, what string, out map[string]int) (map[string]int, error) {
	if err != nil {
		return nil, classify(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, classify(err, what)
		}
		out[k] = n
	}
	return out, classify(rows.Err(), what)
}
