package sqlexec

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// res builds an OK result with ncols unnamed columns.
func res(ncols int, rows ...[]any) *Result {
	cols := make([]ResultColumn, ncols)
	for j := range cols {
		cols[j] = ResultColumn{Name: fmt.Sprintf("c%d", j+1)}
	}
	if rows == nil {
		rows = [][]any{}
	}
	return &Result{Columns: cols, Rows: rows, RowCount: len(rows)}
}

func row(v ...any) []any { return v }

func numeric(unscaled int64, exp int32) pgtype.Numeric {
	return pgtype.Numeric{Int: big.NewInt(unscaled), Exp: exp, Valid: true}
}

func utc(y int, m time.Month, d, hh, mm, ss int) time.Time {
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

// Variables, not constants: Go folds the constant 0.1 + 0.2 to exactly 0.3.
var tenth, fifth = 0.1, 0.2

func TestMatch_Rules(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CET", 3600)
	}
	failed := &Result{Error: "syntax error at or near \"FORM\""}
	tests := []struct {
		name       string
		gold, pred *Result
		opt        MatchOptions
		want       bool
		reason     string // substring of the reason
	}{
		// Numbers by value.
		{"int equals float", res(1, row(int64(1))), res(1, row(1.0)), MatchOptions{}, true, "equal"},
		{"int equals numeric 1.00", res(1, row(int64(1))), res(1, row(numeric(100, -2))), MatchOptions{}, true, "equal"},
		{"int32 equals int64", res(1, row(int32(7))), res(1, row(int64(7))), MatchOptions{}, true, "equal"},
		{"numeric 0.10 equals numeric 0.1", res(1, row(numeric(10, -2))), res(1, row(numeric(1, -1))), MatchOptions{}, true, "equal"},
		{"numeric 0.1 equals float 0.1", res(1, row(numeric(1, -1))), res(1, row(0.1)), MatchOptions{}, true, "equal"},
		{"numeric 1.5 is not 1.6", res(1, row(numeric(15, -1))), res(1, row(numeric(16, -1))), MatchOptions{}, false, "rows differ"},
		{"numeric with positive exponent", res(1, row(numeric(12, 3))), res(1, row(int64(12000))), MatchOptions{}, true, "equal"},
		{"big ints compare exactly", res(1, row(int64(9007199254740993))), res(1, row(int64(9007199254740992))), MatchOptions{}, false, "rows differ"},
		{"huge numerics compare exactly", res(1, row(pgtype.Numeric{Int: new(big.Int).Lsh(big.NewInt(1), 80), Valid: true})),
			res(1, row(pgtype.Numeric{Int: new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 80), big.NewInt(1)), Valid: true})), MatchOptions{}, false, "rows differ"},
		{"float32 0.1 equals numeric 0.1 without tolerance", res(1, row(float32(0.1))), res(1, row(numeric(1, -1))), MatchOptions{FloatRelTol: -1}, true, "equal"},
		{"float32 0.1 equals float64 0.1 exactly", res(1, row(float32(0.1))), res(1, row(0.1)), MatchOptions{FloatRelTol: -1}, true, "equal"},

		// Float tolerance.
		{"float noise within default tolerance", res(1, row(tenth+fifth)), res(1, row(0.3)), MatchOptions{}, true, "equal"},
		{"float noise with exact floats", res(1, row(tenth+fifth)), res(1, row(0.3)), MatchOptions{FloatRelTol: -1}, false, "rows differ"},
		{"just inside relative tolerance", res(1, row(1000.0)), res(1, row(1000.0*(1+0.9e-6))), MatchOptions{}, true, "equal"},
		{"just outside relative tolerance", res(1, row(1000.0)), res(1, row(1000.0*(1+1.1e-6))), MatchOptions{}, false, "rows differ"},
		{"custom relative tolerance", res(1, row(100.0)), res(1, row(100.5)), MatchOptions{FloatRelTol: 0.01}, true, "equal"},
		{"tolerance is relative to the larger", res(1, row(-2.0)), res(1, row(-2.0000019)), MatchOptions{}, true, "equal"},
		{"near zero needs an absolute tolerance", res(1, row(1e-17)), res(1, row(int64(0))), MatchOptions{}, false, "rows differ"},
		{"absolute tolerance near zero", res(1, row(1e-17)), res(1, row(int64(0))), MatchOptions{FloatAbsTol: 1e-9}, true, "equal"},
		{"int against float uses tolerance", res(1, row(int64(9007199254740993))), res(1, row(9007199254740992.0)), MatchOptions{}, true, "equal"},
		{"NaN equals NaN", res(1, row(math.NaN())), res(1, row(pgtype.Numeric{NaN: true, Valid: true})), MatchOptions{}, true, "equal"},
		{"infinity equals infinity", res(1, row(math.Inf(1))), res(1, row(pgtype.Numeric{InfinityModifier: pgtype.Infinity, Valid: true})), MatchOptions{}, true, "equal"},
		{"infinity is not minus infinity", res(1, row(math.Inf(1))), res(1, row(math.Inf(-1))), MatchOptions{}, false, "rows differ"},

		// NULL.
		{"NULL equals NULL", res(2, row(nil, int64(1))), res(2, row(nil, int64(1))), MatchOptions{}, true, "equal"},
		{"NULL is not 0", res(1, row(nil)), res(1, row(int64(0))), MatchOptions{}, false, "rows differ"},
		{"NULL is not empty text", res(1, row(nil)), res(1, row("")), MatchOptions{}, false, "rows differ"},
		{"invalid pgtype is NULL", res(1, row(nil)), res(1, row(pgtype.Numeric{})), MatchOptions{}, true, "equal"},

		// Multisets.
		{"rows in another order", res(1, row(int64(1)), row(int64(2))), res(1, row(int64(2)), row(int64(1))), MatchOptions{}, true, "equal"},
		{"a duplicate counts", res(1, row(int64(1)), row(int64(1))), res(1, row(int64(1))), MatchOptions{}, false, "row count differs (gold 2, pred 1)"},
		{"same rows, other multiplicities", res(1, row(int64(1)), row(int64(1)), row(int64(2))), res(1, row(int64(1)), row(int64(2)), row(int64(2))), MatchOptions{}, false, "rows differ"},

		// Columns.
		{"columns permuted, names ignored", res(2, row(int64(1), "a"), row(int64(2), "b")), res(2, row("b", int64(2)), row("a", int64(1))), MatchOptions{}, true, "equal"},
		{"same column multisets, only the swap aligns rows",
			res(2, row(int64(1), int64(2)), row(int64(2), int64(3)), row(int64(3), int64(1))),
			res(2, row(int64(2), int64(1)), row(int64(3), int64(2)), row(int64(1), int64(3))), MatchOptions{}, true, "equal"},
		{"same column multisets, no permutation aligns rows",
			res(2, row(int64(1), int64(2)), row(int64(2), int64(3)), row(int64(3), int64(1))),
			res(2, row(int64(1), int64(1)), row(int64(2), int64(2)), row(int64(3), int64(3))), MatchOptions{}, false, "rows differ"},
		{"a column with no counterpart is named", res(2, row(int64(1), "a")), res(2, row(int64(1), "b")), MatchOptions{}, false, "gold column 2 (c2)"},
		{"column count differs", res(2, row(int64(1), "a")), res(1, row(int64(1))), MatchOptions{}, false, "column count differs (gold 2, pred 1)"},
		{"float columns permuted with noise", res(2, row(tenth+fifth, 1.5), row(2.5, 0.7)), res(2, row(0.7, 2.5), row(1.5, 0.3)), MatchOptions{}, true, "equal"},

		// Order.
		{"order ignored by default", res(1, row("a"), row("b")), res(1, row("b"), row("a")), MatchOptions{}, true, "equal"},
		{"order differs when it matters", res(1, row("a"), row("b")), res(1, row("b"), row("a")), MatchOptions{OrderMatters: true}, false, "order differs"},
		{"order equal when it matters", res(1, row("a"), row("b")), res(1, row("a"), row("b")), MatchOptions{OrderMatters: true}, true, "equal"},
		{"ordered match needs the right column permutation",
			res(2, row(int64(1), int64(2)), row(int64(2), int64(1))),
			res(2, row(int64(2), int64(1)), row(int64(1), int64(2))), MatchOptions{OrderMatters: true}, true, "equal"},
		{"ordered rows that differ are not an order difference", res(1, row("a"), row("b")), res(1, row("a"), row("c")), MatchOptions{OrderMatters: true}, false, "rows differ"},

		// Failures and truncation.
		{"pred failed", res(1, row(int64(1))), failed, MatchOptions{}, false, "pred failed: syntax error"},
		{"gold failed", failed, res(1, row(int64(1))), MatchOptions{}, false, "gold failed: syntax error"},
		{"two failures never match", failed, failed, MatchOptions{}, false, "gold failed"},
		{"missing pred", res(1), nil, MatchOptions{}, false, "pred result missing"},
		{"truncated gold", &Result{Columns: []ResultColumn{{Name: "a"}}, Rows: [][]any{{int64(1)}}, Truncated: true}, res(1, row(int64(1))), MatchOptions{}, false, "gold truncated after 1 rows"},
		{"identical truncated results", &Result{Rows: [][]any{{int64(1)}}, Truncated: true}, &Result{Rows: [][]any{{int64(1)}}, Truncated: true}, MatchOptions{}, false, "truncated"},
		{"malformed pred", res(2, row(int64(1), int64(2))), &Result{Columns: make([]ResultColumn, 2), Rows: [][]any{{int64(1)}}}, MatchOptions{}, false, "pred result malformed: row 1 has 1 values, expected 2"},

		{"zero-column results", res(0, row(), row()), res(0, row(), row()), MatchOptions{}, true, "equal"},
		{"zero-column results count rows", res(0, row(), row()), res(0, row()), MatchOptions{}, false, "row count differs"},

		// Empty results.
		{"empty equals empty", res(2), res(2), MatchOptions{}, true, "equal (both empty)"},
		{"empty results with different columns", res(2), res(3), MatchOptions{}, false, "column count differs"},
		{"empty against one row", res(1), res(1, row(int64(1))), MatchOptions{}, false, "row count differs (gold 0, pred 1)"},

		// Text and numbers.
		{"text is not a number", res(1, row("1")), res(1, row(int64(1))), MatchOptions{}, false, "rows differ"},
		{"NumericText reads numbers", res(1, row("1")), res(1, row(int64(1))), MatchOptions{NumericText: true}, true, "equal"},
		{"NumericText reads decimals exactly", res(1, row("1.50")), res(1, row(numeric(15, -1))), MatchOptions{NumericText: true}, true, "equal"},
		{"NumericText reads exponents", res(1, row("1e3")), res(1, row(int64(1000))), MatchOptions{NumericText: true}, true, "equal"},
		{"NumericText does not trim", res(1, row(" 1")), res(1, row(int64(1))), MatchOptions{NumericText: true}, false, "rows differ"},
		{"NumericText leaves words alone", res(1, row("abc")), res(1, row("abc")), MatchOptions{NumericText: true}, true, "equal"},
		{"NumericText does not read inf", res(1, row("inf")), res(1, row(math.Inf(1))), MatchOptions{NumericText: true}, false, "rows differ"},
		{"text compares exactly", res(1, row("Paris")), res(1, row("paris")), MatchOptions{}, false, "rows differ"},

		// Booleans, bytes, other types.
		{"true is 1", res(1, row(true)), res(1, row(int64(1))), MatchOptions{}, true, "equal"},
		{"false is 0", res(1, row(false)), res(1, row(0.0)), MatchOptions{}, true, "equal"},
		{"true is not text", res(1, row(true)), res(1, row("true")), MatchOptions{}, false, "rows differ"},
		{"bytes equal bytes", res(1, row([]byte("ab"))), res(1, row([]byte("ab"))), MatchOptions{}, true, "equal"},
		{"bytes are not text", res(1, row([]byte("ab"))), res(1, row("ab")), MatchOptions{}, false, "rows differ"},
		{"uuid equals its text", res(1, row([16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0})),
			res(1, row("12345678-9abc-def0-1234-56789abcdef0")), MatchOptions{}, true, "equal"},
		{"inet host equals its address text", res(1, row(netip.MustParsePrefix("10.0.0.1/32"))), res(1, row("10.0.0.1")), MatchOptions{}, true, "equal"},
		{"json ignores key order", res(1, row(map[string]any{"a": 1.0, "b": "x"})), res(1, row(map[string]any{"b": "x", "a": 1.0})), MatchOptions{}, true, "equal"},
		{"time of day equals SQLite text", res(1, row(pgtype.Time{Microseconds: (13*3600 + 5*60 + 7) * 1e6, Valid: true})), res(1, row("13:05:07")), MatchOptions{}, true, "equal"},
		{"interval prints like PostgreSQL", res(1, row(pgtype.Interval{Months: 14, Days: 3, Microseconds: 3600e6 + 500000, Valid: true})), res(1, row("1 year 2 mons 3 days 01:00:00.5")), MatchOptions{}, true, "equal"},

		// Times.
		{"same instant in another zone", res(1, row(utc(2020, 1, 2, 10, 0, 0))), res(1, row(utc(2020, 1, 2, 10, 0, 0).In(paris))), MatchOptions{}, true, "equal"},
		{"different instants", res(1, row(utc(2020, 1, 2, 10, 0, 0))), res(1, row(utc(2020, 1, 2, 10, 0, 1))), MatchOptions{}, false, "rows differ"},
		{"date equals midnight timestamp", res(1, row(pgtype.Date{Time: utc(2020, 1, 2, 0, 0, 0), Valid: true})), res(1, row(utc(2020, 1, 2, 0, 0, 0))), MatchOptions{}, true, "equal"},
		{"date is not noon", res(1, row(pgtype.Date{Time: utc(2020, 1, 2, 0, 0, 0), Valid: true})), res(1, row(utc(2020, 1, 2, 12, 0, 0))), MatchOptions{}, false, "rows differ"},
		{"date text is not a date", res(1, row("2020-01-02")), res(1, row(utc(2020, 1, 2, 0, 0, 0))), MatchOptions{}, false, "rows differ"},
		{"TimeText reads dates", res(1, row("2020-01-02")), res(1, row(utc(2020, 1, 2, 0, 0, 0))), MatchOptions{TimeText: true}, true, "equal"},
		{"TimeText reads timestamps with fractions", res(1, row("2020-01-02 10:00:00.5")), res(1, row(time.Date(2020, 1, 2, 10, 0, 0, 5e8, time.UTC))), MatchOptions{TimeText: true}, true, "equal"},
		{"TimeText reads offsets", res(1, row("2020-01-02T11:00:00+01:00")), res(1, row(utc(2020, 1, 2, 10, 0, 0))), MatchOptions{TimeText: true}, true, "equal"},
		{"infinite timestamps are text", res(1, row(pgtype.Timestamp{InfinityModifier: pgtype.Infinity, Valid: true})), res(1, row("infinity")), MatchOptions{}, true, "equal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Match(tt.gold, tt.pred, tt.opt)
			if got.Match != tt.want || !strings.Contains(got.Reason, tt.reason) {
				t.Fatalf("Match = %v %q, want %v and a reason containing %q", got.Match, got.Reason, tt.want, tt.reason)
			}
			if got.Match && len(got.ColumnMapping) != len(tt.gold.Columns) {
				t.Fatalf("ColumnMapping = %v, want one entry per gold column", got.ColumnMapping)
			}
		})
	}
}

