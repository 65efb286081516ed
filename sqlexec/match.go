package sqlexec

// Execution match semantics
//
// Match decides whether a predicted query's result equals a gold query's result. It follows the
// Spider test-suite evaluation (Zhong, Yu and Klein 2020, evaluation.py: result_eq), and says what
// it does where Spider is silent or where Goldset differs.
//
// Results
//   - A result that failed (Error set) never matches, not even another failure: two queries that
//     both fail agree on nothing we can check. Reason: "gold failed: ..." or "pred failed: ...".
//   - A truncated result (the row or byte cap cut it) never matches: the rows we did not see could
//     differ. Reason says so; raise the cap to compare.
//   - Results are multisets of rows: row order is ignored and duplicates count, so [1],[1] does not
//     match [1] (Spider: multiset_eq).
//   - Order matters only when MatchOptions.OrderMatters is set; callers set it when the gold query
//     has a top-level ORDER BY (HasTopLevelOrderBy; Spider merely looks for "order by" anywhere in
//     the text, which also counts ORDER BY inside subqueries). Rows are then compared position by
//     position, as Spider does. Known limit, shared with Spider: ties under the gold ORDER BY may
//     legitimately come back in another order, and are then reported as "order differs".
//   - Columns may be permuted and their names are ignored: pred matches when some permutation of
//     its columns makes the rows equal (Spider: get_constraint_permutation). We search it
//     efficiently: a pred column is a candidate for a gold column only if their value multisets are
//     equal (by a 128-bit multiset hash when neither column holds a float, by a sorted tolerant
//     comparison when one does); permutations are built only from candidates, most constrained
//     gold column first; each permutation is screened by a multiset hash of the rows projected on
//     the exactly-compared columns, and only survivors are verified row by row. The search stops
//     after MaxPermutations permutations or a work budget proportional to the result size; the
//     reason then says it gave up (in practice only results with many identical columns get there).
//   - Column counts must be equal, then row counts (both checked first, cheaply, with a clear
//     reason). Reasons number columns from 1, as people do; ColumnMapping indexes from 0.
//   - Two empty results match only when they have the same number of columns. Spider matches any
//     two empty results, because its cursor rows carry no column information; we do have the
//     columns, and "SELECT name ... " and "SELECT name, age ..." are different answers even on a
//     database where both return nothing. The reason is "equal (both empty)" so callers can treat
//     an agreement on empty results as the weak evidence it is.
//
// Values (canonical forms in value.go)
//   - NULL equals NULL (as Spider does with Python's None == None, unlike SQL) and nothing else:
//     NULL is not 0 and not "".
//   - Numbers compare by value whatever their type: int64(1) = float64(1.0) = numeric 1.00. Exact
//     numbers (integers, numerics, decimal text when NumericText) compare exactly, as rationals.
//     When either side is a float, the two compare as float64 (an exact side as its nearest
//     float64: numeric 0.1 equals float 0.1) with relative tolerance FloatRelTol (default
//     1e-6; negative for exact) or absolute tolerance FloatAbsTol (default 0): |a−b| ≤ abs or
//     |a−b| ≤ rel·max(|a|,|b|). NaN equals NaN and ±Inf equal themselves, as in PostgreSQL.
//   - Booleans are the numbers 1 and 0. Spider compares with Python's ==, where True == 1, and
//     SQLite has no booleans: "SELECT count(*) > 0" is 1 there and true in PostgreSQL.
//   - Text compares exactly: no trimming, no case folding. A text never equals a number unless
//     NumericText is set, when a text that reads as a decimal number (sign, digits, fraction,
//     exponent; nothing else) is that number. That is for SQLite databases that store numbers as
//     text; it is off by default because '007' and 7 are different answers in a well-typed
//     database.
//   - Likewise a text never equals a time unless TimeText is set, when an ISO-8601 date or
//     timestamp text ("2020-01-02", "2020-01-02 10:00:00[.fff][±hh:mm]") is that time, read as UTC
//     when it has no offset. SQLite stores dates as text; PostgreSQL returns date and timestamp.
//   - Times are instants compared in UTC (timestamptz from another session time zone equals the same
//     instant). A date equals the timestamp at its midnight: pgx decodes a date as midnight UTC so
//     the two cannot be told apart anyway, and PostgreSQL itself says date '2020-01-02' =
//     timestamp '2020-01-02 00:00'. A time of day is text "15:04:05[.ffffff]", as SQLite stores it.
//   - Bytes equal bytes with the same content, never text.
//   - Values that are neither (uuid, inet, interval, json, arrays, anything else) compare as their
//     text: uuid in its canonical hyphenated form (so it equals a uuid stored as text), inet as
//     PostgreSQL prints it, interval in PostgreSQL's output style (so '1 day' is not '24:00:00',
//     unlike PostgreSQL's interval equality), json and arrays as compact JSON with sorted keys.
//
// Row alignment under tolerance: tolerance is not transitive, so "multisets equal" has no fast
// exact test. Match verifies a column permutation by sorting the rows of both sides by the same
// key (a hash of the exactly-compared columns, then the values with the float columns last, floats
// rounded to 9 significant digits; if that fails, a second pass with unrounded floats) and
// comparing rows pairwise. A pairwise success is a proof; a false "rows differ" needs several rows
// that agree on every exact column and whose floats are tolerance-equal yet sort in different
// orders on the two sides — not a case real query results produce.
//
// Fingerprints (fingerprint.go) are a fast pre-check consistent with these rules under default
// options (NumericText and TimeText off); Match is the authority. Diff (diff.go) shows people the
// rows behind a "rows differ" under the same value rules.

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
	"sync"
)

