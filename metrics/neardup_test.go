package metrics

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestNearDuplicates_SmallSetIsExact(t *testing.T) {
	t.Parallel()
	vecs := [][]float32{
		{1, 0, 0},
		{0, 1, 0},
		{2, 0.1, 0}, // ≈ vecs[0]
		{0, 0, 0},   // no direction: never a pair
		{0, 0.99, 0.05},
		{-1, 0, 0},
	}
	got, err := NearDuplicates(context.Background(), vecs, 0.99)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].I != 0 || got[0].J != 2 || got[1].I != 1 || got[1].J != 4 {
		t.Fatalf("got %+v, want pairs (0,2) and (1,4)", got)
	}
	if want := 2 / math.Sqrt(4.01); math.Abs(got[0].Cosine-want) > 1e-6 {
		t.Errorf("cosine %v, want %v", got[0].Cosine, want)
	}
}

func TestNearDuplicates_DifferentLengthsAreAnError(t *testing.T) {
	t.Parallel()
	if _, err := NearDuplicates(context.Background(), [][]float32{{1}, {1, 2}}, 0.9); !errors.Is(err, ErrDimensions) {
		t.Errorf("err = %v, want ErrDimensions", err)
	}
}

// plantedSet is n random unit-ish vectors in d dimensions (pairwise cosines near 0) with pairs
// planted at a chosen cosine: vecs[i] and vecs[j] at exactly cos for each planted (i, j).
func plantedSet(n, d, pairs int, cos func(k int) float64, seed uint64) ([][]float32, map[[2]int]bool) {
	rng := rand.New(rand.NewPCG(seed, 1))
	gauss := func() []float32 {
		v := make([]float32, d)
		for k := range v {
			v[k] = float32(rng.NormFloat64())
		}
		return v
	}
	vecs := make([][]float32, n)
	for i := range vecs {
		vecs[i] = gauss()
	}
	planted := map[[2]int]bool{}
	perm := rng.Perm(n)
	for k := range pairs {
		i, j := perm[2*k], perm[2*k+1]
		// vecs[j] = c·u + √(1−c²)·w, with u = vecs[i]/‖vecs[i]‖ and w a unit vector ⟂ u.
		u := normalized(vecs[i])
		w := normalized(gauss())
		var proj float64
		for x := range w {
			proj += float64(w[x]) * float64(u[x])
		}
		for x := range w {
			w[x] -= float32(proj) * u[x]
		}
		w = normalized(w)
		c := cos(k)
		s := math.Sqrt(1 - c*c)
		for x := range vecs[j] {
			vecs[j][x] = float32(c*float64(u[x]) + s*float64(w[x]))
		}
		planted[[2]int{min(i, j), max(i, j)}] = true
	}
	return vecs, planted
}

func normalized(v []float32) []float32 {
	var sq float64
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for k, x := range v {
		out[k] = float32(float64(x) / math.Sqrt(sq))
	}
	return out
}

// TestNearDuplicates_LSHFindsPlantedPairsAtTheThreshold plants pairs just above the threshold,
// where the LSH guarantee is weakest (each is found with probability ≥ 0.99), in a set too large
// for the exhaustive comparison, and compares with the truth computed exhaustively.
func TestNearDuplicates_LSHFindsPlantedPairsAtTheThreshold(t *testing.T) {
	t.Parallel()
	const threshold = 0.9
	vecs, planted := plantedSet(ExactPairsLimit+2000, 96, 600, func(int) float64 { return threshold + 1e-4 }, 3)
	checkRecall(t, vecs, planted, threshold, 0.97)
}

// TestNearDuplicates_LSHFindsPlantedPairsAboveTheThreshold: pairs spread over [threshold, 1].
func TestNearDuplicates_LSHFindsPlantedPairsAboveTheThreshold(t *testing.T) {
	t.Parallel()
	const threshold = 0.95
	vecs, planted := plantedSet(ExactPairsLimit+3000, 128, 800, func(k int) float64 { return threshold + 1e-4 + 0.0499*float64(k)/800 }, 5)
	checkRecall(t, vecs, planted, threshold, 0.995)
}

func checkRecall(t *testing.T, vecs [][]float32, planted map[[2]int]bool, threshold, minRecall float64) {
	t.Helper()
	got, err := NearDuplicates(context.Background(), vecs, threshold)
	if err != nil {
		t.Fatal(err)
	}
	truth, err := exactPairs(context.Background(), mustUnits(t, vecs), threshold)
	if err != nil {
		t.Fatal(err)
	}
	if len(truth) != len(planted) {
		t.Fatalf("%d pairs above the threshold, %d planted", len(truth), len(planted))
	}
	found := 0
	for i, p := range got {
		if !planted[[2]int{p.I, p.J}] || p.Cosine < threshold {
			t.Errorf("pair %+v is not a near-duplicate", p)
		}
		if i > 0 && (got[i-1].I > p.I || got[i-1].I == p.I && got[i-1].J >= p.J) {
			t.Errorf("pairs not sorted by (I, J) at %d", i)
		}
		found++
	}
	recall := float64(found) / float64(len(planted))
	t.Logf("LSH with %d-bit bands found %d of %d pairs (recall %.4f)", lshRows(threshold), found, len(planted), recall)
	if recall < minRecall {
		t.Errorf("recall %.4f < %.4f", recall, minRecall)
	}
}

