package metrics

import (
	"math/rand/v2"
	"testing"
)

// Random unions agree with a naive relabelling: the same groups, each named by its smallest index.
func TestDisjointSets_AgreeWithRelabelling(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		n := 1 + rng.IntN(40)
		d := NewDisjointSets(n)
		label := make([]int, n)
		for i := range label {
			label[i] = i
		}
		for range rng.IntN(2 * n) {
			a, b := rng.IntN(n), rng.IntN(n)
			d.Union(a, b)
			from, to := max(label[a], label[b]), min(label[a], label[b])
			for i := range label {
				if label[i] == from {
					label[i] = to
				}
			}
		}
		for i := range n {
			if got := d.Find(i); got != label[i] {
				t.Fatalf("round %d: Find(%d) = %d, want %d", round, i, got, label[i])
			}
		}
	}
}
