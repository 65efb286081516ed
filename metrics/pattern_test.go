package metrics

import (
	"math"
	"testing"
)

func pattern(t *testing.T, sql string) string {
	t.Helper()
	q, err := Parse(sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return q.Pattern()
}

func TestPattern_ReplacesNamesAndValuesWithPlaceholders(t *testing.T) {
	t.Parallel()
	tests := []struct{ sql, want string }{
		{"SELECT count(*) FROM singer", "SELECT count(*) FROM tab"},
		{"SELECT T1.name, T2.year AS y FROM singer AS T1 JOIN concert T2 ON T1.id = T2.singer_id WHERE T2.year = 2014 AND T1.name LIKE 'A%'",
			"SELECT col, col FROM tab JOIN tab ON col = col WHERE col = val AND col LIKE val"},
		{"SELECT name FROM t WHERE x NOT IN (SELECT x FROM u) ORDER BY age DESC LIMIT 3 OFFSET 1",
			"SELECT col FROM tab WHERE col NOT IN (SELECT col FROM tab) ORDER BY col DESC LIMIT val OFFSET val"},
		{"SELECT a FROM t UNION ALL SELECT b FROM u INTERSECT SELECT c FROM v",
			"SELECT col FROM tab UNION ALL (SELECT col FROM tab INTERSECT SELECT col FROM tab)"},
		{"WITH big AS (SELECT id FROM t WHERE n > 10) SELECT DISTINCT b.id FROM big b LEFT JOIN u USING (id)",
			"WITH tab AS (SELECT col FROM tab WHERE col > val) SELECT DISTINCT col FROM tab LEFT JOIN tab USING (col)"},
		{"SELECT x FROM t WHERE y IN (1, 2, 3) AND z BETWEEN 1 AND 5 AND w IS NOT NULL",
			"SELECT col FROM tab WHERE col BETWEEN val AND val AND col IN (vals) AND col IS NOT NULL"},
		{"SELECT CASE WHEN a > 0 THEN 'p' ELSE 'n' END, sum(b) FILTER (WHERE c) OVER (PARTITION BY d ORDER BY e) FROM t",
			"SELECT CASE WHEN col > val THEN val ELSE val END, sum(col) FILTER (WHERE col) OVER (PARTITION BY col ORDER BY col) FROM tab"},
		{"SELECT x FROM t WHERE (a = 1 OR b = 2) AND c = 3", "SELECT col FROM tab WHERE (col = val OR col = val) AND col = val"},
		{"SELECT x::int, count(DISTINCT y) FROM (SELECT x, y FROM t) s GROUP BY x HAVING count(*) > 1",
			"SELECT col::int4, count(DISTINCT col) FROM (SELECT col, col FROM tab) GROUP BY col HAVING count(*) > val"},
		{"SELECT x FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.a = t.a) AND y = (SELECT max(y) FROM t)",
			"SELECT col FROM tab WHERE EXISTS (SELECT val FROM tab WHERE col = col) AND col = (SELECT max(col) FROM tab)"},
	}
	for _, tt := range tests {
		if got := pattern(t, tt.sql); got != tt.want {
			t.Errorf("%s\n got: %s\nwant: %s", tt.sql, got, tt.want)
		}
	}
}

// Two queries share a pattern exactly when they have the same shape: names, values, aliases,
// comments and how many literals a list holds do not count; operators, functions, set operations,
// subqueries, ordering, DISTINCT and the number of output columns do.
func TestPattern_SharedExactlyByQueriesOfTheSameShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		same bool
	}{
		{"SELECT name FROM singer WHERE age > 30", "select  Title from SONGS as s where s.length>4.5;", true},
		{"SELECT a FROM t WHERE x = 1 AND y = 'b'", "SELECT a FROM t WHERE y = 'q' AND x = 7", true},
		{"SELECT a FROM t WHERE x IN (1)", "SELECT a FROM t WHERE x IN (1, 2, 3, 4)", true},
		{"SELECT a FROM t ORDER BY a", "SELECT a FROM t ORDER BY a ASC", true},
		{"SELECT a FROM t -- comment\n WHERE b = $1", "SELECT a FROM t WHERE b = 'x'", true},
		{"SELECT T1.a FROM t AS T1", "SELECT a FROM t", true},
		{"SELECT a FROM t WHERE x = 1", "SELECT a FROM t WHERE x > 1", false},
		{"SELECT a FROM t WHERE x = 1", "SELECT a FROM t WHERE x = 1 AND y = 2", false},
		{"SELECT count(a) FROM t", "SELECT max(a) FROM t", false},
		{"SELECT a FROM t UNION SELECT a FROM u", "SELECT a FROM t UNION ALL SELECT a FROM u", false},
		{"SELECT a FROM t WHERE x IN (SELECT x FROM u)", "SELECT a FROM t JOIN u ON t.x = u.x", false},
		{"SELECT a FROM t WHERE x IN (SELECT x FROM u WHERE y = 1)", "SELECT a FROM t WHERE x IN (SELECT x FROM u WHERE y > 1)", false},
		{"SELECT a FROM t ORDER BY a", "SELECT a FROM t ORDER BY a DESC", false},
		{"SELECT a FROM t", "SELECT DISTINCT a FROM t", false},
		{"SELECT a, b FROM t", "SELECT a FROM t", false},
	}
	for _, tt := range tests {
		a, b := pattern(t, tt.a), pattern(t, tt.b)
		switch {
		case tt.same && a != b:
			t.Errorf("%q and %q differ:\n%s\n%s", tt.a, tt.b, a, b)
		case !tt.same && a == b:
			t.Errorf("%q and %q share the pattern %s", tt.a, tt.b, a)
		}
	}
}