func TestMatch_ReportsColumnMapping(t *testing.T) {
	t.Parallel()
	gold := res(3, row(int64(1), "a", 2.5), row(int64(2), "b", 3.5))
	pred := res(3, row(3.5, int64(2), "b"), row(2.5, int64(1), "a"))
	got := Match(gold, pred, MatchOptions{})
	if !got.Match || fmt.Sprint(got.ColumnMapping) != "[1 2 0]" {
		t.Fatalf("Match = %+v, want a match with mapping [1 2 0]", got)
	}
}

func TestMatch_IdenticalColumnsStopAtTheCap(t *testing.T) {
	t.Parallel()
	// Nine identical columns: 9! permutations pass every screen, and only order can fail them.
	gold, pred := res(9), res(9)
	for i := 0; i < 5; i++ {
		g := make([]any, 9)
		for j := range g {
			g[j] = int64(i)
		}
		gold.Rows = append(gold.Rows, g)
		pred.Rows = append(pred.Rows, g)
	}
	pred.Rows[0], pred.Rows[1] = pred.Rows[1], pred.Rows[0]
	got := Match(gold, pred, MatchOptions{OrderMatters: true, MaxPermutations: 50})
	if got.Match || got.Reason != "order differs" {
		t.Fatalf("Match = %+v, want order differs", got)
	}
	if got := Match(gold, pred, MatchOptions{MaxPermutations: 50}); !got.Match {
		t.Fatalf("unordered Match = %+v, want a match at the first permutation", got)
	}
}

