package metrics

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// pairwiseMeanCosine is the definition: the mean of cos(vᵢ, vⱼ) over all pairs i < j.
func pairwiseMeanCosine(vecs [][]float32) float64 {
	var sum float64
	pairs := 0
	for i := range vecs {
		for j := i + 1; j < len(vecs); j++ {
			var dot, ni, nj float64
			for k := range vecs[i] {
				a, b := float64(vecs[i][k]), float64(vecs[j][k])
				dot += a * b
				ni += a * a
				nj += b * b
			}
			sum += dot / math.Sqrt(ni*nj)
			pairs++
		}
	}
	return sum / float64(pairs)
}

func TestMeanCosine_EqualsThePairwiseDefinition(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	for _, tc := range []struct{ n, d int }{{2, 3}, {3, 1}, {10, 16}, {257, 64}, {1000, 33}, {9000, 4}} {
		vecs := make([][]float32, tc.n)
		for i := range vecs {
			vecs[i] = make([]float32, tc.d)
			scale := float32(rng.ExpFloat64() * 10) // norms vary: normalization matters
			for k := range vecs[i] {
				vecs[i][k] = scale * (float32(rng.NormFloat64()) + 0.4) // a shared direction
			}
		}
		got, err := MeanCosine(vecs)
		if err != nil {
			t.Fatal(err)
		}
		want := pairwiseMeanCosine(vecs)
		if math.Abs(got.Mean-want) > 1e-9 || got.Vectors != tc.n || got.Skipped != 0 {
			t.Errorf("n=%d d=%d: got %+v, pairwise definition %v", tc.n, tc.d, got, want)
		}
	}
}

func TestMeanCosine_KnownValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		vecs [][]float32
		want float64
	}{
		{"identical directions", [][]float32{{1, 0}, {3, 0}, {0.5, 0}}, 1},
		{"orthogonal", [][]float32{{1, 0}, {0, 2}}, 0},
		{"opposite", [][]float32{{1, 1}, {-2, -2}}, -1},
		{"three at 120 degrees", [][]float32{{1, 0}, {-0.5, float32(math.Sqrt(3) / 2)}, {-0.5, -float32(math.Sqrt(3) / 2)}}, -0.5},
	}
	for _, tt := range tests {
		got, err := MeanCosine(tt.vecs)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got.Mean-tt.want) > 1e-6 {
			t.Errorf("%s: got %v, want %v", tt.name, got.Mean, tt.want)
		}
	}
}

func TestMeanCosine_FewerThanTwoVectorsHaveNoPair(t *testing.T) {
	t.Parallel()
	for _, vecs := range [][][]float32{nil, {{1, 2}}, {{1, 2}, {0, 0}}} {
		got, err := MeanCosine(vecs)
		if err != nil {
			t.Fatal(err)
		}
		if got.Mean != 0 || got.Vectors > 1 {
			t.Errorf("%v: got %+v", vecs, got)
		}
	}
}

func TestMeanCosine_ZeroAndNonFiniteVectorsAreSkipped(t *testing.T) {
	t.Parallel()
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	vecs := [][]float32{{1, 0}, {0, 0}, {1, 1}, {nan, 1}, {0, 1}, {inf, 0}}
	got, err := MeanCosine(vecs)
	if err != nil {
		t.Fatal(err)
	}
	want := pairwiseMeanCosine([][]float32{{1, 0}, {1, 1}, {0, 1}})
	if math.Abs(got.Mean-want) > 1e-9 || got.Vectors != 3 || got.Skipped != 3 {
		t.Errorf("got %+v, want mean %v over 3 vectors, 3 skipped", got, want)
	}
}

func TestMeanCosine_VectorsOfDifferentLengthsAreAnError(t *testing.T) {
	t.Parallel()
	if _, err := MeanCosine([][]float32{{1, 2}, {1, 2, 3}}); !errors.Is(err, ErrDimensions) {
		t.Errorf("err = %v, want ErrDimensions", err)
	}
}

func TestLexicalEmbed_IsNormalizedAndIgnoresCaseAndSpacing(t *testing.T) {
	t.Parallel()
	a := LexicalEmbed("How many singers do we have?")
	b := LexicalEmbed("  how MANY singers\tdo we   have?\n")
	if len(a) != LexicalDim {
		t.Fatalf("length %d, want %d", len(a), LexicalDim)
	}
	var norm float64
	for k := range a {
		if a[k] != b[k] {
			t.Fatalf("component %d differs: %v vs %v", k, a[k], b[k])
		}
		norm += float64(a[k]) * float64(a[k])
	}
	if math.Abs(norm-1) > 1e-6 {
		t.Errorf("squared norm %v, want 1", norm)
	}
}

func TestLexicalEmbed_BlankTextIsTheZeroVector(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"", "   \t\n"} {
		for k, x := range LexicalEmbed(text) {
			if x != 0 {
				t.Fatalf("%q: component %d = %v", text, k, x)
			}
		}
	}
	if v := LexicalEmbed("é"); dot(v, v) < 0.99 {
		t.Error("a one-character text must still have a direction")
	}
}

func TestLexicalEmbed_SimilarTextsScoreHigher(t *testing.T) {
	t.Parallel()
	base := LexicalEmbed("How many singers do we have?")
	near := LexicalEmbed("How many singers are there?")
	far := LexicalEmbed("List the names of all stadiums ordered by capacity.")
	if dn, df := dot(base, near), dot(base, far); dn <= df || dn < 0.5 || df > 0.3 {
		t.Errorf("cos(near) = %v, cos(far) = %v", dn, df)
	}
}

// TestLexicalEmbed_OutputIsFrozenForItsModelName: figures computed with the lexical fallback
// are stored labelled LexicalModel, so its output may not change under the same name. If this
// test fails after a deliberate change, bump LexicalModel's version and update the figures.
func TestLexicalEmbed_OutputIsFrozenForItsModelName(t *testing.T) {
	t.Parallel()
	if LexicalModel != "lexical-char-ngram-v1" {
		t.Fatalf("LexicalModel is %q: update this test's figures for the new version", LexicalModel)
	}
	v := LexicalEmbed("What is the average age of singers from France?")
	var weighted float64
	nonzero := 0
	for k, x := range v {
		weighted += float64(k) * float64(x)
		if x != 0 {
			nonzero++
		}
	}
	cos := dot(v, LexicalEmbed("What is the mean age of French singers?"))
	const wantWeighted, wantNonzero, wantCos = -936.276663, 126, 0.478340343
	if math.Abs(weighted-wantWeighted) > 1e-3 || nonzero != wantNonzero || math.Abs(cos-wantCos) > 1e-6 {
		t.Errorf("weighted sum %.6f, %d non-zero, cos %.9f; want %.6f, %d, %.9f", weighted, nonzero, cos, wantWeighted, wantNonzero, wantCos)
	}
}
