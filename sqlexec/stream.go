package sqlexec

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// rowSink receives the rows of a streamed run (RunStream) instead of Result.Rows.
type rowSink struct {
	maxRows int
	fn      func(row []any)
}

// RunStream checks sql and runs it like Run (the reader's read-only transaction, the timeout, a
// caller's slot), but hands every row to fn as it arrives instead of keeping it, so that a result
// far larger than the interactive cap can be compared without being held: the Result has the
// columns, RowCount, Elapsed and Error, no Rows and no Fingerprint. Past maxRows the query is
// stopped and the result marked Truncated. MaxRows and the total of MaxBytes do not apply (nothing
// is held); a single row is still refused past MaxBytes. fn runs on the caller's goroutine, one row
// after another; each row is a new slice it may keep.
func (e *Executor) RunStream(ctx context.Context, t Target, sql string, maxRows int, fn func(row []any)) *Result {
	res := &Result{}
	stmt, err := e.checks.check(sql, t.Schema)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	start := time.Now()
	e.execute(ctx, t, stmt, res, &rowSink{maxRows: maxRows, fn: fn})
	res.Elapsed = time.Since(start)
	return res
}

// ResultDigest sums up a result as its rows stream in, for comparing results too large to hold:
// one 64-bit hash per row (8 bytes a row: 8 MB for a million rows), and the first rows themselves
// while they stay within keepRows and keepBytes. A result whose rows were all kept is compared by
// Match with every rule of this package; a larger one by CompareDigests.
type ResultDigest struct {
	keepRows, keepBytes int
	head                [][]any // the first DigestHeadRows rows, kept in any case
	kept                [][]any
	keptBytes           int
	overflow            bool // some row was not kept
	ncols               int  // width of the first row
	bad                 int  // rows of another width
	hashes              []uint64
}

// DigestHeadRows is how many of the first rows a digest keeps whatever the result's size, for a
// preview (a reviewer's, as candidate.Preview shows 20).
const DigestHeadRows = 20

// NewResultDigest starts a digest that keeps rows while there are at most keepRows of them, in at
// most about keepBytes.
func NewResultDigest(keepRows, keepBytes int) *ResultDigest {
	return &ResultDigest{keepRows: keepRows, keepBytes: keepBytes, ncols: -1}
}

// Add hashes one row of driver values, keeping it while the digest's limits allow.
func (d *ResultDigest) Add(row []any) {
	if d.ncols < 0 {
		d.ncols = len(row)
	}
	if len(row) != d.ncols {
		d.bad++
	}
	h := uint64(rowSeed)
	for _, v := range row {
		c := canonical(v, 0)
		h = hashCombine(h, valueHash(&c))
	}
	d.hashes = append(d.hashes, h)
	if len(d.head) < DigestHeadRows {
		d.head = append(d.head, row)
	}
	if d.overflow {
		return
	}
	d.keptBytes += approxSize(row)
	if len(d.kept) >= d.keepRows || d.keptBytes > d.keepBytes {
		d.overflow, d.kept = true, nil
		return
	}
	d.kept = append(d.kept, row)
}

// Complete reports whether every row added is held (Rows).
func (d *ResultDigest) Complete() bool { return !d.overflow }

// Rows returns the rows held: all of them when Complete.
func (d *ResultDigest) Rows() [][]any {
	if d.kept == nil {
		return [][]any{}
	}
	return d.kept
}

// Head returns the first rows (at most DigestHeadRows), complete or not.
func (d *ResultDigest) Head() [][]any {
	if d.head == nil {
		return [][]any{}
	}
	return d.head
}

// approxSize is about what a row of driver values occupies.
func approxSize(row []any) int {
	n := 24 + 16*len(row)
	for _, v := range row {
		switch x := v.(type) {
		case string:
			n += len(x)
		case []byte:
			n += len(x)
		default:
			n += 16
		}
	}
	return n
}