func TestMatch_SearchGivesUpAndSaysSo(t *testing.T) {
	t.Parallel()
	// Eight columns with the same values in every column, arranged so no permutation aligns rows.
	const k = 8
	gold, pred := res(k), res(k)
	for i := 0; i < k; i++ {
		g, p := make([]any, k), make([]any, k)
		for j := 0; j < k; j++ {
			g[j] = int64((i + j) % k)   // a Latin square
			p[j] = int64((i + 2*j) % k) // another arrangement of the same values per column
		}
		gold.Rows = append(gold.Rows, g)
		pred.Rows = append(pred.Rows, p)
	}
	got := Match(gold, pred, MatchOptions{MaxPermutations: 100})
	if got.Match || !strings.Contains(got.Reason, "stopped after 100 permutations") {
		t.Fatalf("Match = %+v, want a reason saying the search stopped", got)
	}
}

func TestCanonical_String(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   any
		want string
		kind Kind
	}{
		{nil, "NULL", KindNull},
		{int16(-3), "-3", KindNumber},
		{uint64(math.MaxUint64), "18446744073709551615", KindNumber},
		{2.5, "2.5", KindNumber},
		{numeric(1250, -3), "1.25", KindNumber},
		{numeric(100, -2), "1", KindNumber},
		{true, "true", KindNumber},
		{"héllo", "héllo", KindText},
		{[]byte{0xde, 0xad}, `\xdead`, KindBytes},
		{utc(2020, 1, 2, 0, 0, 0), "2020-01-02", KindTime},
		{time.Date(2020, 1, 2, 10, 30, 0, 0, time.FixedZone("x", 3600)), "2020-01-02 09:30:00", KindTime},
		{pgtype.Interval{Microseconds: -90e6, Valid: true}, "-00:01:30", KindText},
		{pgtype.Interval{Valid: true}, "00:00:00", KindText},
		{[]any{1.0, "a"}, `[1,"a"]`, KindText},
		{pgtype.Int8{Int64: 42, Valid: true}, "42", KindNumber},
		{pgtype.Text{}, "NULL", KindNull},
		{new(int64), "0", KindNumber},
		{(*string)(nil), "NULL", KindNull},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%T %v", tt.in, tt.in), func(t *testing.T) {
			v := Canonical(tt.in)
			if v.String() != tt.want || v.Kind() != tt.kind {
				t.Fatalf("Canonical(%#v) = %s %q, want %s %q", tt.in, v.Kind(), v.String(), tt.kind, tt.want)
			}
		})
	}
}