// MatchOptions tune Match and Diff. The zero value is Spider's semantics with a float tolerance.
type MatchOptions struct {
	// OrderMatters compares rows in order; set it when the gold query has a top-level ORDER BY.
	OrderMatters bool `json:"order_matters,omitempty"`
	// FloatRelTol is the relative tolerance for comparisons involving a float: 0 means 1e-6,
	// negative means none (exact).
	FloatRelTol float64 `json:"float_rel_tol,omitempty"`
	// FloatAbsTol is an absolute tolerance for comparisons involving a float, for values near
	// zero (0 by default: 1e-17 is then not 0).
	FloatAbsTol float64 `json:"float_abs_tol,omitempty"`
	// NumericText reads text that looks like a decimal number as that number (SQLite quirk).
	NumericText bool `json:"numeric_text,omitempty"`
	// TimeText reads ISO-8601 date and timestamp text as that time (SQLite stores dates as text).
	TimeText bool `json:"time_text,omitempty"`
	// MaxPermutations caps the column permutations tried; 0 means 100000, within a work budget
	// proportional to the result size.
	MaxPermutations int `json:"max_permutations,omitempty"`
	// Labels name the two sides in Reason: ("gold", "pred") when empty. When neither side is gold
	// (two people, or a person and the agent), name them for what they are.
	Labels [2]string `json:"-"`
}

func (o MatchOptions) labels() (g, p string) {
	if o.Labels[0] == "" || o.Labels[1] == "" {
		return "gold", "pred"
	}
	return o.Labels[0], o.Labels[1]
}

// DefaultFloatRelTol is the relative tolerance used when MatchOptions.FloatRelTol is 0.
const DefaultFloatRelTol = 1e-6

func (o MatchOptions) tolerances() (rel, abs float64) {
	rel = o.FloatRelTol
	switch {
	case rel == 0:
		rel = DefaultFloatRelTol
	case rel < 0:
		rel = 0
	}
	return rel, max(o.FloatAbsTol, 0)
}

// MatchResult is the verdict of Match.
type MatchResult struct {
	Match bool `json:"match"`
	// Reason says why, for people: "equal", "equal (both empty)", "pred failed: ...", "row count
	// differs (gold 3, pred 4)", "column count differs (gold 2, pred 3)", "rows differ", "order
	// differs", ...
	Reason string `json:"reason"`
	// ColumnMapping gives, for each gold column, the pred column it was matched with (on a match).
	ColumnMapping []int `json:"column_mapping,omitempty"`
}

