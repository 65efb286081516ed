package retrieve

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// The package's own pieces, tested from inside: the partial sort of rankings, the kinds of values and
// the folding of words.

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

// Columns made of years, dates (named months or numbers), countries and other words in random shares and forms: a kind is
// said of a column exactly when more than half of its values are of it.
func TestKindsOf_SaidWhenMostValuesAreOfTheKind(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	months := []string{"January", "Feb", "march", "Apr.", "May", "June", "Jul", "AUGUST", "Sept", "October", "Nov", "December"}
	countries := []string{"Sweden", "Soviet Union", "SPAIN", "Czech Republic", "Bosnia and Herzegovina", "United States", "Côte d'Ivoire"}
	gen := map[string]func() string{
		kindYear: func() string {
			y := 1500 + r.IntN(600)
			switch r.IntN(4) {
			case 0:
				return fmt.Sprint(y)
			case 1:
				return fmt.Sprintf("%d–%d", y, y+1+r.IntN(20))
			case 2:
				return fmt.Sprintf("%d–%02d", y, (y+1)%100)
			}
			return fmt.Sprintf("%d (re-elected)", y)
		},
		kindNumericDate: func() string {
			y, mo, d := 1900+r.IntN(120), 1+r.IntN(12), 1+r.IntN(28)
			switch r.IntN(4) {
			case 0:
				return fmt.Sprintf("%d-%02d-%02d", y, mo, d)
			case 1:
				return fmt.Sprintf("%d-%02d-%02d %02d:%02d:00", y, mo, d, r.IntN(24), r.IntN(60))
			case 2:
				return fmt.Sprintf("%02d.%02d.%d", d, mo, y)
			}
			return fmt.Sprintf("%d/%d/%02d", mo, d, y%100)
		},
		kindDate: func() string {
			m := months[r.IntN(len(months))]
			switch r.IntN(3) {
			case 0:
				return fmt.Sprintf("%s %d", m, 1900+r.IntN(120))
			case 1:
				return fmt.Sprintf("%d %s %d", 1+r.IntN(28), m, 1900+r.IntN(120))
			}
			return fmt.Sprintf("%s %d, %d", m, 1+r.IntN(28), 1900+r.IntN(120))
		},
		kindCountry: func() string {
			c := countries[r.IntN(len(countries))]
			switch r.IntN(3) {
			case 0:
				return c + " (" + c[:3] + ")"
			case 1:
				return c + "*"
			}
			return c
		},
	}
	other := []func() string{
		func() string { return fmt.Sprint(r.IntN(1500)) },                                    // numbers below the years
		func() string { return fmt.Sprint(2100 + r.IntN(10000)) },                            // and above
		func() string { return fmt.Sprintf("%d.%d", r.IntN(3000), r.IntN(10)) },              // "1987.5" is no year
		func() string { return fmt.Sprintf("%d,%03d", 1+r.IntN(30), r.IntN(1000)) },          // nor "1,987"
		func() string { return fmt.Sprintf("0.%d", 1500+r.IntN(600)) },                       // nor "0.1987"
		func() string { return fmt.Sprintf("%d-%d-%d", r.IntN(10), r.IntN(10), r.IntN(10)) }, // nor a score "3-1-2"
		func() string {
			return []string{"Georgia Tech", "Mayday", "Jordan Henderson", "Chad Smith", "New Order"}[r.IntN(5)]
		},
		func() string { return "" },
	}
	kinds := []string{kindYear, kindDate, kindNumericDate, kindCountry}
	for trial := 0; trial < 2000; trial++ {
		n := 1 + r.IntN(40)
		k := kinds[r.IntN(len(kinds))]
		of := r.IntN(n + 1)
		values := make([]string, 0, n)
		for i := 0; i < of; i++ {
			values = append(values, gen[k]())
		}
		for len(values) < n {
			values = append(values, other[r.IntN(len(other))]())
		}
		r.Shuffle(n, func(i, j int) { values[i], values[j] = values[j], values[i] })
		got := kindsOf(values)
		if want := 2*of > n; slices.Contains(got, k) != want {
			t.Fatalf("%d of %d values are %q, kinds %q: %q", of, n, k, got, values)
		}
		for _, g := range got {
			if g != k {
				t.Fatalf("%q said of %q (%d of %d were %q)", g, values, of, n, k)
			}
		}
	}
}

// Latin words with accents put on at random, precomposed or decomposed, give the words without
// them; words of other scripts keep their marks.
func TestEachWord_FoldsLatinAccentsOnly(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 5))
	accented := map[rune][]string{ // a letter's accented forms, precomposed and decomposed
		'a': {"á", "à", "â", "ä", "ã", "å", "ā", "a\u0301", "a\u0308"},
		'c': {"ç", "č", "c\u0327"},
		'e': {"é", "è", "ê", "ë", "ě", "ę", "ệ", "e\u0301", "e\u0300"},
		'i': {"í", "ì", "î", "ï", "i\u0301"},
		'n': {"ñ", "ń", "ň", "n\u0303"},
		'o': {"ó", "ò", "ô", "ö", "õ", "ő", "ơ", "o\u0308"},
		's': {"š", "ś", "ş", "ș"},
		'u': {"ú", "ù", "û", "ü", "ű", "ů", "ư", "u\u0308"},
		'z': {"ž", "ź", "ż"},
	}
	letters := "abcdefghijklmnopqrstuvwxyz"
	for trial := 0; trial < 2000; trial++ {
		var plain, written strings.Builder
		for n := 2 + r.IntN(10); n > 0; n-- {
			c := rune(letters[r.IntN(len(letters))])
			plain.WriteRune(c)
			if forms := accented[c]; len(forms) > 0 && r.IntN(2) == 0 {
				written.WriteString(forms[r.IntN(len(forms))])
			} else {
				written.WriteRune(c)
			}
		}
		word := written.String()
		if r.IntN(3) == 0 {
			word = strings.ToUpper(word) // a header in capitals
		}
		var got []string
		eachWord(word, func(w string) { got = append(got, w) })
		if len(got) != 1 || got[0] != plain.String() {
			t.Fatalf("%q gave %q, want %q", word, got, plain.String())
		}
	}
	for in, want := range map[string]string{"Straße": "strasse", "Ærø": "aero", "Łódź": "lodz", "Øresund": "oresund"} {
		var got []string
		eachWord(in, func(w string) { got = append(got, w) })
		if len(got) != 1 || got[0] != want {
			t.Errorf("%q gave %q, want %q", in, got, want)
		}
	}
	for _, in := range []string{"が", "हिन्दी", "Ελλάδα", "Москва"} {
		var got []string
		eachWord(in, func(w string) { got = append(got, w) })
		if len(got) != 1 || got[0] != strings.ToLower(in) {
			t.Errorf("%q gave %q: another script's word must stay whole and as it is", in, got)
		}
	}
}
