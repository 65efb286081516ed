package sqlexec

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
	"unicode"
)

// AnswerMatch checks a result against WikiTableQuestions answers (targetValue: one value, or
// several for a list question), the way WTQ's own evaluator judges a denotation: the result's values
// — its only column, or its only row when it has one row — must equal the answers as a set, each
// value compared by number when both parse as numbers (so "12,467" = 12467 = "12467.0") and
// otherwise as text, case-insensitively with whitespace and surrounding punctuation removed.
// It is a signal next to execution match, not a replacement: a right value can come from wrong SQL.
func AnswerMatch(r *Result, answers []string) (bool, string) {
	if len(answers) == 0 {
		return false, "the question has no answer to check against"
	}
	if r == nil || !r.OK() {
		return false, "the query failed"
	}
	if r.Truncated {
		return false, "the result was truncated"
	}
	var got []string
	switch {
	case len(r.Columns) == 1:
		for _, row := range r.Rows {
			got = append(got, normAnswer(Canonical(row[0]).String()))
		}
	case len(r.Rows) == 1:
		for _, v := range r.Rows[0] {
			got = append(got, normAnswer(Canonical(v).String()))
		}
	default:
		return false, fmt.Sprintf("the result has %d columns and %d rows; an answer is one column or one row", len(r.Columns), len(r.Rows))
	}
	want := make([]string, len(answers))
	for i, a := range answers {
		want[i] = normAnswer(a)
	}
	got, want = uniqueSorted(got), uniqueSorted(want)
	if strings.Join(got, "\x00") == strings.Join(want, "\x00") {
		return true, "the result equals the answer"
	}
	return false, fmt.Sprintf("the result gives %s; the answer is %s", quoteList(got), quoteList(want))
}

// normAnswer is a value's comparable form: a canonical number when it reads as one, else lower-case
// text without surrounding punctuation and with single spaces.
func normAnswer(s string) string {
	s = strings.TrimSpace(s)
	if n, ok := new(big.Rat).SetString(strings.ReplaceAll(s, ",", "")); ok && s != "" {
		return "#" + n.RatString()
	}
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsPunct(r) && r != '%' })
}

func uniqueSorted(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func quoteList(xs []string) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("%q", strings.TrimPrefix(x, "#"))
	}
	if len(out) > 5 {
		return strings.Join(out[:5], ", ") + fmt.Sprintf(" and %d more", len(out)-5)
	}
	return strings.Join(out, ", ")
}