// Match compares a predicted result with a gold result by execution match. See "Execution match
// semantics" at the top of this file.
func Match(gold, pred *Result, opt MatchOptions) MatchResult {
	gl, pl := opt.labels()
	if r, ok := matchPrecheck(gold, pred, gl, pl); !ok {
		return MatchResult{Reason: r}
	}
	gw, err := resultWidth(gold)
	if err != nil {
		return MatchResult{Reason: gl + " result malformed: " + err.Error()}
	}
	pw, err := resultWidth(pred)
	if err != nil {
		return MatchResult{Reason: pl + " result malformed: " + err.Error()}
	}
	if gw != pw {
		return MatchResult{Reason: fmt.Sprintf("column count differs (%s %d, %s %d)", gl, gw, pl, pw)}
	}
	if len(gold.Rows) != len(pred.Rows) {
		return MatchResult{Reason: fmt.Sprintf("row count differs (%s %d, %s %d)", gl, len(gold.Rows), pl, len(pred.Rows))}
	}
	if len(gold.Rows) == 0 {
		return MatchResult{Match: true, Reason: "equal (both empty)", ColumnMapping: identityPerm(gw)}
	}
	var g, p *matchTable
	parallel(len(gold.Rows) >= parallelRows,
		func() { g = newMatchTable(gold.Rows, gw, opt) },
		func() { p = newMatchTable(pred.Rows, pw, opt) })
	a := newAligner(g, p, opt)
	out := a.search()
	switch {
	case out.perm != nil:
		return MatchResult{Match: true, Reason: "equal", ColumnMapping: out.perm}
	case out.orderDiffers:
		return MatchResult{Reason: "order differs"}
	case out.orphan >= 0:
		return MatchResult{Reason: fmt.Sprintf("rows differ: no %s column has the values of %s column %d%s",
			pl, gl, out.orphan+1, columnLabel(gold, out.orphan))}
	case out.gaveUp:
		return MatchResult{Reason: fmt.Sprintf("rows differ (column alignment search stopped after %d permutations)", out.tried)}
	}
	return MatchResult{Reason: "rows differ"}
}

// matchPrecheck applies the rules that need no rows: presence, errors, truncation.
func matchPrecheck(gold, pred *Result, gl, pl string) (string, bool) {
	switch {
	case gold == nil:
		return gl + " result missing", false
	case pred == nil:
		return pl + " result missing", false
	case !gold.OK():
		return gl + " failed: " + gold.Error, false
	case !pred.OK():
		return pl + " failed: " + pred.Error, false
	case gold.Truncated:
		return fmt.Sprintf("%s truncated after %d rows: a partial result cannot be compared", gl, len(gold.Rows)), false
	case pred.Truncated:
		return fmt.Sprintf("%s truncated after %d rows: a partial result cannot be compared", pl, len(pred.Rows)), false
	}
	return "", true
}

func columnLabel(r *Result, j int) string {
	if j < len(r.Columns) && r.Columns[j].Name != "" {
		return fmt.Sprintf(" (%s)", r.Columns[j].Name)
	}
	return ""
}

// resultWidth is the number of columns, checked against every row.
func resultWidth(r *Result) (int, error) {
	w := len(r.Columns)
	if w == 0 && len(r.Rows) > 0 {
		w = len(r.Rows[0])
	}
	for i, row := range r.Rows {
		if len(row) != w {
			return 0, fmt.Errorf("row %d has %d values, expected %d", i+1, len(row), w)
		}
	}
	return w, nil
}

