package metrics

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync/atomic"
)

// NearDuplicate is a pair of vectors (I < J, indexes into the input) whose cosine similarity is at
// least the threshold asked for.
type NearDuplicate struct {
	I      int     `json:"i"`
	J      int     `json:"j"`
	Cosine float64 `json:"cosine"`
}

// ExactPairsLimit is the largest set NearDuplicates compares exhaustively. At 1536 dimensions,
// 2,000 vectors are 2 million pairs, one to two seconds on two cores; beyond, the cost of all
// pairs grows with n² and the LSH blocking described on NearDuplicates takes over (20,000 such
// vectors: about 7 s, most of it computing the signatures).
const ExactPairsLimit = 2000

// Parameters of the LSH blocking (see NearDuplicates).
const (
	lshHyperplanes = 256  // random hyperplanes, one signature bit each
	lshBands       = 64   // bands of signature bits; a pair sharing one band is a candidate
	lshRecall      = 0.99 // the least probability of finding a pair at exactly the threshold
	lshMinRows     = 8    // below this many bits a band is not selective: compare all pairs
	lshSeed        = 0x60_1d_5e_7
)

// NearDuplicates lists every pair of vectors whose cosine similarity is ≥ threshold, sorted by
// (I, J), each with its exact cosine. Zero and non-finite vectors are never part of a pair.
// All vectors must have the same length (else ErrDimensions). Cancelling ctx stops the work.
//
// Sets of up to ExactPairsLimit vectors are compared exhaustively: the answer is exact.
//
// Larger sets are blocked with random-hyperplane LSH (Charikar, 2002) and only candidate pairs
// are compared, exactly, so there are never false pairs, but a true pair may be missed:
//
//   - each vector gets a 256-bit signature: the signs of its projections on 256 random Gaussian
//     hyperplanes. Two vectors at angle θ agree on each bit with probability p = 1 − θ/π,
//     independently across bits;
//   - 64 bands each take r of the 256 bit positions (drawn at random without replacement); two
//     vectors are a candidate pair when their bits agree on every position of at least one band;
//   - r is the largest number of bits for which a pair at exactly the threshold is found with
//     probability ≥ 0.99, computed exactly: with X ~ Binomial(256, p) agreeing bits,
//     P(found) = E[1 − (1 − C(X,r)/C(256,r))^64]. A pair more similar than the threshold is found
//     with a higher probability (at threshold 0.95, r = 20 and a pair at cosine 0.98 is found with
//     probability > 0.9999).
//
// The guarantee is per pair and over the random hyperplanes and band positions, which are drawn
// from a fixed seed so that results are reproducible: it says how rarely a pair is missed, never
// which one. The cost
// is n × 256 × d for the signatures plus one comparison per candidate pair; how many pairs are
// candidates depends on the data (at threshold 0.95 about 2% of the pairs at cosine 0.5 and 16%
// at 0.7), so a set whose vectors are all alike (an embedding whose unrelated texts score 0.8)
// pays nearly the exhaustive cost. For thresholds below about 0.7, bands fewer than 8 bits would
// select most pairs anyway, and the comparison is exhaustive whatever the size.
func NearDuplicates(ctx context.Context, vecs [][]float32, threshold float64) ([]NearDuplicate, error) {
	pairs, _, err := NearDuplicatesWithin(ctx, vecs, threshold, 0)
	return pairs, err
}

// DefaultComparisons is the budget of candidate comparisons Analyze gives NearDuplicatesWithin:
// about five seconds of work on two cores at a thousand dimensions.
const DefaultComparisons = 16 << 20

// NearDuplicatesWithin is NearDuplicates that stops once it has compared budget candidate pairs
// (0: no limit) and then reports complete false: every pair it lists is real, but others may be
// missing. A set of many near-identical texts (questions that differ by a number) puts most of its
// vectors in the same LSH buckets, and without a budget their verification grows with n².
// Exhaustive comparison (small sets) is never stopped: it costs at most ExactPairsLimit²/2.
func NearDuplicatesWithin(ctx context.Context, vecs [][]float32, threshold float64, budget int64) (pairs []NearDuplicate, complete bool, err error) {
	units, index, err := unitVectors(vecs)
	if err != nil {
		return nil, false, err
	}
	complete = true
	if rows := lshRows(threshold); len(units) <= ExactPairsLimit || rows < lshMinRows {
		pairs, err = exactPairs(ctx, units, threshold)
	} else {
		pairs, complete, err = lshPairs(ctx, units, threshold, rows, budget)
	}
	if err != nil {
		return nil, false, err
	}
	for i := range pairs {
		pairs[i].I, pairs[i].J = index[pairs[i].I], index[pairs[i].J]
	}
	slices.SortFunc(pairs, func(a, b NearDuplicate) int {
		return cmp.Or(cmp.Compare(a.I, b.I), cmp.Compare(a.J, b.J))
	})
	return pairs, complete, nil
}