func TestValue_MarshalJSON(t *testing.T) {
	t.Parallel()
	for in, want := range map[any]string{
		nil:                      `null`,
		int64(3):                 `3`,
		true:                     `true`,
		"x":                      `"x"`,
		math.Inf(1):              `"+Inf"`,
		utc(2020, 1, 2, 0, 0, 0): `"2020-01-02"`,
	} {
		b, err := json.Marshal(Canonical(in))
		if err != nil || string(b) != want {
			t.Errorf("json.Marshal(Canonical(%#v)) = %s, %v; want %s", in, b, err, want)
		}
	}
	if b, _ := json.Marshal(Canonical(numeric(125, -2))); string(b) != "1.25" {
		t.Errorf("numeric 1.25 marshals as %s", b)
	}
}

func TestValue_EqualAcrossDrivers(t *testing.T) {
	t.Parallel()
	// pgx and modernc.org/sqlite decode the same answer into different Go values.
	pairs := [][2]any{
		{int64(3), int32(3)},
		{numeric(35, -1), 3.5},
		{int64(1), true},
		{utc(2021, 5, 6, 7, 8, 9), pgtype.Timestamptz{Time: utc(2021, 5, 6, 7, 8, 9).Local(), Valid: true}},
		{"x", pgtype.Text{String: "x", Valid: true}},
	}
	for _, p := range pairs {
		if !Canonical(p[0]).Equal(Canonical(p[1]), MatchOptions{}) {
			t.Errorf("%#v and %#v should be equal", p[0], p[1])
		}
	}
}

