package sqlexec

import "testing"

func TestAnswerMatch(t *testing.T) {
	t.Parallel()
	col := func(vals ...any) *Result {
		r := &Result{Columns: []ResultColumn{{Name: "x"}}}
		for _, v := range vals {
			r.Rows = append(r.Rows, []any{v})
		}
		r.RowCount = len(r.Rows)
		return r
	}
	cases := []struct {
		name    string
		res     *Result
		answers []string
		want    bool
	}{
		{"same text", col("Norway"), []string{"Norway"}, true},
		{"case and spaces", col("  united   STATES "), []string{"United States"}, true},
		{"number by value", col(int64(12467)), []string{"12,467"}, true},
		{"float equals integer answer", col(float64(3)), []string{"3"}, true},
		{"decimal text", col("2.50"), []string{"2.5"}, true},
		{"a list as a set", col("b", "a", "a"), []string{"a", "b"}, true},
		{"missing a value", col("a"), []string{"a", "b"}, false},
		{"wrong value", col("Sweden"), []string{"Norway"}, false},
		{"numbers differ", col(int64(12466)), []string{"12467"}, false},
		{"one row of several columns", &Result{Columns: []ResultColumn{{Name: "a"}, {Name: "b"}}, Rows: [][]any{{"x", "y"}}, RowCount: 1}, []string{"y", "x"}, true},
		{"a table is no answer", &Result{Columns: []ResultColumn{{Name: "a"}, {Name: "b"}}, Rows: [][]any{{"x", "y"}, {"z", "w"}}, RowCount: 2}, []string{"x"}, false},
		{"failed query", &Result{Error: "boom"}, []string{"x"}, false},
		{"truncated", &Result{Columns: []ResultColumn{{Name: "x"}}, Rows: [][]any{{"x"}}, Truncated: true}, []string{"x"}, false},
		{"no answer", col("x"), nil, false},
		{"trailing punctuation", col("Paris."), []string{"paris"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, reason := AnswerMatch(c.res, c.answers)
			if got != c.want {
				t.Fatalf("AnswerMatch = %v (%s), want %v", got, reason, c.want)
			}
			if reason == "" {
				t.Error("no reason given")
			}
		})
	}
}