// unitVectors returns the L2-normalized copies of the vectors that have a direction, and for each
// its index in vecs.
func unitVectors(vecs [][]float32) ([][]float32, []int, error) {
	var units [][]float32
	var index []int
	d := -1
	for i, v := range vecs {
		if d < 0 {
			d = len(v)
		} else if len(v) != d {
			return nil, nil, fmt.Errorf("%w: %d and %d", ErrDimensions, d, len(v))
		}
		var sq float64
		for _, x := range v {
			sq += float64(x) * float64(x)
		}
		if sq == 0 || math.IsInf(sq, 0) || math.IsNaN(sq) {
			continue
		}
		inv := 1 / math.Sqrt(sq)
		u := make([]float32, len(v))
		for k, x := range v {
			u[k] = float32(float64(x) * inv)
		}
		units = append(units, u)
		index = append(index, i)
	}
	return units, index, nil
}

// dot is the inner product of two vectors of the same length, with eight float32 accumulators
// (unit vectors: the error stays below 1e-6).
func dot(a, b []float32) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	k := 0
	for ; k+8 <= len(a); k += 8 {
		x, y := a[k:k+8:k+8], b[k:k+8:k+8]
		s0 += x[0] * y[0]
		s1 += x[1] * y[1]
		s2 += x[2] * y[2]
		s3 += x[3] * y[3]
		s4 += x[4] * y[4]
		s5 += x[5] * y[5]
		s6 += x[6] * y[6]
		s7 += x[7] * y[7]
	}
	for ; k < len(a); k++ {
		s0 += a[k] * b[k]
	}
	return float64((s0+s1)+(s2+s3)) + float64((s4+s5)+(s6+s7))
}

