package retrieve

import (
	"slices"
	"sort"
	"strings"
)

// Hit is a table that matches a search, with what matched.
type Hit struct {
	Table    string  `json:"table"`
	Original string  `json:"original,omitempty"`
	Score    float64 `json:"score"`
	Matches  []Match `json:"matches" tstype:"SchemaSearchMatch[]"`
}

// Match is one name, header, summary, description or value of a table that holds a searched word.
type Match struct {
	Field  Field  `json:"field" tstype:"SchemaSearchField"`
	Column string `json:"column,omitempty"` // the column, for a column's name, type, description or value
	Text   string `json:"text"`
}

// Bounds of what a search shows.
const (
	maxMatchesPerTable  = 8
	maxValuesPerColumn  = 3
	maxPrefixExpansions = 20
	minPrefixLen        = 3
)

// Search finds the tables (and their columns and values) holding the words of query, best first,
// at most limit of them. A word found nowhere is read as the start of words ("sing" finds
// "singer"), so a search box works while one types.
func (ix *Index) Search(query string, limit int) []Hit {
	qterms := ix.expand(queryTerms(query))
	if len(qterms) == 0 || limit <= 0 {
		return []Hit{}
	}
	ranked := ix.bm25(qterms, limit)
	want := map[string]bool{}
	for _, t := range qterms {
		want[t.term] = true
	}
	out := make([]Hit, 0, len(ranked))
	for _, s := range ranked {
		t := &ix.Tables[s.doc]
		h := Hit{Table: t.Name, Score: s.score, Matches: ix.matches(t, want)}
		if t.Original != t.Name {
			h.Original = t.Original
		}
		out = append(out, h)
	}
	return out
}

// qterm is a term of a query with its weight and its group: a word of the query and the longer
// words it begins are one group, which BM25F scores as one term (their frequencies add up before
// saturation), so a word with many continuations does not count many times.
type qterm struct {
	term  string
	w     float64
	group int
}

// prefixWeight is the weight of an indexed term a query word begins ("snow" → "snowy", "rain" →
// "rainfall"): a hint, worth less than the word itself.
const prefixWeight = 0.5

// expand adds to each term of a query the indexed terms it begins (up to a bound): at full weight
// when the term itself is indexed nowhere (a word being typed), at prefixWeight otherwise.
func (ix *Index) expand(words []string) []qterm {
	var out []qterm
	seen := map[string]bool{}
	add := func(t string, w float64, g int) {
		if !seen[t] {
			seen[t] = true
			out = append(out, qterm{t, w, g})
		}
	}
	for g, t := range words {
		add(t, 1, g)
	}
	for g, t := range words {
		if len(t) < minPrefixLen || (len(ix.post[t]) > 0 && len(t) < minPrefixLen+1) || !hasLetter(t) || strings.Contains(t, " ") {
			continue // numbers are looked up whole ("2010" is no prefix of "2014"), pairs of words too
		}
		w := prefixWeight
		if len(ix.post[t]) == 0 {
			w = 1
		}
		vocab := ix.vocabulary()
		i := sort.SearchStrings(vocab, t)
		expanded := 0
		for ; i < len(vocab) && expanded < maxPrefixExpansions && strings.HasPrefix(vocab[i], t); i++ {
			if vocab[i] != t {
				add(vocab[i], w, g)
				expanded++
			}
		}
		if len(ix.post[t]) == 0 && expanded == 0 && len(t) >= minFuzzyLen {
			for _, e := range edits(t) {
				if len(ix.post[e]) > 0 {
					add(e, fuzzyWeight, g)
				}
			}
		}
	}
	// Each group's terms side by side, as bm25 reads them.
	slices.SortStableFunc(out, func(a, b qterm) int { return a.group - b.group })
	return out
}

// vocabulary is the sorted list of indexed terms, made on first use.
func (ix *Index) vocabulary() []string {
	ix.vocabOnce.Do(func() {
		ix.vocab = make([]string, 0, len(ix.post))
		for t := range ix.post {
			ix.vocab = append(ix.vocab, t)
		}
		sort.Strings(ix.vocab)
	})
	return ix.vocab
}

// matches lists what in t holds a wanted term: names first, then columns, then values.
func (ix *Index) matches(t *Table, want map[string]bool) []Match {
	var out []Match
	perColumn := map[int]int{}
	eachField(t, func(f Field, col int, text string) {
		if len(out) >= maxMatchesPerTable {
			return
		}
		hit := false
		ts := terms(text)
		for _, term := range append(ts, expansions(f, ts)...) {
			if want[term] {
				hit = true
				break
			}
		}
		if !hit {
			return
		}
		m := Match{Field: f, Text: text}
		if col >= 0 {
			m.Column = t.Columns[col].Name
		}
		if f == FieldKind {
			m.Text = kindLabel[text]
		}
		if f == FieldValue {
			if perColumn[col] >= maxValuesPerColumn {
				return
			}
			perColumn[col]++
		}
		out = append(out, m)
	})
	if out == nil {
		out = []Match{}
	}
	return out
}

func hasLetter(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return true
		}
	}
	return false
}

// A word indexed nowhere and beginning no indexed word is read as a misspelling: the indexed terms
// one edit away (a deletion, transposition, substitution or insertion: Damerau 1964; generated,
// then looked up, as Norvig's spelling corrector does) stand in for it at fuzzyWeight.
const (
	minFuzzyLen = 4
	fuzzyWeight = 0.5
)

// edits are the distinct strings one edit away from w over lower-case letters and digits.
func edits(w string) []string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	seen := map[string]bool{w: true}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for i := 0; i <= len(w); i++ {
		a, b := w[:i], w[i:]
		if len(b) > 0 {
			add(a + b[1:])
			for j := 0; j < len(alphabet); j++ {
				add(a + alphabet[j:j+1] + b[1:])
			}
		}
		if len(b) > 1 {
			add(a + b[1:2] + b[:1] + b[2:])
		}
		for j := 0; j < len(alphabet); j++ {
			add(a + alphabet[j:j+1] + b)
		}
	}
	return out
}
