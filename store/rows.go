package store

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// execer is what both a pool and a transaction can do to change rows.
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// querier is what both a pool and a transaction can do, so that one query serves inside and
// outside a transaction.
type querier interface {
	execer
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// A record read by several queries has a columns constant and a fields function that lists the
// record's scan targets in the order of those columns (runColumns and runFields, say). A query
// that reads more than the record puts its own targets around them.

// scanRow reads one row into a new T through fields.
func scanRow[T any](row pgx.Row, fields func(*T) []any) (T, error) {
	var v T
	err := row.Scan(fields(&v)...)
	return v, err
}

// queryAll runs a query on q and reads every row into a new T through fields; what names the
// query in errors.
func queryAll[T any](ctx context.Context, q querier, what string, fields func(*T) []any, sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	return collect(rows, err, what, func(row pgx.CollectableRow) (T, error) { return scanRow(row, fields) })
}

// nullJSON is a JSON query argument: an absent value (nil) as SQL NULL, a present one as its text.
func nullJSON(b json.RawMessage) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// collect scans every row of a query with scan, given what the query returned; what names the
// query in errors.
func collect[T any](rows pgx.Rows, err error, what string, scan pgx.RowToFunc[T]) ([]T, error) {
	if err != nil {
		return nil, classify(err, what)
	}
	out, err := pgx.CollectRows(rows, scan)
	return out, classify(err, what)
}

// collectMap reads a query's (key, value) rows into out (which may hold defaults, such as zero
// counts), given what the query returned; what names the query in errors.
func collectMap[K comparable, V any](rows pgx.Rows, err error, what string, out map[K]V) (map[K]V, error) {
	if err != nil {
		return nil, classify(err, what)
	}
	defer rows.Close()
	for rows.Next() {
		var k K
		var v V
		if err := rows.Scan(&k, &v); err != nil {
			return nil, classify(err, what)
		}
		out[k] = v
	}
	return out, classify(rows.Err(), what)
}
