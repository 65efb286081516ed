package metrics

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
)

// ErrDimensions is returned (wrapped) when vectors of one set do not all have the same length.
var ErrDimensions = errors.New("metrics: vectors of different lengths")

// Similarity is the mean pairwise cosine similarity of a set of vectors.
type Similarity struct {
	Mean    float64 `json:"mean"`    // 0 when fewer than two vectors count
	Vectors int     `json:"vectors"` // the vectors that count
	Skipped int     `json:"skipped"` // zero or non-finite vectors: they have no direction
}

// MeanCosine is the mean cosine similarity over all unordered pairs of vecs, computed in O(n·d)
// rather than O(n²·d): with every vector L2-normalized to eᵢ,
//
//	Σ_{i≠j} eᵢ·eⱼ = ‖Σᵢ eᵢ‖² − Σᵢ ‖eᵢ‖² = ‖Σᵢ eᵢ‖² − n,
//
// so the mean over the n(n−1) ordered pairs (the same as over unordered ones) is
// (‖Σ eᵢ‖² − n) / (n(n−1)). Inputs are float32; norms and the sum are accumulated in float64,
// so a million 1536-dimensional vectors lose no meaningful precision.
//
// A zero vector (or one with a NaN or infinite component) has no direction: it is skipped and
// counted in Skipped, as if absent. With fewer than two vectors left there is no pair and Mean
// is 0. All vectors must have the same length (else ErrDimensions).
//
// The work is split across the machine's cores, in a way that does not change the result.
func MeanCosine(vecs [][]float32) (Similarity, error) {
	d := -1
	for _, v := range vecs {
		if d < 0 {
			d = len(v)
		} else if len(v) != d {
			return Similarity{}, fmt.Errorf("%w: %d and %d", ErrDimensions, d, len(v))
		}
	}
	if d <= 0 {
		return Similarity{Skipped: len(vecs)}, nil
	}

	// Workers sum fixed chunks into their own float64 accumulators, which are then added in
	// chunk order: the result is the same on every machine whatever its number of cores.
	chunks := make([]cosineSum, (len(vecs)+cosineChunk-1)/cosineChunk)
	inParallel(min(runtime.GOMAXPROCS(0), len(chunks)), len(chunks), nil, func(_, c int) {
		chunks[c] = sumNormalized(vecs[c*cosineChunk:min(len(vecs), (c+1)*cosineChunk)], d)
	})

	total := chunks[0]
	for _, p := range chunks[1:] {
		for k, x := range p.sum {
			total.sum[k] += x
		}
		total.used += p.used
	}
	sim := Similarity{Vectors: total.used, Skipped: len(vecs) - total.used}
	if total.used < 2 {
		return sim, nil
	}
	var sq float64
	for _, x := range total.sum {
		sq += x * x
	}
	n := float64(total.used)
	sim.Mean = (sq - n) / (n * (n - 1))
	return sim, nil
}

// cosineChunk is how many vectors one worker sums at a time.
const cosineChunk = 4096

type cosineSum struct {
	sum  []float64
	used int
}

// sumNormalized adds vᵢ/‖vᵢ‖ over vecs. Each vector is read twice (norm, then sum), the second
// time from the CPU cache. The loops are written so that the compiler drops their bounds checks.
func sumNormalized(vecs [][]float32, d int) cosineSum {
	out := cosineSum{sum: make([]float64, d)}
	for _, v := range vecs {
		v = v[:d]
		norm2 := sumSquares(v)
		if norm2 == 0 || math.IsInf(norm2, 0) || math.IsNaN(norm2) {
			continue
		}
		addScaled(out.sum, v, 1/math.Sqrt(norm2))
		out.used++
	}
	return out
}

// sumSquares is Σ v[k]², in float64 with eight accumulators.
func sumSquares(v []float32) float64 {
	var a0, a1, a2, a3, a4, a5, a6, a7 float64
	for len(v) >= 8 {
		x0, x1, x2, x3 := float64(v[0]), float64(v[1]), float64(v[2]), float64(v[3])
		x4, x5, x6, x7 := float64(v[4]), float64(v[5]), float64(v[6]), float64(v[7])
		a0 += x0 * x0
		a1 += x1 * x1
		a2 += x2 * x2
		a3 += x3 * x3
		a4 += x4 * x4
		a5 += x5 * x5
		a6 += x6 * x6
		a7 += x7 * x7
		v = v[8:]
	}
	for _, x := range v {
		a0 += float64(x) * float64(x)
	}
	return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))
}

// addScaled does sum[k] += v[k]·scale, in float64.
func addScaled(sum []float64, v []float32, scale float64) {
	for len(v) >= 8 && len(sum) >= 8 {
		sum[0] += float64(v[0]) * scale
		sum[1] += float64(v[1]) * scale
		sum[2] += float64(v[2]) * scale
		sum[3] += float64(v[3]) * scale
		sum[4] += float64(v[4]) * scale
		sum[5] += float64(v[5]) * scale
		sum[6] += float64(v[6]) * scale
		sum[7] += float64(v[7]) * scale
		v, sum = v[8:], sum[8:]
	}
	for k, x := range v {
		sum[k] += float64(x) * scale
	}
}

// LexicalModel names the lexical fallback embedding (LexicalEmbed) wherever an embedding model's
// name is shown or stored, so that figures computed with it are never mistaken for a real
// model's. Any change to LexicalEmbed's output must change this name.
const LexicalModel = "lexical-char-ngram-v1"

// LexicalDim is the length of LexicalEmbed's vectors.
const LexicalDim = 1024

// LexicalEmbed is the offline stand-in for an embedding model: a hashed bag of character
// n-grams. The text is lower-cased and its white space collapsed to single spaces (and one added
// at each end, so that word starts and ends are n-grams of their own); every 3-, 4- and 5-gram of
// runes is hashed (FNV-1a, 64 bits) to one of LexicalDim components and adds +1 or −1 there (the
// sign from another bit of the hash, so colliding n-grams cancel out on average instead of
// inflating similarity); the vector is then L2-normalized.
//
// It is deterministic and needs nothing but the text. It measures shared spelling, not meaning:
// paraphrases with different words score low, and its similarities are not comparable with a
// model's. A text with no characters but white space gives the zero vector, which MeanCosine
// skips.
func LexicalEmbed(text string) []float32 {
	vec := make([]float32, LexicalDim)
	norm := " " + strings.Join(strings.Fields(strings.ToLower(text)), " ") + " "
	if norm == "  " {
		return vec
	}
	// Byte offsets of rune starts, so that n-grams are whole runes.
	starts := make([]int, 0, len(norm)+1)
	for i := range norm {
		starts = append(starts, i)
	}
	starts = append(starts, len(norm))
	runes := len(starts) - 1
	for n := 3; n <= 5; n++ {
		for i := 0; i+n <= runes; i++ {
			h := fnv1a(norm[starts[i]:starts[i+n]])
			idx := h % LexicalDim
			if h>>63 == 1 {
				vec[idx]--
			} else {
				vec[idx]++
			}
		}
	}
	var sq float64
	for _, x := range vec {
		sq += float64(x) * float64(x)
	}
	if sq == 0 {
		return vec
	}
	inv := 1 / math.Sqrt(sq)
	for i, x := range vec {
		vec[i] = float32(float64(x) * inv)
	}
	return vec
}

// fnv1a is the 64-bit FNV-1a hash.
func fnv1a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