// randomResult draws a result with mixed types from small domains, so duplicates, NULLs and
// columns with identical value multisets all occur.
func randomResult(rng *rand.Rand) *Result {
	ncols := 1 + rng.IntN(5)
	nrows := rng.IntN(25)
	kinds := make([]int, ncols)
	for j := range kinds {
		kinds[j] = rng.IntN(6)
	}
	r := res(ncols)
	for i := 0; i < nrows; i++ {
		rw := make([]any, ncols)
		for j, k := range kinds {
			if rng.IntN(10) == 0 {
				continue // NULL
			}
			switch k {
			case 0:
				rw[j] = int64(rng.IntN(5))
			case 1:
				rw[j] = float64(rng.IntN(50)) / 8
			case 2:
				rw[j] = []string{"a", "b", "c", "Ärger", ""}[rng.IntN(5)]
			case 3:
				rw[j] = rng.IntN(2) == 0
			case 4:
				rw[j] = utc(2020, 1, 1+rng.IntN(3), rng.IntN(2), 0, 0)
			case 5:
				rw[j] = numeric(int64(rng.IntN(1000)), -2)
			}
		}
		r.Rows = append(r.Rows, rw)
	}
	return r
}

// reencode presents a value as another driver would, without changing it.
func reencode(rng *rand.Rand, v any) any {
	switch x := v.(type) {
	case int64:
		switch rng.IntN(3) {
		case 0:
			return int32(x)
		case 1:
			return numeric(x*100, -2)
		}
		return float64(x)
	case time.Time:
		return x.In(time.FixedZone("z", 3600*(rng.IntN(20)-10)))
	case pgtype.Numeric:
		f, _ := new(big.Rat).SetFrac(x.Int, big.NewInt(100)).Float64()
		if rng.IntN(2) == 0 {
			return f
		}
	}
	return v
}

