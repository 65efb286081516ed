package sqlexec

import (
	"slices"
)

// ResultDiff shows people how two results differ, under the value rules of Match.
type ResultDiff struct {
	// OnlyInGold and OnlyInPred are the multiset differences of the rows after the best column
	// alignment, at most limit rows each, in the order their queries returned them. Rows are
	// the driver values as the results hold them; pred rows keep pred's column order (see
	// ColumnMapping).
	OnlyInGold [][]any `json:"only_in_gold" tstype:"unknown[][] | null"`
	OnlyInPred [][]any `json:"only_in_pred" tstype:"unknown[][] | null"`
	// OnlyInGoldCount and OnlyInPredCount count all such rows, listed or not.
	OnlyInGoldCount int `json:"only_in_gold_count"`
	OnlyInPredCount int `json:"only_in_pred_count"`
	// FirstOrderDifference is the first row index (0-based) where gold and pred differ position by
	// position, when opt.OrderMatters; -1 when they do not or when order does not matter.
	FirstOrderDifference int `json:"first_order_difference"`
	// ColumnMapping gives the pred column aligned with each gold column; nil when no alignment
	// exists (different column counts, a failed or empty side).
	ColumnMapping []int `json:"column_mapping"`
}

// Diff compares two results for display. The alignment is the one Match finds when the results
// are equal as multisets; otherwise the one pairing columns that share the most values. A failed
// result contributes no rows; a truncated one contributes the rows it has. limit caps the rows
// listed on each side: 0 lists none (counts only), a negative limit lists all.
func Diff(gold, pred *Result, opt MatchOptions, limit int) ResultDiff {
	d := ResultDiff{FirstOrderDifference: -1}
	grows, gw, gok := diffRows(gold)
	prows, pw, pok := diffRows(pred)
	if !gok || !pok || gw != pw || len(grows) == 0 || len(prows) == 0 {
		d.OnlyInGold, d.OnlyInGoldCount = diffListRows(grows, allRows(len(grows)), limit)
		d.OnlyInPred, d.OnlyInPredCount = diffListRows(prows, allRows(len(prows)), limit)
		return d
	}

	g, p := newMatchTable(grows, gw, opt), newMatchTable(prows, pw, opt)
	var mapping []int
	if len(grows) == len(prows) {
		unordered := opt
		unordered.OrderMatters = false
		mapping = newAligner(g, p, unordered).search().perm
	}
	if mapping == nil {
		mapping = bestMapping(g, p)
	}
	d.ColumnMapping = mapping

	exact := make([]bool, len(mapping))
	for j, c := range mapping {
		exact[j] = !g.cols[j].float && !p.cols[c].float
	}
	a := newAligner(g, p, opt)
	gs, ps, approx := a.sides(mapping, exact)

	// Merge both sides in sorted order; unequal rows go to the side that sorts first.
	gi := sortedRows(gs, g.rows, approx, false)
	pi := sortedRows(ps, p.rows, approx, false)
	var onlyG, onlyP []int32
	i, j := 0, 0
	for i < len(gi) && j < len(pi) {
		switch {
		case rowsEqual(gs, gi[i], ps, pi[j], a.rel, a.abs):
			i, j = i+1, j+1
		case cmpRows(gs, gi[i], ps, pi[j], approx, false) <= 0:
			onlyG = append(onlyG, gi[i])
			i++
		default:
			onlyP = append(onlyP, pi[j])
			j++
		}
	}
	onlyG = append(onlyG, gi[i:]...)
	onlyP = append(onlyP, pi[j:]...)
	d.OnlyInGold, d.OnlyInGoldCount = diffListRows(grows, onlyG, limit)
	d.OnlyInPred, d.OnlyInPredCount = diffListRows(prows, onlyP, limit)

	if opt.OrderMatters {
		n := min(g.rows, p.rows)
		for r := 0; r < n; r++ {
			if !rowsEqual(gs, int32(r), ps, int32(r), a.rel, a.abs) {
				d.FirstOrderDifference = r
				break
			}
		}
		if d.FirstOrderDifference < 0 && g.rows != p.rows {
			d.FirstOrderDifference = n
		}
	}
	return d
}

// diffRows returns the rows a result contributes to a diff and its width; ok is false when the
// result is missing, failed or malformed.
func diffRows(r *Result) (rows [][]any, width int, ok bool) {
	if r == nil || !r.OK() {
		return nil, 0, false
	}
	w, err := resultWidth(r)
	if err != nil {
		return r.Rows, 0, false
	}
	return r.Rows, w, true
}

func allRows(n int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	return idx
}

// diffListRows returns the rows at idx in result order, at most limit of them, and how many idx
// selects.
func diffListRows(rows [][]any, idx []int32, limit int) ([][]any, int) {
	total := len(idx)
	if limit < 0 || limit > total {
		limit = total
	}
	out := make([][]any, 0, limit)
	slices.Sort(idx)
	for _, i := range idx[:limit] {
		out = append(out, rows[i])
	}
	return out, total
}

// bestMapping pairs gold and pred columns to maximize the values they share (counted as a
// multiset intersection of value hashes), exhaustively up to 7 columns and greedily beyond.
// Ties keep columns in place.
func bestMapping(g, p *matchTable) []int {
	k := len(g.cols)
	sortedHashes := func(c *matchColumn) []uint64 {
		h := slices.Clone(c.hash)
		slices.Sort(h)
		return h
	}
	gh := make([][]uint64, k)
	ph := make([][]uint64, k)
	for j := 0; j < k; j++ {
		gh[j], ph[j] = sortedHashes(g.cols[j]), sortedHashes(p.cols[j])
	}
	score := make([][]int, k)
	for j := range score {
		score[j] = make([]int, k)
		for c := range score[j] {
			score[j][c] = 2 * sortedIntersection(gh[j], ph[c])
			if j == c {
				score[j][c]++ // prefer the identity among equals
			}
		}
	}
	if k <= 7 {
		best, bestScore := identityPerm(k), -1
		perm := identityPerm(k)
		var rec func(pos, acc int)
		used := make([]bool, k)
		rec = func(pos, acc int) {
			if pos == k {
				if acc > bestScore {
					bestScore = acc
					copy(best, perm)
				}
				return
			}
			for c := 0; c < k; c++ {
				if !used[c] {
					used[c], perm[pos] = true, c
					rec(pos+1, acc+score[pos][c])
					used[c] = false
				}
			}
		}
		rec(0, 0)
		return best
	}
	mapping := make([]int, k)
	for j := range mapping {
		mapping[j] = -1
	}
	used := make([]bool, k)
	for range k {
		bj, bc, bs := -1, -1, -1
		for j := 0; j < k; j++ {
			if mapping[j] >= 0 {
				continue
			}
			for c := 0; c < k; c++ {
				if !used[c] && score[j][c] > bs {
					bj, bc, bs = j, c, score[j][c]
				}
			}
		}
		mapping[bj], used[bc] = bc, true
	}
	return mapping
}

// sortedIntersection is the size of the multiset intersection of two sorted slices.
func sortedIntersection(a, b []uint64) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			n, i, j = n+1, i+1, j+1
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}
