package sqlexec

import (
	"math/big"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestFingerprint_EqualResultsCollide(t *testing.T) {
	t.Parallel()
	tenthPlusFifth := tenth + fifth
	tests := []struct {
		name       string
		gold, pred *Result
	}{
		{"int, float and numeric", res(1, row(int64(1)), row(int64(2))), res(1, row(1.0), row(numeric(200, -2)))},
		{"row order", res(2, row(int64(1), "a"), row(int64(2), "b")), res(2, row(int64(2), "b"), row(int64(1), "a"))},
		{"column order", res(2, row(int64(1), "a"), row(int64(2), "b")), res(2, row("b", int64(2)), row("a", int64(1)))},
		{"NULLs", res(2, row(nil, nil)), res(2, row(nil, nil))},
		{"float noise", res(1, row(tenthPlusFifth)), res(1, row(0.3))},
		{"float noise around an integer", res(1, row(2.0000000001)), res(1, row(int64(2)))},
		{"booleans as numbers", res(1, row(true)), res(1, row(int64(1)))},
		{"empty results of equal width", res(3), res(3)},
		{"identical columns in another order", res(2, row(int64(1), int64(2)), row(int64(2), int64(1))), res(2, row(int64(1), int64(2)), row(int64(2), int64(1)))},
		{"numeric beyond int64", res(1, row(pgtype.Numeric{Int: new(big.Int).Lsh(big.NewInt(1), 70), Valid: true})), res(1, row(float64(1<<62)*256))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fg, fp := Fingerprint(tt.gold), Fingerprint(tt.pred)
			if fg != fp {
				t.Fatalf("fingerprints differ: %s and %s", fg, fp)
			}
			if !strings.HasPrefix(fg, FingerprintVersion+":") || len(fg) != len(FingerprintVersion)+1+32 {
				t.Fatalf("fingerprint %q is not v1 and 32 hex digits", fg)
			}
		})
	}
}

func TestFingerprint_DifferentResultsDiffer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		gold, pred *Result
	}{
		{"a value", res(1, row(int64(1))), res(1, row(int64(2)))},
		{"a duplicate", res(1, row(int64(1)), row(int64(1))), res(1, row(int64(1)))},
		{"multiplicities", res(1, row("a"), row("a"), row("b")), res(1, row("a"), row("b"), row("b"))},
		{"NULL and 0", res(1, row(nil)), res(1, row(int64(0)))},
		{"text and number", res(1, row("1")), res(1, row(int64(1)))},
		{"text and bytes", res(1, row("ab")), res(1, row([]byte("ab")))},
		{"values moved between rows", res(2, row(int64(1), "a"), row(int64(2), "b")), res(2, row(int64(1), "b"), row(int64(2), "a"))},
		{"rows of identical columns realigned", res(2, row(int64(1), int64(2)), row(int64(2), int64(3)), row(int64(3), int64(1))),
			res(2, row(int64(1), int64(1)), row(int64(2), int64(2)), row(int64(3), int64(3)))},
		{"empty results of different widths", res(2), res(3)},
		{"float beyond tolerance", res(1, row(1.0)), res(1, row(1.001))},
		{"times", res(1, row(utc(2020, 1, 2, 0, 0, 0))), res(1, row(utc(2020, 1, 2, 0, 0, 1)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if Fingerprint(tt.gold) == Fingerprint(tt.pred) {
				t.Fatalf("fingerprints collide: %s", Fingerprint(tt.gold))
			}
		})
	}
}

func TestFingerprint_StreamingEqualsWholeResult(t *testing.T) {
	t.Parallel()
	r := res(2, row(int64(1), "a"), row(nil, "b"), row(int64(1), "a"))
	f := NewFingerprinter(2)
	for _, rw := range r.Rows {
		f.Add(rw)
	}
	if f.Sum() != Fingerprint(r) {
		t.Fatal("streaming and whole-result fingerprints differ")
	}
	if f.Sum() != f.Sum() {
		t.Fatal("Sum is not repeatable")
	}
}

func TestFingerprint_MalformedRowChangesIt(t *testing.T) {
	t.Parallel()
	good, bad := NewFingerprinter(2), NewFingerprinter(2)
	good.Add([]any{int64(1), "a"})
	bad.Add([]any{int64(1), "a"})
	bad.Add([]any{int64(1)})
	if good.Sum() == bad.Sum() {
		t.Fatal("a row of the wrong width left the fingerprint unchanged")
	}
}

func TestFingerprint_NoneForPartialOrFailedResults(t *testing.T) {
	t.Parallel()
	for name, r := range map[string]*Result{
		"nil":       nil,
		"failed":    {Error: "boom"},
		"truncated": {Columns: []ResultColumn{{Name: "a"}}, Rows: [][]any{{int64(1)}}, Truncated: true},
	} {
		if got := Fingerprint(r); got != "" {
			t.Errorf("%s: Fingerprint = %q, want empty", name, got)
		}
	}
}

// Tolerance-equal floats on either side of a 9-digit rounding boundary hash differently: the
// documented edge where Match, not the fingerprint, decides.
func TestFingerprint_RoundingBoundaryIsTheDocumentedEdge(t *testing.T) {
	t.Parallel()
	a, b := res(1, row(1.0000000049)), res(1, row(1.0000000051))
	if !Match(a, b, MatchOptions{}).Match {
		t.Fatal("values within tolerance should match")
	}
	if Fingerprint(a) == Fingerprint(b) {
		t.Fatal("expected the rounding-boundary edge to give different fingerprints")
	}
}

func TestFingerprint_Stable(t *testing.T) {
	t.Parallel()
	// Fingerprints are stored: this value must not change without a version bump.
	r := res(3, row(int64(1), "a", 2.5), row(nil, "b", numeric(15, -1)), row(true, "", utc(2020, 1, 2, 3, 4, 5)))
	const want = "v1:781bd9c6462bcf495e8fb158c42fb4a4"
	if got := Fingerprint(r); got != want {
		t.Fatalf("Fingerprint = %q, want %q: if hashing changed on purpose, bump FingerprintVersion", got, want)
	}
}

func BenchmarkFingerprint100k(b *testing.B) {
	gold, _ := bigResults()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f := NewFingerprinter(len(gold.Columns))
		for _, rw := range gold.Rows {
			f.Add(rw)
		}
		_ = f.Sum()
	}
}
