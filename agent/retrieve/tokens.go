package retrieve

import (
	"strings"
	"unicode"
)

// stopwords are words too common in questions to tell tables apart. Aggregate words (count, total,
// average) stay out too: every table can be counted.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the of in on at to for from by with and or not no is are was were be been being
		what which who whom whose when where how many much all each every any some their its his her them they it
		that this these those there than then as do does did have has had show list give find return me tell
		name number count total average avg sum max min most least more less did get got between after before
		during into over under per one two i you we our your can could would should will`) {
		stopwords[w] = true
	}
}

// terms splits text into index terms: lower-case runs of letters and digits, with underscores,
// punctuation and camel case as separators, stop words dropped and a plural ending folded.
func terms(s string) []string { return split(s, true) }

// split is terms; years give their decade's term only in indexed text (a question's "1965" is
// about that year, its "1960s" about the decade).
func split(s string, indexed bool) []string {
	var out []string
	eachWord(s, func(w string) {
		if t := normalize(w); t != "" {
			out = append(out, t)
		}
		if d := decade(w); d != "" && (indexed || len(w) == 5) {
			out = append(out, d)
		}
	})
	return out
}

// decade is the decade term of a year ("1987" and "1980s" both give "1980s"), so a question about
// "the 1980s" finds the tables holding years of it; "" for any other word.
func decade(w string) string {
	switch {
	case len(w) == 4 && isYear(w):
		return w[:3] + "0s"
	case len(w) == 5 && w[4] == 's' && w[3] == '0' && isYear(w[:4]):
		return w[:4] + "s"
	}
	return ""
}

func isYear(w string) bool {
	for i := 0; i < 4; i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w[0] == '1' && w[1] >= '5' || w[0] == '2' && w[1] == '0'
}

// eachWord calls fn with each word of s, lower-cased; "SingerName" and "singer_name" are two words.
func eachWord(s string, fn func(string)) {
	var b strings.Builder
	var prev rune
	flush := func() {
		if b.Len() > 0 {
			fn(b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if unicode.IsUpper(r) && unicode.IsLower(prev) {
				flush()
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
		prev = r
	}
	flush()
}

// normalize folds one lower-case word to its term ("" for a stop word): light English suffix
// rules, enough for "singers"/"singer", "countries"/"country", "grossing"/"gross". Both the index
// and queries fold the same way, so an odd stem ("unit" for "united") still matches itself.
func normalize(w string) string {
	if stopwords[w] {
		return ""
	}
	if a, ok := abbreviations[w]; ok {
		return a
	}
	if decade(w) != "" && len(w) == 5 {
		return "" // "1980s": its decade term says it
	}
	n := len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		return w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ed") && !strings.HasSuffix(w, "eed"):
		return w[:n-2]
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && (strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes")):
		return w[:n-2]
	case n > 3 && w[n-1] == 's' && w[n-2] != 's' && w[n-2] != 'u' && w[n-2] != 'i':
		return w[:n-1]
	}
	return w
}

// abbreviations fold the names of months and weekdays to the short forms tables use as headers
// ("Jan", "Feb", …), so "january" finds a climate table whose columns are months.
var abbreviations = map[string]string{}

func init() {
	for _, w := range strings.Fields(`january february march april june july august september october november december
		monday tuesday wednesday thursday friday saturday sunday`) {
		abbreviations[w] = w[:3]
	}
	abbreviations["sept"] = "sep"
}
