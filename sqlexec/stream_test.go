package sqlexec

import (
	"context"
	"strings"
	"testing"
)

func TestRunStream_HandsEveryRowPastTheInteractiveCapAndHoldsNone(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{MaxRows: 1000, MaxBytes: 64 << 10})
	ctx := context.Background()
	var n, sum int64
	res := s.exec.RunStream(ctx, s.a, "SELECT g::bigint, repeat('x', 100) FROM generate_series(1, 50000) g", 1_000_000, func(row []any) {
		n++
		sum += row[0].(int64)
	})
	// 50,000 rows of ~100 bytes: fifty times the row cap and eighty times the byte cap.
	if !res.OK() || res.Truncated || res.RowCount != 50000 || n != 50000 || sum != 50000*50001/2 || res.Rows != nil || len(res.Columns) != 2 {
		t.Fatalf("streamed %d rows (sum %d): %+v", n, sum, res.Error)
	}
	// Its own cap stops the query and says so.
	n = 0
	res = s.exec.RunStream(ctx, s.a, "SELECT g FROM generate_series(1, 50000) g", 1200, func([]any) { n++ })
	if !res.Truncated || n != 1200 || res.RowCount != 1200 {
		t.Errorf("capped at 1200: %d rows, %+v", n, res)
	}
	// A single row past MaxBytes is still refused unread, and the sandbox's checks still apply.
	res = s.exec.RunStream(ctx, s.a, "SELECT repeat('x', 200000)", 10, func([]any) {})
	if !res.Truncated {
		t.Errorf("a row past the byte cap: %+v", res)
	}
	res = s.exec.RunStream(ctx, s.a, "DELETE FROM singer", 10, func([]any) {})
	if res.OK() || !strings.Contains(res.Error, "refused") {
		t.Errorf("a write: %+v", res)
	}
	// After all of that, the sandbox runs as before.
	if r := s.exec.Run(ctx, s.a, "SELECT count(*) FROM singer"); !r.OK() || r.Rows[0][0] != int64(3) {
		t.Errorf("afterwards: %+v", r)
	}
}

func TestCompareDigests_FollowsMatchOnLargeResults(t *testing.T) {
	t.Parallel()
	rows := func(n int, change func(i int, row []any)) (*Result, *ResultDigest) {
		d := NewResultDigest(100, 1<<20)
		for i := range n {
			row := []any{int64(i + 1), "name", float64(i) / 4}
			if change != nil {
				change(i, row)
			}
			d.Add(row)
		}
		return &Result{Columns: []ResultColumn{{Name: "id"}, {Name: "name"}, {Name: "score"}}, RowCount: n}, d
	}
	g, gd := rows(5000, nil)
	cases := []struct {
		name    string
		pred    func() (*Result, *ResultDigest)
		ordered bool
		match   bool
		reason  string
	}{
		{"the same rows", func() (*Result, *ResultDigest) { return rows(5000, nil) }, true, true, "equal (all 5000 rows compared by hash)"},
		{"numbers of other types", func() (*Result, *ResultDigest) {
			return rows(5000, func(i int, r []any) { r[0] = float64(i + 1) })
		}, true, true, "equal"},
		{"row 1500 differs, in order", func() (*Result, *ResultDigest) {
			return rows(5000, func(i int, r []any) {
				if i == 1499 {
					r[1] = "Name"
				}
			})
		}, true, false, "rows differ: gold row 1500 is not pred row 1500"},
		{"row 1500 differs, as a multiset", func() (*Result, *ResultDigest) {
			return rows(5000, func(i int, r []any) {
				if i == 1499 {
					r[2] = nil
				}
			})
		}, false, false, "rows differ: gold row 1500 has no equal pred row (1 of 5000 rows without one)"},
		{"shuffled, as a multiset", func() (*Result, *ResultDigest) {
			return rows(5000, func(i int, r []any) { r[0], r[2] = int64(5000-i), float64(4999-i)/4 })
		}, false, true, "equal"},
		{"shuffled, in order", func() (*Result, *ResultDigest) {
			return rows(5000, func(i int, r []any) { r[0], r[2] = int64(5000-i), float64(4999-i)/4 })
		}, true, false, "order differs (first at row 1)"},
		{"a duplicate instead of a row", func() (*Result, *ResultDigest) {
			return rows(5000, func(i int, r []any) {
				if i == 4999 {
					r[0], r[2] = int64(1), float64(0)
				}
			})
		}, false, false, "rows differ: gold row 5000 has no equal pred row"},
		{"a row fewer", func() (*Result, *ResultDigest) { return rows(4999, nil) }, false, false, "row count differs (gold 5000, pred 4999)"},
		{"a column fewer", func() (*Result, *ResultDigest) {
			r, d := rows(5000, nil)
			r.Columns = r.Columns[:2]
			return r, d
		}, false, false, "column count differs (gold 3, pred 2)"},
		{"truncated", func() (*Result, *ResultDigest) {
			r, d := rows(5000, nil)
			r.Truncated = true
			return r, d
		}, false, false, "pred has more than 5000 rows: past the cap of a full comparison"},
		{"failed", func() (*Result, *ResultDigest) { return &Result{Error: "boom"}, NewResultDigest(1, 1) }, false, false, "pred failed: boom"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, pd := c.pred()
			m := CompareDigests(g, p, gd, pd, MatchOptions{OrderMatters: c.ordered})
			if m.Match != c.match || !strings.HasPrefix(m.Reason, c.reason) && !strings.Contains(m.Reason, c.reason) {
				t.Errorf("match %v (%s), want %v (%s)", m.Match, m.Reason, c.match, c.reason)
			}
		})
	}
	if gd.Complete() || len(gd.Rows()) != 0 {
		t.Errorf("5000 rows past a digest that keeps 100: complete %v, %d held", gd.Complete(), len(gd.Rows()))
	}
}
