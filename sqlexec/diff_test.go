package sqlexec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		gold, pred *Result
		opt        MatchOptions
		limit      int
		want       ResultDiff
	}{
		{
			name: "equal results differ in nothing",
			gold: res(2, row(int64(1), "a"), row(int64(2), "b")),
			pred: res(2, row("b", 2.0), row("a", int64(1))),
			want: ResultDiff{OnlyInGold: [][]any{}, OnlyInPred: [][]any{}, FirstOrderDifference: -1, ColumnMapping: []int{1, 0}},
		},
		{
			name: "rows on each side after aligning permuted columns",
			gold: res(2, row(int64(1), "a"), row(int64(2), "b"), row(int64(3), "c")),
			pred: res(2, row("b", int64(2)), row("a", int64(1)), row("d", int64(4))),
			want: ResultDiff{
				OnlyInGold: [][]any{{int64(3), "c"}}, OnlyInGoldCount: 1,
				OnlyInPred: [][]any{{"d", int64(4)}}, OnlyInPredCount: 1,
				FirstOrderDifference: -1, ColumnMapping: []int{1, 0},
			},
		},
		{
			name: "a missing duplicate",
			gold: res(1, row("x"), row("x"), row("y")),
			pred: res(1, row("y"), row("x")),
			want: ResultDiff{OnlyInGold: [][]any{{"x"}}, OnlyInGoldCount: 1, OnlyInPred: [][]any{}, FirstOrderDifference: -1, ColumnMapping: []int{0}},
		},
		{
			name:  "limit lists the first rows in result order and counts them all",
			gold:  res(1, row(int64(5)), row(int64(4)), row(int64(3)), row(int64(9))),
			pred:  res(1, row(int64(9))),
			limit: 2,
			want:  ResultDiff{OnlyInGold: [][]any{{int64(5)}, {int64(4)}}, OnlyInGoldCount: 3, OnlyInPred: [][]any{}, FirstOrderDifference: -1, ColumnMapping: []int{0}},
		},
		{
			name: "order difference when order matters",
			gold: res(1, row("a"), row("b"), row("c")),
			pred: res(1, row("a"), row("c"), row("b")),
			opt:  MatchOptions{OrderMatters: true},
			want: ResultDiff{OnlyInGold: [][]any{}, OnlyInPred: [][]any{}, FirstOrderDifference: 1, ColumnMapping: []int{0}},
		},
		{
			name: "a shorter pred differs in order where it ends",
			gold: res(1, row("a"), row("b")),
			pred: res(1, row("a")),
			opt:  MatchOptions{OrderMatters: true},
			want: ResultDiff{OnlyInGold: [][]any{{"b"}}, OnlyInGoldCount: 1, OnlyInPred: [][]any{}, FirstOrderDifference: 1, ColumnMapping: []int{0}},
		},
		{
			name: "different widths list everything, unaligned",
			gold: res(2, row(int64(1), "a")),
			pred: res(1, row(int64(1))),
			want: ResultDiff{OnlyInGold: [][]any{{int64(1), "a"}}, OnlyInGoldCount: 1, OnlyInPred: [][]any{{int64(1)}}, OnlyInPredCount: 1, FirstOrderDifference: -1},
		},
		{
			name: "a failed pred contributes no rows",
			gold: res(1, row(int64(1))),
			pred: &Result{Error: "boom"},
			want: ResultDiff{OnlyInGold: [][]any{{int64(1)}}, OnlyInGoldCount: 1, OnlyInPred: [][]any{}, FirstOrderDifference: -1},
		},
		{
			name: "best alignment by shared values when rows differ",
			gold: res(3, row(int64(1), "a", 10.0), row(int64(2), "b", 20.0)),
			pred: res(3, row(20.0, "b", int64(2)), row(30.0, "c", int64(1))),
			want: ResultDiff{
				OnlyInGold: [][]any{{int64(1), "a", 10.0}}, OnlyInGoldCount: 1,
				OnlyInPred: [][]any{{30.0, "c", int64(1)}}, OnlyInPredCount: 1,
				FirstOrderDifference: -1, ColumnMapping: []int{2, 1, 0},
			},
		},
		{
			name: "tolerance applies",
			gold: res(1, row(tenth+fifth)),
			pred: res(1, row(0.3)),
			want: ResultDiff{OnlyInGold: [][]any{}, OnlyInPred: [][]any{}, FirstOrderDifference: -1, ColumnMapping: []int{0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := tt.limit
			if limit == 0 {
				limit = 10
			}
			got := Diff(tt.gold, tt.pred, tt.opt, limit)
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Diff =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestDiff_ZeroLimitCountsOnly(t *testing.T) {
	t.Parallel()
	got := Diff(res(1, row(int64(1)), row(int64(2))), res(1, row(int64(3))), MatchOptions{}, 0)
	if len(got.OnlyInGold) != 0 || got.OnlyInGoldCount != 2 || got.OnlyInPredCount != 1 {
		t.Fatalf("Diff = %+v", got)
	}
	all := Diff(res(1, row(int64(1)), row(int64(2))), res(1, row(int64(3))), MatchOptions{}, -1)
	if len(all.OnlyInGold) != 2 {
		t.Fatalf("negative limit should list all: %+v", all)
	}
}

func TestDiff_AgreesWithMatch(t *testing.T) {
	t.Parallel()
	// Whenever Match says equal, Diff shows no rows; whenever the row multisets differ, it shows some.
	rng := newTestRand(11)
	for n := 0; n < 200; n++ {
		gold := randomResult(rng)
		pred := scramble(rng, gold, true)
		if len(pred.Rows) > 0 && rng.IntN(2) == 0 {
			pred.Rows = pred.Rows[1:]
		}
		m := Match(gold, pred, MatchOptions{})
		d := Diff(gold, pred, MatchOptions{}, -1)
		empty := d.OnlyInGoldCount == 0 && d.OnlyInPredCount == 0
		if m.Match != empty {
			t.Fatalf("case %d: Match %v (%s) but Diff %+v", n, m.Match, m.Reason, d)
		}
	}
}

func TestDiff_JSONFieldNames(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Diff(res(1, row(int64(1))), res(1, row(int64(2))), MatchOptions{}, 5))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"only_in_gold", "only_in_pred", "only_in_gold_count", "only_in_pred_count", "first_order_difference", "column_mapping"} {
		if !strings.Contains(string(b), fmt.Sprintf("%q:", key)) {
			t.Errorf("JSON %s lacks %q", b, key)
		}
	}
}