// scramble shuffles rows, permutes columns and re-encodes values.
func scramble(rng *rand.Rand, r *Result, shuffleRows bool) *Result {
	k := len(r.Columns)
	perm := rng.Perm(k)
	out := res(k)
	for _, rw := range r.Rows {
		n := make([]any, k)
		for j, c := range perm {
			n[j] = reencode(rng, rw[c])
		}
		out.Rows = append(out.Rows, n)
	}
	if shuffleRows {
		rng.Shuffle(len(out.Rows), func(a, b int) { out.Rows[a], out.Rows[b] = out.Rows[b], out.Rows[a] })
	}
	return out
}

func clone(r *Result) *Result {
	out := res(len(r.Columns))
	for _, rw := range r.Rows {
		out.Rows = append(out.Rows, append([]any(nil), rw...))
	}
	return out
}

// sameValues reports whether two rows hold the same multiset of canonical values.
func sameValues(a, b []any) bool {
	fa, fb := NewFingerprinter(1), NewFingerprinter(1)
	for _, v := range a {
		fa.Add([]any{v})
	}
	for _, v := range b {
		fb.Add([]any{v})
	}
	return fa.Sum() == fb.Sum()
}

func newTestRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed+1)) }

func TestMatch_PropertyScrambledResultMatchesItself(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 400; n++ {
		gold := randomResult(rng)
		pred := scramble(rng, gold, true)
		if got := Match(gold, pred, MatchOptions{}); !got.Match {
			t.Fatalf("case %d: scrambled result does not match: %s\ngold %v\npred %v", n, got.Reason, gold.Rows, pred.Rows)
		}
		if Fingerprint(gold) != Fingerprint(pred) {
			t.Fatalf("case %d: fingerprints differ\ngold %v\npred %v", n, gold.Rows, pred.Rows)
		}
		ordered := scramble(rng, gold, false)
		if got := Match(gold, ordered, MatchOptions{OrderMatters: true}); !got.Match {
			t.Fatalf("case %d: column-permuted result does not match in order: %s", n, got.Reason)
		}
	}
}

func TestMatch_PropertyOneDuplicateMoreOrLessBreaksIt(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 400; n++ {
		gold := randomResult(rng)
		if len(gold.Rows) == 0 {
			continue
		}
		more := clone(gold)
		more.Rows = append(more.Rows, more.Rows[rng.IntN(len(more.Rows))])
		more = scramble(rng, more, true)
		if got := Match(gold, more, MatchOptions{}); got.Match {
			t.Fatalf("case %d: an extra duplicate still matches", n)
		}
		if Fingerprint(gold) == Fingerprint(more) {
			t.Fatalf("case %d: an extra duplicate keeps the fingerprint", n)
		}
		// Same row count: one row replaced by a copy of a row with other values.
		a, b := rng.IntN(len(gold.Rows)), rng.IntN(len(gold.Rows))
		if sameValues(gold.Rows[a], gold.Rows[b]) {
			continue
		}
		swapped := clone(gold)
		swapped.Rows[a] = swapped.Rows[b]
		swapped = scramble(rng, swapped, true)
		if got := Match(gold, swapped, MatchOptions{}); got.Match {
			t.Fatalf("case %d: replacing a row with a duplicate still matches\ngold %v\npred %v", n, gold.Rows, swapped.Rows)
		}
		if Fingerprint(gold) == Fingerprint(swapped) {
			t.Fatalf("case %d: replacing a row with a duplicate keeps the fingerprint", n)
		}
	}
}

