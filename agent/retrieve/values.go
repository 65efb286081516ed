package retrieve

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/store"
)

// Bounds of the values indexed.
const (
	// ValuesPerColumn is how many distinct values of a text column are indexed, the most frequent
	// first: enough for names and categories, bounded for free text.
	ValuesPerColumn = 50
	maxValueLen     = 120    // characters of one value kept
	valueScanRows   = 100000 // rows of a table read for its values: a bound on huge tables
	valuesPerBatch  = 256    // tables per round trip
)

// Querier sends batches of queries: a *pgxpool.Pool on the platform database, whose role owns the
// target schemas.
type Querier interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// ReadValues reads the distinct values of every text column of tables from the version's schema
// (up to perColumn a column, the most frequent first), by table position. The SQL names only
// identifiers of the registry, quoted; it runs as the platform role, not through the sandbox,
// because it is the product's own query over a whole version.
func ReadValues(ctx context.Context, q Querier, schema string, tables []store.DBTable, perColumn int) (map[int]Values, error) {
	if perColumn <= 0 {
		perColumn = ValuesPerColumn
	}
	type job struct {
		pos  int
		cols []string
	}
	var jobs []job
	var sqls []string
	for _, t := range tables {
		var cols []columnMeta
		if err := json.Unmarshal(t.Columns, &cols); err != nil {
			return nil, fmt.Errorf("retrieve: table %s: columns: %w", t.Name, err)
		}
		var text []string
		for _, c := range cols {
			if c.Type == "text" || c.Type == "bigint" {
				text = append(text, c.Name)
			}
		}
		if len(text) == 0 || t.RowCount == 0 {
			continue
		}
		rel := pgx.Identifier{schema, t.Name}.Sanitize()
		parts := make([]string, len(text))
		for i, c := range text {
			col := pgx.Identifier{c}.Sanitize() + "::text"
			parts[i] = fmt.Sprintf(`ARRAY(SELECT left(v, %d) FROM (SELECT %s AS v, count(*) AS n FROM (SELECT %s FROM %s LIMIT %d) AS r
				WHERE %s IS NOT NULL AND %s <> '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT %d) AS d)`,
				maxValueLen, col, col, rel, valueScanRows, col, col, perColumn)
		}
		jobs = append(jobs, job{pos: t.Position, cols: text})
		sqls = append(sqls, "SELECT "+strings.Join(parts, ", "))
	}
	out := make(map[int]Values, len(jobs))
	for lo := 0; lo < len(jobs); lo += valuesPerBatch {
		hi := min(lo+valuesPerBatch, len(jobs))
		b := &pgx.Batch{}
		for _, s := range sqls[lo:hi] {
			b.Queue(s)
		}
		br := q.SendBatch(ctx, b)
		for _, j := range jobs[lo:hi] {
			arrays := make([][]string, len(j.cols))
			dest := make([]any, len(j.cols))
			for i := range arrays {
				dest[i] = &arrays[i]
			}
			if err := br.QueryRow().Scan(dest...); err != nil {
				br.Close()
				return nil, fmt.Errorf("retrieve: values of table at position %d in %s: %w", j.pos, schema, err)
			}
			v := make(Values, len(j.cols))
			for i, c := range j.cols {
				v[c] = arrays[i]
			}
			out[j.pos] = v
		}
		if err := br.Close(); err != nil {
			return nil, fmt.Errorf("retrieve: values in %s: %w", schema, err)
		}
	}
	return out, nil
}
