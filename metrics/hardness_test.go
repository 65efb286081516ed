package metrics

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestHardness_ReproducesOfficialSpiderLabels classifies every gold query of the shared Spider dev
// set and compares with the label Spider's official evaluation script gave it.
func TestHardness_ReproducesOfficialSpiderLabels(t *testing.T) {
	t.Parallel()
	dev := readSpiderDev(t)
	f, err := os.Open(sharedData(t, "spider", "dev_hardness.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []Hardness
	sc := bufio.NewScanner(f)
	sc.Scan() // header: index, db_id, hardness, query
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), "\t", 4)
		if len(fields) != 4 {
			t.Fatalf("dev_hardness.tsv line %q: want 4 fields", sc.Text())
		}
		want = append(want, Hardness(fields[2]))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(want) != len(dev) {
		t.Fatalf("dev_hardness.tsv has %d labels, dev.json %d questions", len(want), len(dev))
	}

	got := map[Hardness]int{}
	mismatches := 0
	for i, ex := range dev {
		q, err := Parse(ex.Query)
		if err != nil {
			t.Errorf("#%d: %v", i, err)
			mismatches++
			continue
		}
		h, c := q.Hardness()
		got[h]++
		if h != want[i] {
			mismatches++
			t.Errorf("#%d: got %s %+v, official %s: %s", i, h, c, want[i], ex.Query)
		}
	}
	t.Logf("%d queries: %v; %d mismatches", len(dev), got, mismatches)
}

// TestHardness_ComponentsEqualSpidersOwnParse checks the three counts behind every level, not
// only the level: dev.json carries Spider's own parse of each gold query ("sql"), over which
// spiderComponents computes the counts exactly as evaluation.py does.
func TestHardness_ComponentsEqualSpidersOwnParse(t *testing.T) {
	t.Parallel()
	dev := readSpiderJSON[struct {
		Query string         `json:"query"`
		SQL   map[string]any `json:"sql"`
	}](t, "dev.json")
	for i, ex := range dev {
		q, err := Parse(ex.Query)
		if err != nil {
			t.Errorf("#%d: %v", i, err)
			continue
		}
		_, got := q.Hardness()
		if want := spiderComponents(ex.SQL); got != want {
			t.Errorf("#%d: got %+v, Spider's parse gives %+v: %s", i, got, want, ex.Query)
		}
	}
}

// spiderComponents is count_component1, count_component2 and count_others of Spider's
// evaluation.py, over its parse as stored in dev.json: lists for tuples, false/true for not_op,
// "and"/"or" between conditions.
func spiderComponents(sql map[string]any) HardnessComponents {
	list := func(v any) []any { l, _ := v.([]any); return l }
	every := func(l []any, from int) []any { // l[from::2]
		var out []any
		for i := from; i < len(l); i += 2 {
			out = append(out, l[i])
		}
		return out
	}
	// has_agg: unit[0] != 0, where unit[0] is an aggregate id, a not_op flag, or the first
	// letter of "and"/"or".
	hasAgg := func(u any) bool {
		switch x := u.(type) {
		case string:
			return true
		case []any:
			switch y := x[0].(type) {
			case bool:
				return y
			case float64:
				return y != 0
			}
		}
		return false
	}
	countAgg := func(units []any) int {
		n := 0
		for _, u := range units {
			if hasAgg(u) {
				n++
			}
		}
		return n
	}
	from := sql["from"].(map[string]any)
	conds, where, having := list(from["conds"]), list(sql["where"]), list(sql["having"])
	groupBy, orderBy := list(sql["groupBy"]), list(sql["orderBy"])
	units := append(append(every(conds, 0), every(where, 0)...), every(having, 0)...)
	connectors := append(append(every(conds, 1), every(where, 1)...), every(having, 1)...)

	var c HardnessComponents
	for _, clause := range []bool{len(where) > 0, len(groupBy) > 0, len(orderBy) > 0, sql["limit"] != nil} {
		if clause {
			c.Component1++
		}
	}
	if n := len(list(from["table_units"])); n > 0 {
		c.Component1 += n - 1
	}
	for _, tok := range connectors {
		if tok == "or" {
			c.Component1++
		}
	}
	const like = 9 // WHERE_OPS.index('like')
	for _, u := range units {
		if list(u)[1] == float64(like) {
			c.Component1++
		}
		for _, v := range list(u)[3:5] {
			if _, nested := v.(map[string]any); nested {
				c.Component2++
			}
		}
	}
	for _, op := range []string{"intersect", "except", "union"} {
		if sql[op] != nil {
			c.Component2++
		}
	}

	aggs := countAgg(list(list(sql["select"])[1])) + countAgg(every(where, 0)) + countAgg(groupBy)
	if len(orderBy) > 0 {
		var cols []any
		for _, vu := range list(orderBy[1]) {
			for _, cu := range list(vu)[1:3] {
				if cu != nil {
					cols = append(cols, cu)
				}
			}
		}
		aggs += countAgg(cols)
	}
	aggs += countAgg(having)
	for _, more := range []bool{aggs > 1, len(list(list(sql["select"])[1])) > 1, len(where) > 1, len(groupBy) > 1} {
		if more {
			c.Others++
		}
	}
	return c
}