func mustUnits(t *testing.T, vecs [][]float32) [][]float32 {
	u, index, err := unitVectors(vecs)
	if err != nil || len(index) != len(vecs) {
		t.Fatalf("unit vectors: %v (%d of %d)", err, len(index), len(vecs))
	}
	return u
}

func TestLSHRows_IsTheMostSelectiveBandThatKeepsTheRecall(t *testing.T) {
	t.Parallel()
	for _, threshold := range []float64{0.7, 0.8, 0.9, 0.95, 0.98, 0.99} {
		r := lshRows(threshold)
		if r < lshMinRows || lshRecallAt(threshold, r) < lshRecall {
			t.Errorf("threshold %v: %d rows, recall %v", threshold, r, lshRecallAt(threshold, r))
		}
		if r < 64 && lshRecallAt(threshold, r+1) >= lshRecall {
			t.Errorf("threshold %v: %d rows is not the largest that keeps the recall", threshold, r)
		}
		// More similar pairs are found more often.
		if lshRecallAt(math.Min(1, threshold+0.01), r) < lshRecallAt(threshold, r) {
			t.Errorf("threshold %v: recall falls with similarity", threshold)
		}
	}
	if lshRows(0.95) != 20 || lshRecallAt(0.98, 20) <= 0.9999 {
		t.Errorf("threshold 0.95: %d rows, recall at 0.98 %v; documented: 20 rows, > 0.9999", lshRows(0.95), lshRecallAt(0.98, 20))
	}
	if lshRows(0.3) >= lshMinRows {
		t.Errorf("a low threshold must fall back to the exhaustive comparison")
	}
}

// TestLSHRecallAt_MatchesSimulation checks the closed form against the procedure itself: many
// pairs at a fixed cosine, each with fresh random hyperplanes and bands.
func TestLSHRecallAt_MatchesSimulation(t *testing.T) {
	t.Parallel()
	const c, r, trials = 0.8, 10, 4000
	rng := rand.New(rand.NewPCG(9, 9))
	p := 1 - math.Acos(c)/math.Pi
	found := 0
	for range trials {
		var agree [lshHyperplanes]bool
		for h := range agree {
			agree[h] = rng.Float64() < p // each hyperplane separates the pair with probability θ/π
		}
		for range lshBands {
			all := true
			for _, h := range rng.Perm(lshHyperplanes)[:r] {
				all = all && agree[h]
			}
			if all {
				found++
				break
			}
		}
	}
	sim, want := float64(found)/trials, lshRecallAt(c, r)
	if math.Abs(sim-want) > 0.02 {
		t.Errorf("simulated recall %v, closed form %v", sim, want)
	}
}

func TestNearDuplicates_StopsWhenCancelled(t *testing.T) {
	t.Parallel()
	vecs, _ := plantedSet(ExactPairsLimit+100, 32, 10, func(int) float64 { return 0.99 }, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NearDuplicates(ctx, vecs, 0.95); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if _, err := NearDuplicates(ctx, vecs[:100], 0.95); !errors.Is(err, context.Canceled) {
		t.Errorf("exhaustive: err = %v, want context.Canceled", err)
	}
}

// A set of near-identical vectors (all within cosine ~0.9 of each other, under the threshold) lands
// in the same LSH buckets: with a budget the search stops, says it is incomplete, and lists only
// real pairs; without one it sees every candidate.
func TestNearDuplicates_BudgetStopsAUniformSet(t *testing.T) {
	t.Parallel()
	const n, d = 4000, 64
	rng := rand.New(rand.NewPCG(7, 9))
	base := make([]float32, d)
	for k := range base {
		base[k] = float32(rng.NormFloat64())
	}
	vecs := make([][]float32, n)
	for i := range vecs {
		v := make([]float32, d)
		for k := range v {
			v[k] = base[k] + 0.35*float32(rng.NormFloat64())
		}
		vecs[i] = v
	}
	pairs, complete, err := NearDuplicatesWithin(context.Background(), vecs, 0.95, 1<<18)
	if err != nil {
		t.Fatal(err)
	}
	if complete {
		t.Fatal("a budget of 262,144 comparisons was enough for 8 million pairs of alike vectors")
	}
	for _, p := range pairs {
		if p.Cosine < 0.95 {
			t.Fatalf("a listed pair under the threshold: %+v", p)
		}
	}
	all, complete, err := NearDuplicatesWithin(context.Background(), vecs, 0.95, 0)
	if err != nil || !complete || len(all) < len(pairs) {
		t.Fatalf("without a budget: %d pairs, complete %v, %v (with one: %d)", len(all), complete, err, len(pairs))
	}
}
