package metrics

import "testing"

// FuzzQuery_NeverPanics: whatever SQL a project holds, parsing either fails with an error or
// every measure runs to completion. The seeds cover the syntax the walkers know.
func FuzzQuery_NeverPanics(f *testing.F) {
	for _, sql := range []string{
		"SELECT count(*) FROM singer",
		`SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.id = T2.sid WHERE T2.year = "2014" OR T1.age > 3`,
		"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r",
		"SELECT a FROM t UNION ALL (SELECT b FROM u ORDER BY b LIMIT 1) EXCEPT SELECT c FROM w ORDER BY 1",
		"SELECT x, sum(y) FILTER (WHERE z) OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) FROM t WINDOW w AS (ORDER BY c)",
		"SELECT * FROM t, LATERAL (SELECT 1) s, generate_series(1, 3) AS g(i), ROWS FROM (f(1), g(2)) WITH ORDINALITY",
		"SELECT json_build_object('a', x), JSON_OBJECT('a': 1), JSON_ARRAYAGG(x ORDER BY y), x IS JSON, xmlelement(name a, b) FROM t",
		"SELECT a, b, count(*) FROM t GROUP BY ROLLUP (a, b), CUBE (c), GROUPING SETS ((a), ()) HAVING GROUPING(a) = 0",
		"SELECT DISTINCT ON (a) a, b[1], (c).f, d[1:2], ARRAY[1, 2], ROW(1, 2), e COLLATE \"C\" FROM t TABLESAMPLE bernoulli (10)",
		"SELECT CASE x WHEN 1 THEN 'a' END, coalesce(a, b), greatest(a, b), nullif(a, b), a IS DISTINCT FROM b, a = ANY (ARRAY[1]) FROM t",
		"SELECT x FROM t WHERE y NOT BETWEEN SYMMETRIC 1 AND 2 AND z NOT SIMILAR TO 'a' AND w IS NOT TRUE AND v <> ALL (SELECT v FROM u)",
		"SELECT x FROM (t NATURAL JOIN u) AS j FULL JOIN v USING (k) CROSS JOIN w FETCH FIRST 3 ROWS WITH TIES",
		"VALUES (1, 'a'), (2, 'b')",
		"SELECT current_date, $1, t.* FROM s.t FOR UPDATE",
		"SELECT 1; SELECT 2",
		"SELEC",
	} {
		f.Add(sql)
	}
	cat := NewCatalog(Schema{Tables: []Table{{Name: "t", Columns: []string{"a", "b", "c", "x", "y"}}, {Name: "u", Columns: []string{"a", "v"}}}})
	f.Fuzz(func(t *testing.T, sql string) {
		q, err := Parse(sql)
		if err != nil {
			return
		}
		if q.Pattern() == "" {
			t.Errorf("empty pattern for %q", sql)
		}
		q.Hardness()
		q.Clauses()
		q.Usage(cat)
	})
}