func identityPerm(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

// matchTable is a result in canonical form, column-major.
type matchTable struct {
	rows int
	cols []*matchColumn
}

type matchColumn struct {
	vals       []Value
	hash       []uint64 // valueHash of each value
	sig1, sig2 uint64   // multiset hash of the column
	float      bool     // holds an inexact number: compared with tolerance
	kinds      [5]int   // values per Kind
	nans       int      // NaN numbers
	lo, hi     float64  // smallest and largest number other than NaN
	q          []float64
	sorted     []int32 // row indices in value order (approximate order), for column checks
}

func newMatchTable(rows [][]any, width int, opt MatchOptions) *matchTable {
	n := len(rows)
	t := &matchTable{rows: n, cols: make([]*matchColumn, width)}
	vals := make([]Value, n*width)
	hashes := make([]uint64, n*width)
	cols := make([]matchColumn, width)
	for j := range cols {
		cols[j].vals = vals[j*n : (j+1)*n : (j+1)*n]
		cols[j].hash = hashes[j*n : (j+1)*n : (j+1)*n]
		t.cols[j] = &cols[j]
	}
	for i, row := range rows {
		for j, v := range row {
			c := &cols[j]
			c.vals[i] = canonicalWith(v, opt.NumericText, opt.TimeText)
			h := valueHash(&c.vals[i])
			c.hash[i] = h
			c.sig1 += mix64(h ^ lane1)
			c.sig2 += mix64(h ^ lane2)
			v := &c.vals[i]
			c.kinds[v.kind]++
			if v.kind == KindNumber {
				c.float = c.float || v.num == numFloat
				switch f := v.float(); {
				case f != f:
					c.nans++
				case c.kinds[KindNumber]-c.nans == 1:
					c.lo, c.hi = f, f
				default:
					c.lo, c.hi = min(c.lo, f), max(c.hi, f)
				}
			}
		}
	}
	return t
}

// quantized returns the column's numbers rounded to 9 significant digits, computed once.
func (c *matchColumn) quantized() []float64 {
	if c.q == nil {
		c.q = make([]float64, len(c.vals))
		for i := range c.vals {
			if c.vals[i].kind == KindNumber {
				c.q[i] = quantFloat(c.vals[i].float())
			}
		}
	}
	return c.q
}

// order returns row indices sorted by value (numbers by float64), computed once.
func (c *matchColumn) order() []int32 {
	if c.sorted == nil {
		c.sorted = make([]int32, len(c.vals))
		for i := range c.sorted {
			c.sorted[i] = int32(i)
		}
		slices.SortFunc(c.sorted, func(x, y int32) int { return compareValues(&c.vals[x], &c.vals[y], true) })
	}
	return c.sorted
}

// matchSide is one table's columns in key order (see aligner.sides), for row comparisons.
type matchSide []*matchColumn

// cmpRows orders row x of a against row y of b. approx[k] makes key k compare numbers by float64;
// quant makes those use the rounded floats.
func cmpRows(a matchSide, x int32, b matchSide, y int32, approx []bool, quant bool) int {
	for k, ca := range a {
		cb := b[k]
		va, vb := &ca.vals[x], &cb.vals[y]
		var c int
		switch {
		case !approx[k]:
			c = compareValues(va, vb, false)
		case quant && va.kind == KindNumber && vb.kind == KindNumber:
			c = cmpFloat(ca.q[x], cb.q[y])
		default:
			c = compareValues(va, vb, true)
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

func rowsEqual(a matchSide, x int32, b matchSide, y int32, rel, abs float64) bool {
	for k, ca := range a {
		if !valuesEqual(&ca.vals[x], &b[k].vals[y], rel, abs) {
			return false
		}
	}
	return true
}

// aligner searches a column permutation of pred that makes its rows equal to gold's.
type aligner struct {
	g, p     *matchTable
	opt      MatchOptions
	rel, abs float64
	cand     [][]int // per gold column: candidate pred columns
	close    map[[2]int]bool
	goldProj map[string]rowProjection // gold row projections, by exact-column mask
	budget   int                      // work units left (≈ value visits)
}

type alignOutcome struct {
	perm         []int // pred column for each gold column, when equal
	orderDiffers bool  // equal as multisets under some permutation, but never in order
	orphan       int   // a gold column with no candidate, or -1
	gaveUp       bool
	tried        int
}

const (
	defaultMaxPermutations = 100000
	alignBudget            = 50_000_000 // value visits, ~ a few hundred ms at worst
)

func newAligner(g, p *matchTable, opt MatchOptions) *aligner {
	a := &aligner{g: g, p: p, opt: opt, close: map[[2]int]bool{}, goldProj: map[string]rowProjection{}, budget: alignBudget}
	a.rel, a.abs = opt.tolerances()
	return a
}

// candidates fills a.cand and returns a gold column without candidates, or -1.
func (a *aligner) candidates() int {
	k := len(a.g.cols)
	a.cand = make([][]int, k)
	orphan := -1
	for j, gc := range a.g.cols {
		for c, pc := range a.p.cols {
			if a.columnsEqual(j, c, gc, pc) {
				a.cand[j] = append(a.cand[j], c)
			}
		}
		if len(a.cand[j]) == 0 && orphan < 0 {
			orphan = j
		}
	}
	return orphan
}

// columnsEqual: equal value multisets. Without floats, equal values hash alike, so a signature
// mismatch proves inequality. With floats, sort both columns and compare pairwise with tolerance:
// on a single column, sorted pairing finds a tolerant matching whenever one exists.
func (a *aligner) columnsEqual(j, c int, gc, pc *matchColumn) bool {
	if !gc.float && !pc.float {
		return gc.sig1 == pc.sig1 && gc.sig2 == pc.sig2
	}
	// Cheap necessary conditions first: sorting is the expensive part.
	if gc.kinds != pc.kinds || gc.nans != pc.nans {
		return false
	}
	if gc.kinds[KindNumber] > gc.nans && (!floatsClose(gc.lo, pc.lo, a.rel, a.abs) || !floatsClose(gc.hi, pc.hi, a.rel, a.abs)) {
		return false
	}
	key := [2]int{j, c}
	if v, ok := a.close[key]; ok {
		return v
	}
	gs, ps := gc.order(), pc.order()
	eq := true
	for i := range gs {
		if !valuesEqual(&gc.vals[gs[i]], &pc.vals[ps[i]], a.rel, a.abs) {
			eq = false
			break
		}
	}
	a.close[key] = eq
	return eq
}

func (a *aligner) search() alignOutcome {
	out := alignOutcome{orphan: a.candidates()}
	if out.orphan >= 0 {
		return out
	}
	k := len(a.g.cols)
	// Most constrained gold column first keeps the search tree narrow.
	order := identityPerm(k)
	slices.SortStableFunc(order, func(x, y int) int { return len(a.cand[x]) - len(a.cand[y]) })
	maxPerms := a.opt.MaxPermutations
	if maxPerms <= 0 {
		maxPerms = defaultMaxPermutations
	}
	perm := make([]int, k)
	used := make([]bool, k)
	var rec func(pos int) bool // true: stop
	rec = func(pos int) bool {
		if pos == k {
			out.tried++
			if a.try(perm, &out) {
				out.perm = slices.Clone(perm)
				return true
			}
			if out.tried >= maxPerms || a.budget <= 0 {
				out.gaveUp = true
				return true
			}
			return false
		}
		j := order[pos]
		for _, c := range a.cand[j] {
			if used[c] {
				continue
			}
			used[c], perm[j] = true, c
			stop := rec(pos + 1)
			used[c] = false
			if stop {
				return true
			}
		}
		return false
	}
	rec(0)
	if out.perm != nil {
		out.gaveUp = false
	}
	return out
}

// try tests one permutation: a hash screen on the exactly-compared columns, then verification.
func (a *aligner) try(perm []int, out *alignOutcome) bool {
	n := a.g.rows
	cells := n * len(perm)
	exact := make([]bool, len(perm))
	for j, c := range perm {
		exact[j] = !a.g.cols[j].float && !a.p.cols[c].float
	}
	a.budget -= 2 * cells
	gp := a.goldProjection(exact)
	pp := projection(a.p, perm, exact)
	if gp.sums != pp.sums {
		return false
	}
	gs, ps, approx := a.sides(perm, exact)
	if a.opt.OrderMatters {
		a.budget -= cells
		if a.orderedEqual(gs, ps) {
			return true
		}
	}
	a.budget -= cells * (bits.Len(uint(n)) + 1) * 2
	if a.unorderedEqual(gs, gp.rows, ps, pp.rows, approx) {
		if !a.opt.OrderMatters {
			return true
		}
		out.orderDiffers = true
	}
	return false
}

// rowProjection hashes each row restricted to the exactly-compared columns, and the multiset of
// those hashes. Equal rows have equal projections whatever the tolerance.
type rowProjection struct {
	rows []uint64
	sums [2]uint64
}

// goldProjection depends only on which gold columns are exact, so it is computed once per mask.
func (a *aligner) goldProjection(exact []bool) rowProjection {
	key := make([]byte, len(exact))
	for j, e := range exact {
		if e {
			key[j] = 1
		}
	}
	if p, ok := a.goldProj[string(key)]; ok {
		return p
	}
	p := projection(a.g, identityPerm(len(exact)), exact)
	a.goldProj[string(key)] = p
	return p
}

func projection(t *matchTable, perm []int, exact []bool) rowProjection {
	var cols []*matchColumn
	for j, c := range perm {
		if exact[j] {
			cols = append(cols, t.cols[c])
		}
	}
	p := rowProjection{rows: make([]uint64, t.rows)}
	for i := range p.rows {
		h := uint64(rowSeed)
		for _, c := range cols {
			h = hashCombine(h, c.hash[i])
		}
		p.rows[i] = h
		p.sums[0] += mix64(h ^ lane1)
		p.sums[1] += mix64(h ^ lane2)
	}
	return p
}

// sides lays out both tables' columns in key order: exactly-compared columns first, so that rows
// tie on float noise only after everything exact has been compared.
func (a *aligner) sides(perm []int, exact []bool) (gs, ps matchSide, approx []bool) {
	for pass := 0; pass < 2; pass++ {
		for j, c := range perm {
			if exact[j] == (pass == 0) {
				gs = append(gs, a.g.cols[j])
				ps = append(ps, a.p.cols[c])
				approx = append(approx, !exact[j])
			}
		}
	}
	return gs, ps, approx
}

func (a *aligner) orderedEqual(gs, ps matchSide) bool {
	for i := 0; i < a.g.rows; i++ {
		if !rowsEqual(gs, int32(i), ps, int32(i), a.rel, a.abs) {
			return false
		}
	}
	return true
}

// unorderedEqual sorts both sides and compares rows pairwise. Rows sort by the hash of their exact
// columns first (a cheap integer comparison that groups equal rows), then by value with the float
// columns last: first with floats rounded (so that noise does not decide the order), then, if that
// fails, unrounded. Any total order consistent across the two sides pairs equal multisets.
func (a *aligner) unorderedEqual(gs matchSide, gh []uint64, ps matchSide, ph []uint64, approx []bool) bool {
	anyApprox := slices.Contains(approx, true)
	for _, quant := range []bool{true, false} {
		if quant && !anyApprox {
			continue
		}
		if quant {
			for k := range gs {
				if approx[k] {
					gs[k].quantized()
					ps[k].quantized()
				}
			}
		}
		var gi, pi []int32
		parallel(a.g.rows >= parallelRows,
			func() { gi = sortedRowsKeyed(gs, gh, approx, quant) },
			func() { pi = sortedRowsKeyed(ps, ph, approx, quant) })
		eq := true
		for i := range gi {
			if !rowsEqual(gs, gi[i], ps, pi[i], a.rel, a.abs) {
				eq = false
				break
			}
		}
		if eq {
			return true
		}
	}
	return false
}

// parallelRows is the result size from which Match uses a second goroutine.
const parallelRows = 20_000

// parallel runs f and g, concurrently when asked.
func parallel(concurrently bool, f, g func()) {
	if !concurrently {
		f()
		g()
		return
	}
	var wg sync.WaitGroup
	wg.Go(f)
	g()
	wg.Wait()
}

func sortedRowsKeyed(s matchSide, h []uint64, approx []bool, quant bool) []int32 {
	type keyed struct {
		h uint64
		i int32
	}
	ks := make([]keyed, len(h))
	for i := range ks {
		ks[i] = keyed{h[i], int32(i)}
	}
	slices.SortFunc(ks, func(x, y keyed) int {
		if c := cmp.Compare(x.h, y.h); c != 0 {
			return c
		}
		return cmpRows(s, x.i, s, y.i, approx, quant)
	})
	idx := make([]int32, len(ks))
	for i, k := range ks {
		idx[i] = k.i
	}
	return idx
}

func sortedRows(s matchSide, n int, approx []bool, quant bool) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(x, y int32) int { return cmpRows(s, x, s, y, approx, quant) })
	return idx
}