func TestHardnessComponents_LevelThresholds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    HardnessComponents
		want Hardness
	}{
		{HardnessComponents{0, 0, 0}, Easy},
		{HardnessComponents{1, 0, 0}, Easy},
		{HardnessComponents{1, 0, 1}, Medium},
		{HardnessComponents{1, 0, 2}, Medium},
		{HardnessComponents{2, 0, 0}, Medium},
		{HardnessComponents{2, 0, 1}, Medium},
		{HardnessComponents{2, 0, 2}, Extra}, // neither medium rule, nor any hard rule
		{HardnessComponents{1, 0, 3}, Hard},
		{HardnessComponents{2, 0, 3}, Hard},
		{HardnessComponents{3, 0, 2}, Hard},
		{HardnessComponents{0, 1, 0}, Hard},
		{HardnessComponents{1, 1, 0}, Hard},
		{HardnessComponents{1, 1, 1}, Extra},
		{HardnessComponents{0, 2, 0}, Extra},
		{HardnessComponents{4, 0, 0}, Extra},
		{HardnessComponents{3, 0, 3}, Extra},
	}
	for _, tt := range tests {
		if got := tt.c.Level(); got != tt.want {
			t.Errorf("%+v: got %s, want %s", tt.c, got, tt.want)
		}
	}
}

// TestHardness_CountsSpidersRulesOnPostgreSQL pins the rules (and their extension beyond
// Spider's grammar) on queries written for PostgreSQL.
func TestHardness_CountsSpidersRulesOnPostgreSQL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sql  string
		want HardnessComponents
	}{
		{"plain select", "SELECT name FROM singer", HardnessComponents{0, 0, 0}},
		{"count(*) is one aggregate", "SELECT count(*) FROM singer", HardnessComponents{0, 0, 0}},
		{"two aggregates, two columns", "SELECT max(age), min(age) FROM singer", HardnessComponents{0, 0, 2}},
		{"WHERE, ORDER BY and LIMIT", "SELECT name FROM singer WHERE age > 3 ORDER BY age LIMIT 1", HardnessComponents{3, 0, 0}},
		{"LIMIT ALL limits nothing", "SELECT name FROM singer LIMIT ALL", HardnessComponents{0, 0, 0}},
		{"each joined table counts", "SELECT a.x FROM a JOIN b ON a.id = b.id JOIN c ON b.id = c.id", HardnessComponents{2, 0, 0}},
		{"a comma join counts too", "SELECT a.x FROM a, b WHERE a.id = b.id", HardnessComponents{2, 0, 0}},
		{"OR and LIKE in WHERE", "SELECT x FROM a WHERE y LIKE 'a%' OR z = 1", HardnessComponents{3, 0, 1}},
		{"ILIKE counts as LIKE", "SELECT x FROM a WHERE y ILIKE 'a%'", HardnessComponents{2, 0, 0}},
		{"OR in JOIN ON counts, ON is not WHERE", "SELECT a.x FROM a JOIN b ON a.id = 1 OR b.id = 2", HardnessComponents{2, 0, 0}},
		{"an OR after a column value is swallowed, as Spider's parser does", "SELECT a.x FROM a JOIN b ON a.id = b.id OR a.id = b.other", HardnessComponents{1, 0, 0}},
		{"a double-quoted value is a string for Spider", `SELECT x FROM a WHERE y = "v" OR z = 1`, HardnessComponents{2, 0, 1}},
		{"IN subquery is nested", "SELECT x FROM a WHERE y IN (SELECT y FROM b)", HardnessComponents{1, 1, 0}},
		{"NOT IN is nested and counts as an aggregate", "SELECT count(*) FROM a WHERE y NOT IN (SELECT y FROM b)", HardnessComponents{1, 1, 1}},
		{"scalar subquery is nested", "SELECT x FROM a WHERE y > (SELECT avg(y) FROM a)", HardnessComponents{1, 1, 0}},
		{"a subquery in FROM is a table unit, not nested", "SELECT count(*) FROM (SELECT x FROM a) AS s, b", HardnessComponents{1, 0, 0}},
		{"set operation: one nested, first query counted", "SELECT x FROM a WHERE y = 1 UNION SELECT x FROM b ORDER BY x LIMIT 3", HardnessComponents{1, 1, 0}},
		{"HAVING connectors count as aggregates", "SELECT count(*) FROM a GROUP BY x HAVING count(*) > 1 AND sum(y) > 2", HardnessComponents{1, 0, 1}},
		{"ORDER BY aggregate", "SELECT x, count(*) FROM a GROUP BY x ORDER BY count(*) DESC", HardnessComponents{2, 0, 2}},
		{"two GROUP BY items", "SELECT x, y FROM a GROUP BY x, y", HardnessComponents{1, 0, 2}},
		{"a CTE is a nested query", "WITH s AS (SELECT x FROM a) SELECT x FROM s", HardnessComponents{0, 1, 0}},
		{"IS NOT NULL is written with NOT", "SELECT x FROM a WHERE y IS NOT NULL AND z NOT LIKE 'q'", HardnessComponents{2, 0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if _, got := q.Hardness(); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
