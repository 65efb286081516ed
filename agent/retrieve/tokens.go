package retrieve

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// eachWord calls fn with each word of s, lower-cased and with the accents of Latin letters removed;
// "SingerName" and "singer_name" are two words, "São Tomé" and "sao tome" the same two.
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
			writeFolded(&b, r)
		case unicode.In(r, unicode.Mn, unicode.Mc) && b.Len() > 0:
			// A combining mark belongs to the letter before it: an accent of a Latin letter (a
			// decomposed "é") is dropped; in other scripts it is part of the spelling ("हिन्दी").
			if !isLatin(prev) || !unicode.Is(unicode.Mn, r) {
				b.WriteRune(r)
			}
			continue
		default:
			flush()
		}
		prev = r
	}
	flush()
}

// writeFolded writes r lower-cased, a Latin letter without its accents ("É" → "e", "ø" → "o",
// "ß" → "ss"), so that a question typed without them finds the values written with them.
func writeFolded(b *strings.Builder, r rune) {
	if r < utf8.RuneSelf || !isLatin(r) {
		b.WriteRune(unicode.ToLower(r))
		return
	}
	if f, ok := latinLetters[unicode.ToLower(r)]; ok {
		b.WriteString(f)
		return
	}
	// The canonical decomposition (Unicode Standard Annex #15) is the letter and its marks.
	for _, d := range norm.NFD.String(string(r)) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(unicode.ToLower(d))
		}
	}
}

// isLatin says whether r is a letter of the Latin blocks that carry accents: Latin-1 Supplement,
// Latin Extended-A and -B, and Latin Extended Additional (Vietnamese).
func isLatin(r rune) bool {
	return r < utf8.RuneSelf || r >= 0xC0 && r <= 0x24F || r >= 0x1E00 && r <= 0x1EFF
}

// latinLetters are the Latin letters that do not decompose into a letter and marks.
var latinLetters = map[rune]string{'ß': "ss", 'æ': "ae", 'ø': "o", 'đ': "d", 'ł': "l", 'œ': "oe", 'þ': "th", 'ð': "d", 'ı': "i", 'ħ': "h"}

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
	if b, ok := irregular[w]; ok {
		return b
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

// irregular folds the past forms of common irregular English verbs to their base, which the suffix
// rules cannot reach (forms that are also common nouns or adjectives, "found", "left", "saw", are
// left alone): a question's "won" finds a table's "Win", a table's "Won" a question's "win".
var irregular = map[string]string{}

func init() {
	for _, pair := range strings.Fields(`won:win lost:lose began:begin begun:begin beaten:beat
		became:become built:build bought:buy brought:bring caught:catch chose:choose chosen:choose came:come
		drew:draw drawn:draw drove:drive driven:drive fallen:fall fought:fight flew:fly
		flown:fly gave:give given:give went:go gone:go grew:grow grown:grow held:hold kept:keep knew:know
		known:know led:lead lent:lend made:make meant:mean met:meet paid:pay ran:run rode:ride
		ridden:ride risen:rise sold:sell sent:send sang:sing sung:sing sat:sit spent:spend stood:stand
		stole:steal stolen:steal struck:strike swam:swim swum:swim took:take taken:take taught:teach thought:think
		threw:throw thrown:throw wore:wear worn:wear wrote:write written:write spoke:speak spoken:speak
		seen:see sank:sink slept:sleep told:tell understood:understand woke:wake`) {
		from, to, _ := strings.Cut(pair, ":")
		irregular[from] = to
	}
}

// expansions are the words a name's abbreviated terms stand for ("mpg" → mile, gallon; "qty" →
// quantity), indexed beside them: schemas abbreviate where questions spell out. Only names and
// columns are read this way; in values "pos" or "cat" mean what they say.
func expansions(f Field, ts []string) []string {
	if f != FieldName && f != FieldColumn {
		return nil
	}
	var out []string
	for _, t := range ts {
		out = append(out, schemaAbbreviations[t]...)
	}
	return out
}

// schemaAbbreviations are abbreviations common in column and table names, by their term.
var schemaAbbreviations = map[string][]string{}

func init() {
	for _, line := range strings.Split(`acct account|addr address|amt amount|appt appointment|approx approximate|
		asst assistant|attr attribute|bal balance|bldg building|cat category|cnt count|cust customer|
		cty city|ctry country|dept department|desc description|dest destination|dist distance|dob birth date|
		dt date|emp employee|empl employee|fname first|lname last|gp game play|hp horsepower|hr hour|
		hrs hour|info information|inv invoice|lat latitude|lng longitude|lon longitude|
		loc location|mgr manager|mgmt management|mpg mile gallon|msg message|pct percent|perc percent|
		pld play|pop population|pos position|pts point|prod product|prof professor|qty quantity|
		rev revenue|sal salary|sched schedule|sec second|sqft square foot|stu student|tel telephone|
		temp temperature|tot total|txn transaction|univ university|wt weight|yr year|yrs year|zip postal code`, "|") {
		ws := strings.Fields(line)
		if len(ws) < 2 {
			continue
		}
		for _, w := range ws[1:] {
			schemaAbbreviations[ws[0]] = append(schemaAbbreviations[ws[0]], terms(w)...)
		}
	}
}