// CompareDigests decides whether two results match from their digests, for results too large for
// Match to hold (see "Execution match semantics" in match.go for the rules it shares): failures and
// truncation never match, column counts then row counts must be equal, and rows compare as a
// multiset (or in order when opt.OrderMatters) by their hashes. Unlike Match it compares columns by
// position, not under any permutation (a translation keeps its select list), and numbers by the
// fingerprint's canonical hash (exact integers exactly, other numbers at 9 significant digits, so 1,
// 1.0 and numeric 1.00 are equal); NumericText and TimeText do not apply. Equal digests are not a
// proof, as Match's row by row check is, but a 64-bit hash per row makes a false match among a
// million rows a chance of about one in 10^7. The reason of a mismatch names the first row (from 1)
// of the gold side that the other side lacks.
func CompareDigests(gold, pred *Result, gd, pd *ResultDigest, opt MatchOptions) MatchResult {
	gl, pl := opt.labels()
	for _, side := range []struct {
		r     *Result
		label string
	}{{gold, gl}, {pred, pl}} {
		if side.r != nil && side.r.OK() && side.r.Truncated {
			return MatchResult{Reason: fmt.Sprintf("%s has more than %d rows: past the cap of a full comparison", side.label, side.r.RowCount)}
		}
	}
	if r, ok := matchPrecheck(gold, pred, gl, pl); !ok {
		return MatchResult{Reason: r}
	}
	gw, pw := digestWidth(gold, gd), digestWidth(pred, pd)
	switch {
	case gd.bad > 0:
		return MatchResult{Reason: gl + " result malformed: rows of different widths"}
	case pd.bad > 0:
		return MatchResult{Reason: pl + " result malformed: rows of different widths"}
	case gw != pw:
		return MatchResult{Reason: fmt.Sprintf("column count differs (%s %d, %s %d)", gl, gw, pl, pw)}
	case len(gd.hashes) != len(pd.hashes):
		return MatchResult{Reason: fmt.Sprintf("row count differs (%s %d, %s %d)", gl, len(gd.hashes), pl, len(pd.hashes))}
	case len(gd.hashes) == 0:
		return MatchResult{Match: true, Reason: "equal (both empty)", ColumnMapping: identityPerm(gw)}
	}
	n := len(gd.hashes)
	if opt.OrderMatters {
		for i := range n {
			if gd.hashes[i] != pd.hashes[i] {
				return MatchResult{Reason: orderedReason(gd.hashes, pd.hashes, i, gl, pl)}
			}
		}
		return MatchResult{Match: true, Reason: fmt.Sprintf("equal (all %d rows compared by hash)", n), ColumnMapping: identityPerm(gw)}
	}
	gs, ps := slices.Clone(gd.hashes), slices.Clone(pd.hashes)
	slices.Sort(gs)
	slices.Sort(ps)
	if slices.Equal(gs, ps) {
		return MatchResult{Match: true, Reason: fmt.Sprintf("equal (all %d rows compared by hash)", n), ColumnMapping: identityPerm(gw)}
	}
	// The rows of gold the other side lacks (as a multiset): count them and find the first.
	missing := map[uint64]int{}
	lacking := 0
	for i, j := 0, 0; i < n; {
		switch {
		case j < n && gs[i] == ps[j]:
			i++
			j++
		case j < n && ps[j] < gs[i]:
			j++
		default:
			missing[gs[i]]++
			lacking++
			i++
		}
	}
	first := 0
	for i, h := range gd.hashes {
		if missing[h] > 0 {
			first = i + 1
			break
		}
	}
	return MatchResult{Reason: fmt.Sprintf("rows differ: %s row %d has no equal %s row (%d of %d rows without one)",
		gl, first, pl, lacking, n)}
}

// orderedReason says where two ordered results first part: a different row, or the same rows in
// another order.
func orderedReason(g, p []uint64, i int, gl, pl string) string {
	gs, ps := slices.Clone(g), slices.Clone(p)
	slices.Sort(gs)
	slices.Sort(ps)
	if slices.Equal(gs, ps) {
		return fmt.Sprintf("order differs (first at row %d)", i+1)
	}
	return fmt.Sprintf("rows differ: %s row %d is not %s row %d", gl, i+1, pl, i+1)
}

func digestWidth(r *Result, d *ResultDigest) int {
	if len(r.Columns) > 0 || d.ncols < 0 {
		return len(r.Columns)
	}
	return d.ncols
}
