package metrics

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Distribution summarizes a list of lengths.
type Distribution struct {
	Count  int     `json:"count"`
	Min    int     `json:"min"`
	Max    int     `json:"max"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
	// Histogram has buckets of equal width from the one holding Min to the one holding Max,
	// empty buckets included, so that charts of two sets line up.
	Histogram []Bucket `json:"histogram"`
}

// Bucket counts the lengths from From to To, both included.
type Bucket struct {
	From  int `json:"from"`
	To    int `json:"to"`
	Count int `json:"count"`
}

// Lengths describes how long a set's questions are, in words and in characters.
type Lengths struct {
	Words Distribution `json:"words"` // buckets of 5 words
	Chars Distribution `json:"chars"` // buckets of 25 characters
}

// Histogram bucket widths of Lengths.
const (
	WordBucket = 5
	CharBucket = 25
)

// MeasureLengths describes the lengths of texts: words as CountWords counts them, characters as
// Unicode code points of the text with its white space collapsed.
func MeasureLengths(texts []string) Lengths {
	words := make([]int, len(texts))
	chars := make([]int, len(texts))
	for i, t := range texts {
		words[i] = CountWords(t)
		chars[i] = utf8.RuneCountInString(strings.Join(strings.Fields(t), " "))
	}
	return Lengths{Words: Describe(words, WordBucket), Chars: Describe(chars, CharBucket)}
}

// CountWords counts the white-space separated tokens of text that hold at least one letter or
// digit ("What's the  average age?" has 4; a lone "-" is not a word). Scripts written without
// spaces count as one word per run.
func CountWords(text string) int {
	n := 0
	for _, f := range strings.Fields(text) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

// Describe summarizes values with a histogram of the given bucket width (at least 1). Median and
// P90 interpolate linearly between the nearest ranks (the usual "type 7" quantile). An empty
// list gives the zero Distribution with an empty histogram.
func Describe(values []int, width int) Distribution {
	d := Distribution{Count: len(values), Histogram: []Bucket{}}
	if len(values) == 0 {
		return d
	}
	width = max(width, 1)
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	d.Min, d.Max = sorted[0], sorted[len(sorted)-1]
	var sum float64
	for _, v := range sorted {
		sum += float64(v)
	}
	d.Mean = sum / float64(len(sorted))
	d.Median = quantile(sorted, 0.5)
	d.P90 = quantile(sorted, 0.9)
	first, last := floorDiv(d.Min, width), floorDiv(d.Max, width)
	for b := first; b <= last; b++ {
		d.Histogram = append(d.Histogram, Bucket{From: b * width, To: b*width + width - 1})
	}
	for _, v := range sorted {
		d.Histogram[floorDiv(v, width)-first].Count++
	}
	return d
}

// quantile of sorted values, interpolating between closest ranks.
func quantile(sorted []int, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	return float64(sorted[lo]) + frac*float64(sorted[hi]-sorted[lo])
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
