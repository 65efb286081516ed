package store

// The diff between two guideline versions: lines (Myers' O((N+M)D) algorithm) and rules (by ID).

// Diff operations of a hunk.
const (
	DiffEqual  = "equal"
	DiffInsert = "insert"
	DiffDelete = "delete"
)

// Hunk is a run of lines that are equal in both versions, only in the newer (insert) or only in the
// older (delete).
type Hunk struct {
	Op    string   `json:"op"`
	Lines []string `json:"lines"`
}

// RuleRef names a rule in a rule-level summary.
type RuleRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// RuleChanges is what happened to rules between two versions. Changed means the same ID with a
// different title or text.
type RuleChanges struct {
	Added   []RuleRef `json:"added"`
	Removed []RuleRef `json:"removed"`
	Changed []RuleRef `json:"changed"`
}

// GuidelineDiff is the answer of GET .../guidelines/diff.
type GuidelineDiff struct {
	From  int         `json:"from"`
	To    int         `json:"to"`
	Hunks []Hunk      `json:"hunks"`
	Rules RuleChanges `json:"rules"`
}

// maxEditDistance bounds the work (and memory, O(D²)) of a line diff. Beyond it the differing middle
// is reported as deleted then inserted, which is true if not minimal.
const maxEditDistance = 2000

// DiffLines returns the hunks that turn a into b with the fewest inserted and deleted lines.
func DiffLines(a, b []string) []Hunk {
	// The common prefix and suffix are equal whatever the middle does; trimming them keeps D small.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var h hunks
	h.add(DiffEqual, a[:pre]...)
	middle(&h, a[pre:len(a)-suf], b[pre:len(b)-suf])
	h.add(DiffEqual, a[len(a)-suf:]...)
	if h == nil {
		return []Hunk{}
	}
	return h
}

type hunks []Hunk

// add appends lines, merging with the last hunk when it has the same op.
func (h *hunks) add(op string, lines ...string) {
	if len(lines) == 0 {
		return
	}
	if n := len(*h); n > 0 && (*h)[n-1].Op == op {
		(*h)[n-1].Lines = append((*h)[n-1].Lines, lines...)
		return
	}
	*h = append(*h, Hunk{Op: op, Lines: append([]string(nil), lines...)})
}

type edit struct {
	op   string
	line string
}

// middle is Myers' greedy algorithm with the furthest-reaching x per diagonal k kept for every D
// (trace), then walked back from (N, M) to (0, 0).
func middle(h *hunks, a, b []string) {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		h.add(DiffDelete, a...)
		h.add(DiffInsert, b...)
		return
	}
	limit := min(n+m, maxEditDistance)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int // trace[d][k+d+1] = v[k] before step d, for k in [-d-1, d+1]
	found := -1
	for d := 0; d <= limit && found < 0; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1] // down: an insertion
			} else {
				x = v[off+k-1] + 1 // right: a deletion
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				found = d
				break
			}
		}
	}
	if found < 0 {
		h.add(DiffDelete, a...)
		h.add(DiffInsert, b...)
		return
	}
	var rev []edit
	x, y := n, m
	for d := found; d >= 0; d-- {
		snap := trace[d]
		at := func(k int) int { return snap[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, edit{DiffEqual, a[x-1]})
			x, y = x-1, y-1
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, edit{DiffInsert, b[y-1]})
			} else {
				rev = append(rev, edit{DiffDelete, a[x-1]})
			}
		}
		x, y = prevX, prevY
	}
	for i := len(rev) - 1; i >= 0; i-- {
		h.add(rev[i].op, rev[i].line)
	}
}

// DiffRules compares two versions' rules by ID.
func DiffRules(from, to []Rule) RuleChanges {
	out := RuleChanges{Added: []RuleRef{}, Removed: []RuleRef{}, Changed: []RuleRef{}}
	old := map[string]Rule{}
	for _, r := range from {
		old[r.ID] = r
	}
	kept := map[string]bool{}
	for _, r := range to {
		o, ok := old[r.ID]
		switch {
		case !ok:
			out.Added = append(out.Added, RuleRef{r.ID, r.Title})
		case o.Title != r.Title || o.Text != r.Text:
			out.Changed = append(out.Changed, RuleRef{r.ID, r.Title})
		}
		kept[r.ID] = true
	}
	for _, r := range from {
		if !kept[r.ID] {
			out.Removed = append(out.Removed, RuleRef{r.ID, r.Title})
		}
	}
	return out
}
