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
