package retrieve

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSelectBest_KeepsTheBestInAnyOrderOfInput(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 200; trial++ {
		n := 1 + r.IntN(300)
		xs := make([]scored, n)
		for i := range xs {
			xs[i] = scored{doc: i, score: float64(r.IntN(20))} // many ties
		}
		want := slices.Clone(xs)
		slices.SortFunc(want, better)
		k := 1 + r.IntN(n)
		r.Shuffle(n, func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		selectBest(xs, k)
		got := slices.Clone(xs[:k])
		slices.SortFunc(got, better)
		if !slices.Equal(got, want[:k]) {
			t.Fatalf("n=%d k=%d: got %v, want %v", n, k, got, want[:k])
		}
	}
}
