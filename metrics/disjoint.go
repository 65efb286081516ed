package metrics

// DisjointSets partitions the indexes 0..n-1 into groups that Union merges (a union-find
// structure with path halving; Tarjan & van Leeuwen, "Worst-case analysis of set union
// algorithms", JACM 1984). A group is named by its smallest index.
type DisjointSets struct {
	parent []int
}

// NewDisjointSets makes n groups of one index each.
func NewDisjointSets(n int) *DisjointSets {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	return &DisjointSets{parent: parent}
}

// Find returns the smallest index of i's group.
func (d *DisjointSets) Find(i int) int {
	for d.parent[i] != i {
		d.parent[i] = d.parent[d.parent[i]]
		i = d.parent[i]
	}
	return i
}

// Union merges the groups of a and b.
func (d *DisjointSets) Union(a, b int) {
	if ra, rb := d.Find(a), d.Find(b); ra != rb {
		d.parent[max(ra, rb)] = min(ra, rb)
	}
}