// exactPairs compares every pair, rows spread over the cores.
func exactPairs(ctx context.Context, units [][]float32, threshold float64) ([]NearDuplicate, error) {
	workers := runtime.GOMAXPROCS(0)
	found := make([][]NearDuplicate, workers)
	inParallel(workers, len(units), func() bool { return ctx.Err() != nil }, func(w, i int) {
		for j := i + 1; j < len(units); j++ {
			if c := dot(units[i], units[j]); c >= threshold {
				found[w] = append(found[w], NearDuplicate{I: i, J: j, Cosine: c})
			}
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return slices.Concat(found...), nil
}

// lshRows is the number of bits per band that keeps the probability of finding a pair at
// cosine threshold ≥ lshRecall; 0 when even one bit cannot.
func lshRows(threshold float64) int {
	if threshold > 1 {
		return 64 // no pair can qualify; any band will do
	}
	rows := 0
	for r := 1; r <= 64; r++ {
		if lshRecallAt(threshold, r) >= lshRecall {
			rows = r
		}
	}
	return rows
}

// lshRecallAt is the probability that a pair at cosine c shares all r bits of at least one of the
// lshBands bands: E over X ~ Binomial(K, p) agreeing bits of 1 − (1 − C(X,r)/C(K,r))^bands.
func lshRecallAt(c float64, r int) float64 {
	c = max(-1, min(1, c))
	p := 1 - math.Acos(c)/math.Pi
	const k = lshHyperplanes
	var total float64
	for x := r; x <= k; x++ {
		// log of C(k, x) p^x (1−p)^(k−x)
		lc, _ := math.Lgamma(float64(k + 1))
		lx, _ := math.Lgamma(float64(x + 1))
		lkx, _ := math.Lgamma(float64(k - x + 1))
		var lp float64 // log of p^x (1−p)^(k−x)
		switch {
		case p == 1:
			if x < k {
				continue
			}
		case p == 0:
			continue // x ≥ r ≥ 1 agreeing bits are impossible
		default:
			lp = float64(x)*math.Log(p) + float64(k-x)*math.Log1p(-p)
		}
		prob := math.Exp(lc - lx - lkx + lp)
		band := 1.0 // C(x, r) / C(k, r)
		for i := range r {
			band *= float64(x-i) / float64(k-i)
		}
		total += prob * (1 - math.Pow(1-band, lshBands))
	}
	return total
}

// lshPairs finds the candidate pairs band by band and keeps those at or above threshold, until
// budget comparisons are spent (0: no limit; complete then says whether every candidate was seen).
func lshPairs(ctx context.Context, units [][]float32, threshold float64, rows int, budget int64) ([]NearDuplicate, bool, error) {
	d := len(units[0])
	rng := rand.New(rand.NewPCG(lshSeed, uint64(d)))
	planes := make([]float32, lshHyperplanes*d)
	for i := range planes {
		planes[i] = float32(rng.NormFloat64())
	}
	positions := make([][]int, lshBands)
	for b := range positions {
		positions[b] = rng.Perm(lshHyperplanes)[:rows]
	}

	sigs, err := signatures(ctx, units, planes)
	if err != nil {
		return nil, false, err
	}
	// keys[i*lshBands+b]: vector i's bits at band b's positions.
	keys := make([]uint64, len(units)*lshBands)
	for i, sig := range sigs {
		for b, pos := range positions {
			var key uint64
			for t, p := range pos {
				key |= (sig[p>>6] >> (p & 63) & 1) << t
			}
			keys[i*lshBands+b] = key
		}
	}

	found := make([][]NearDuplicate, lshBands)
	spent := &comparisons{budget: budget}
	inParallel(runtime.GOMAXPROCS(0), lshBands, func() bool { return ctx.Err() != nil || spent.over() }, func(_, b int) {
		found[b] = bandPairs(ctx, units, keys, b, threshold, spent)
	})
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	return slices.Concat(found...), !spent.over(), nil
}

// comparisons counts the candidate comparisons of all bands against a budget (0: none).
type comparisons struct {
	budget int64
	n      atomic.Int64
}

// spend adds n comparisons and reports whether the budget still holds.
func (c *comparisons) spend(n int64) bool { return c.n.Add(n) <= c.budget || c.budget == 0 }

func (c *comparisons) over() bool { return c.budget > 0 && c.n.Load() > c.budget }

// bandPairs verifies the pairs that agree on band b and on no earlier band (those were that
// band's to verify), so every candidate is compared once.
func bandPairs(ctx context.Context, units [][]float32, keys []uint64, b int, threshold float64, spent *comparisons) []NearDuplicate {
	type entry struct {
		key uint64
		id  int32
	}
	entries := make([]entry, len(units))
	for i := range units {
		entries[i] = entry{keys[i*lshBands+b], int32(i)}
	}
	slices.SortFunc(entries, func(x, y entry) int {
		return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.id, y.id))
	})
	var out []NearDuplicate
	compared := 0
	for lo := 0; lo < len(entries); {
		hi := lo + 1
		for hi < len(entries) && entries[hi].key == entries[lo].key {
			hi++
		}
		for x := lo; x < hi; x++ {
			i := int(entries[x].id)
			for y := x + 1; y < hi; y++ {
				j := int(entries[y].id)
				if sharedEarlierBand(keys, i, j, b) {
					continue
				}
				if compared++; compared%65536 == 0 && (ctx.Err() != nil || !spent.spend(65536)) {
					return out
				}
				if c := dot(units[i], units[j]); c >= threshold {
					out = append(out, NearDuplicate{I: i, J: j, Cosine: c})
				}
			}
		}
		lo = hi
	}
	return out
}

func sharedEarlierBand(keys []uint64, i, j, b int) bool {
	ki, kj := keys[i*lshBands:i*lshBands+b], keys[j*lshBands:j*lshBands+b]
	for t := range ki {
		if ki[t] == kj[t] {
			return true
		}
	}
	return false
}

// signatures computes each vector's 256 sign bits, a block of vectors per hyperplane pass so that
// a hyperplane is read from memory once per block.
func signatures(ctx context.Context, units [][]float32, planes []float32) ([][4]uint64, error) {
	const block = 16
	d := len(units[0])
	sigs := make([][4]uint64, len(units))
	blocks := (len(units) + block - 1) / block
	inParallel(runtime.GOMAXPROCS(0), blocks, func() bool { return ctx.Err() != nil }, func(_, b int) {
		lo, hi := b*block, min((b+1)*block, len(units))
		for h := range lshHyperplanes {
			plane := planes[h*d : (h+1)*d]
			for i := lo; i < hi; i++ {
				if dot(plane, units[i]) >= 0 {
					sigs[i][h>>6] |= 1 << (h & 63)
				}
			}
		}
	})
	return sigs, ctx.Err()
}
