package metrics

import "testing"

func TestClauses_FindsFeaturesAnywhereInTheQuery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sql  string
		want Clauses
	}{
		{"SELECT name FROM singer", Clauses{}},
		{"SELECT count(*) FROM singer WHERE age > 3", Clauses{Aggregate: true, Where: true}},
		{"SELECT a.x FROM a, b", Clauses{Join: true}},
		{"SELECT a.x FROM a LEFT JOIN b ON a.id = b.id", Clauses{Join: true}},
		{"SELECT x, count(*) FROM t GROUP BY x HAVING count(*) > 1 ORDER BY 2 DESC LIMIT 3",
			Clauses{Aggregate: true, GroupBy: true, Having: true, OrderBy: true, Limit: true}},
		{"SELECT x FROM t OFFSET 5", Clauses{Limit: true}},
		{"SELECT DISTINCT x FROM t", Clauses{Distinct: true}},
		{"SELECT count(DISTINCT x) FROM t", Clauses{Distinct: true, Aggregate: true}},
		{"SELECT rank() OVER (ORDER BY x) FROM t", Clauses{Window: true}},
		{"SELECT sum(x) OVER w FROM t WINDOW w AS (PARTITION BY y)", Clauses{Window: true}},
		{"SELECT CASE WHEN x > 1 THEN 1 ELSE 0 END FROM t", Clauses{Case: true}},
		{"SELECT x FROM t UNION SELECT x FROM u", Clauses{SetOp: true}},
		{"WITH s AS (SELECT x FROM t GROUP BY x) SELECT x FROM s", Clauses{CTE: true, GroupBy: true}},
		{"SELECT x FROM t WHERE y IN (SELECT y FROM u JOIN v ON u.a = v.a)", Clauses{Where: true, Subquery: true, Join: true}},
		{"SELECT s.x FROM (SELECT DISTINCT x FROM t) s", Clauses{Subquery: true, Distinct: true}},
		{"SELECT (SELECT max(y) FROM u) FROM t", Clauses{Subquery: true, Aggregate: true}},
		{"SELECT x FROM t UNION SELECT x FROM u WHERE CASE WHEN y THEN true END ORDER BY x LIMIT 1",
			Clauses{SetOp: true, Where: true, Case: true, OrderBy: true, Limit: true}},
	}
	for _, tt := range tests {
		q, err := Parse(tt.sql)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Clauses(); got != tt.want {
			t.Errorf("%s\n got %+v\nwant %+v", tt.sql, got, tt.want)
		}
	}
}

func TestMeasureClauses_CountsQueriesPerFeature(t *testing.T) {
	t.Parallel()
	var queries []*Query
	for _, sql := range []string{
		"SELECT x FROM t WHERE y = 1",
		"SELECT x FROM t JOIN u ON t.a = u.a WHERE y = 1 ORDER BY x",
		"SELECT count(*) FROM t",
	} {
		q, err := Parse(sql)
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, q)
	}
	got := MeasureClauses(append(queries, nil))
	want := ClauseCounts{Queries: 3, Where: 2, Join: 1, OrderBy: 1, Aggregate: 1}
	if got != want {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
}
