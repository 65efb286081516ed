package llmtest

import (
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
	"math"
	"strings"
)

// EmbeddingDim is the dimension of TrigramEmbedding.
const EmbeddingDim = 64

// TrigramEmbedding is the default embedding: hashed character trigrams of the lower-cased text
// (padded with a space at each end), EmbeddingDim wide, L2-normalised. Texts that share many
// trigrams get a high cosine similarity, which is enough for similarity and top-k tests.
// The empty text gets the first unit vector.
func TrigramEmbedding(s string) []float32 {
	v := make([]float64, EmbeddingDim)
	r := []rune(" " + strings.ToLower(s) + " ")
	for i := 0; i+3 <= len(r); i++ {
		h := fnv.New32a()
		_, _ = h.Write([]byte(string(r[i : i+3])))
		x := h.Sum32()
		sign := 1.0
		if x&(1<<31) != 0 {
			sign = -1
		}
		v[x%EmbeddingDim] += sign
	}
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	out := make([]float32, EmbeddingDim)
	if norm == 0 {
		out[0] = 1
		return out
	}
	norm = math.Sqrt(norm)
	for i, x := range v {
		out[i] = float32(x / norm)
	}
	return out
}

// base64Floats encodes a vector as OpenAI does for encoding_format "base64": little-endian float32s.
func base64Floats(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}