func TestMatch_PropertyOneChangedValueBreaksIt(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	changes := []func(any) any{
		func(any) any { return "never-drawn" },
		func(any) any { return int64(1000 + rng.IntN(1000)) },
		func(v any) any {
			if v == nil {
				return int64(0)
			}
			return nil
		},
	}
	for n := 0; n < 400; n++ {
		gold := randomResult(rng)
		if len(gold.Rows) == 0 {
			continue
		}
		pred := clone(gold)
		i, j := rng.IntN(len(pred.Rows)), rng.IntN(len(pred.Columns))
		pred.Rows[i][j] = changes[rng.IntN(len(changes))](pred.Rows[i][j])
		pred = scramble(rng, pred, true)
		if got := Match(gold, pred, MatchOptions{}); got.Match {
			t.Fatalf("case %d: a changed value still matches\ngold %v\npred %v", n, gold.Rows, pred.Rows)
		}
		if Fingerprint(gold) == Fingerprint(pred) {
			t.Fatalf("case %d: a changed value keeps the fingerprint", n)
		}
	}
}

// bigResults returns two 100,000-row results with the same rows, shuffled differently and with
// the columns of the second rotated.
func bigResults() (*Result, *Result) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 100_000
	gold := res(4)
	for i := 0; i < n; i++ {
		gold.Rows = append(gold.Rows, []any{
			int64(rng.IntN(50_000)),
			fmt.Sprintf("name-%d", rng.IntN(20_000)),
			float64(rng.IntN(1_000_000)) / 100,
			int64(i),
		})
	}
	pred := res(4)
	for _, rw := range gold.Rows {
		pred.Rows = append(pred.Rows, []any{rw[3], rw[0], rw[1], rw[2]})
	}
	rng.Shuffle(n, func(a, b int) { gold.Rows[a], gold.Rows[b] = gold.Rows[b], gold.Rows[a] })
	rng.Shuffle(n, func(a, b int) { pred.Rows[a], pred.Rows[b] = pred.Rows[b], pred.Rows[a] })
	return gold, pred
}

func TestMatch_BigResults(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("big results")
	}
	gold, pred := bigResults()
	start := time.Now()
	got := Match(gold, pred, MatchOptions{})
	if !got.Match {
		t.Fatalf("Match = %+v", got)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Match of 100k rows took %v", d)
	}
	pred.Rows[500] = []any{pred.Rows[500][0], pred.Rows[500][1], pred.Rows[500][2], 1.5}
	if got := Match(gold, pred, MatchOptions{}); got.Match {
		t.Fatalf("Match after a change = %+v", got)
	}
}

func BenchmarkMatch100k(b *testing.B) {
	gold, pred := bigResults()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if !Match(gold, pred, MatchOptions{}).Match {
			b.Fatal("no match")
		}
	}
}

// When neither side is gold, the reason names the sides as the caller does.
func TestMatch_ReasonsNameTheSides(t *testing.T) {
	t.Parallel()
	a := &Result{Columns: []ResultColumn{{Name: "x"}}, Rows: [][]any{{int64(1)}}}
	b := &Result{Columns: []ResultColumn{{Name: "x"}}, Rows: [][]any{{int64(1)}, {int64(2)}}}
	m := Match(a, b, MatchOptions{Labels: [2]string{"agent", "ann@example.com"}})
	if m.Match || m.Reason != "row count differs (agent 1, ann@example.com 2)" {
		t.Fatalf("%+v", m)
	}
	if m := Match(a, &Result{Error: "boom"}, MatchOptions{Labels: [2]string{"A", "B"}}); m.Reason != "B failed: boom" {
		t.Fatalf("%+v", m)
	}
	if m := Match(a, b, MatchOptions{}); !strings.Contains(m.Reason, "gold 1, pred 2") {
		t.Fatalf("default labels: %+v", m)
	}
}