func TestEntropy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		counts     []int
		bits, even float64
	}{
		{"empty", nil, 0, 0},
		{"one pattern", []int{7}, 0, 0},
		{"zero counts are not categories", []int{0, 5, 0}, 0, 0},
		{"two equal", []int{3, 3}, 1, 1},
		{"four equal", []int{1, 1, 1, 1}, 2, 1},
		{"2:1:1", []int{2, 1, 1}, 1.5, 1.5 / math.Log2(3)},
		{"skewed", []int{9, 1}, -(0.9*math.Log2(0.9) + 0.1*math.Log2(0.1)), -(0.9*math.Log2(0.9) + 0.1*math.Log2(0.1))},
	}
	for _, tt := range tests {
		bits, even := Entropy(tt.counts)
		if math.Abs(bits-tt.bits) > 1e-12 || math.Abs(even-tt.even) > 1e-12 {
			t.Errorf("%s: got %v bits, evenness %v; want %v, %v", tt.name, bits, even, tt.bits, tt.even)
		}
	}
}

func TestMeasurePatterns_CountsRanksAndKeepsFirstExample(t *testing.T) {
	t.Parallel()
	var queries []*Query
	for _, sql := range []string{
		"SELECT a FROM t WHERE b = 1", // pattern P1
		"SELECT count(*) FROM t",      // P2
		"SELECT c FROM u WHERE d = 2", // P1
		"SELECT x FROM y WHERE z = 3", // P1
		"SELECT count(*) FROM u",      // P2
		"SELECT max(a) FROM t",        // P3
	} {
		q, err := Parse(sql)
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, q)
	}
	queries = append(queries, nil)
	got := MeasurePatterns(queries, 2)
	if got.Queries != 6 || got.Unique != 3 {
		t.Fatalf("queries %d, unique %d", got.Queries, got.Unique)
	}
	wantBits := -(0.5*math.Log2(0.5) + (2.0/6)*math.Log2(2.0/6) + (1.0/6)*math.Log2(1.0/6))
	if math.Abs(got.EntropyBits-wantBits) > 1e-12 || math.Abs(got.Evenness-wantBits/math.Log2(3)) > 1e-12 {
		t.Errorf("entropy %v, evenness %v; want %v", got.EntropyBits, got.Evenness, wantBits)
	}
	if len(got.Top) != 2 {
		t.Fatalf("top %+v", got.Top)
	}
	if p := got.Top[0]; p.Pattern != "SELECT col FROM tab WHERE col = val" || p.Count != 3 || p.Share != 0.5 || p.Example != "SELECT a FROM t WHERE b = 1" {
		t.Errorf("first %+v", p)
	}
	if p := got.Top[1]; p.Pattern != "SELECT count(*) FROM tab" || p.Count != 2 || p.Example != "SELECT count(*) FROM t" {
		t.Errorf("second %+v", p)
	}
}

// TestPattern_SpiderDev measures the patterns of the Spider dev gold over ten schemas: they are
// deterministic, and the commonest shape is the bare count.
func TestPattern_SpiderDev(t *testing.T) {
	t.Parallel()
	dev, _ := translatedSpiderDev(t)
	var queries []*Query
	for _, ex := range dev {
		q, err := Parse(ex.Query)
		if err != nil {
			t.Fatal(err)
		}
		if q.Pattern() != q.Pattern() {
			t.Fatalf("pattern of %q is not deterministic", ex.Query)
		}
		queries = append(queries, q)
	}
	st := MeasurePatterns(queries, 5)
	t.Logf("%d queries, %d patterns, H = %.3f bits, evenness %.3f; top: %+v", st.Queries, st.Unique, st.EntropyBits, st.Evenness, st.Top[0])
	if st.Unique < 50 || st.Unique > 250 || st.Top[0].Pattern != "SELECT count(*) FROM tab" {
		t.Errorf("unexpected pattern statistics: %d unique, top %q", st.Unique, st.Top[0].Pattern)
	}
}
