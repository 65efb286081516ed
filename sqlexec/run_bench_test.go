package sqlexec

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// BenchmarkRun is the sandbox's cost for a small query against one target, next to the same query
// on a plain connection (prepared statement, search_path set) in the same run.
func BenchmarkRun(b *testing.B) {
	s := newSandbox(b, ExecOptions{})
	ctx := context.Background()
	q := "SELECT name, age FROM singer WHERE id > 1 ORDER BY name"
	b.Run("sandbox", func(b *testing.B) {
		for range b.N {
			if res := s.exec.Run(ctx, s.a, q); !res.OK() {
				b.Fatal(res.Error)
			}
		}
	})
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheStatement, pgx.QueryExecModeExec} {
		b.Run("direct-"+mode.String(), func(b *testing.B) {
			conn, err := s.admins.Acquire(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Release()
			if _, err := conn.Exec(ctx, "SET search_path = "+s.a.Schema); err != nil {
				b.Fatal(err)
			}
			for range b.N {
				rows, err := conn.Query(ctx, q, mode)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					rows.Values()
				}
				if rows.Err() != nil {
					b.Fatal(rows.Err())
				}
			}
		})
	}
}
