package csvtable

import (
	"path"
	"strconv"
	"strings"

	"github.com/goldset/goldset/sqlexec"
)

// maxIdentLen is PostgreSQL's NAMEDATALEN-1: longer identifiers are silently truncated by the server.
const maxIdentLen = 63

// Column naming rules, so a name can be used in PostgreSQL SQL without quoting and still reads
// like its header:
//   - newlines and runs of blanks in the header become one space; that text is kept as Original;
//   - lower case; common accented Latin letters are transliterated (é→e, ß→ss, ł→l);
//   - symbols that carry meaning become words: % → pct, # and № → num, ± and +/- → pm, & → and,
//     £ → gbp, $ → usd, € → eur, ² → 2, ³ → 3; every other character separates words;
//   - words are joined by one underscore, with none leading or trailing;
//   - a name starting with a digit gets the prefix c_ (2001 → c_2001); an empty one becomes
//     column_N (N = 1-based position);
//   - PostgreSQL reserved words (order, from, to, user, left, …) get the suffix _col;
//   - at most 63 bytes; duplicates get _2, _3, … in header order (Film, Film → film, film_2).
//
// Table names derived from a file name follow the same rules with prefix t_ and suffix _tbl:
// "200-csv/12.csv" → t_12, "Sales 2024.csv" → sales_2024.

// headerText normalises a header cell for display: newlines and blank runs become one space.
func headerText(s string) string { return strings.Join(strings.Fields(s), " ") }

// cleanIdent turns s into a lower snake_case identifier (possibly empty, possibly reserved).
func cleanIdent(s string) string {
	s = strings.ReplaceAll(s, "+/-", " pm ")
	s = strings.ReplaceAll(s, "+/−", " pm ")
	var b strings.Builder
	sep := false // a separator is pending
	word := func(w string) {
		if sep && b.Len() > 0 {
			b.WriteByte('_')
		}
		b.WriteString(w)
		sep = false
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			word(string(r))
		case r == '²':
			word("2")
		case r == '³':
			word("3")
		default:
			if t, ok := translit[r]; ok {
				word(t)
				continue
			}
			if w, ok := symbolWords[r]; ok {
				sep = true
				word(w)
				sep = true
				continue
			}
			sep = true
		}
	}
	return b.String()
}

// identifier applies the full rule set: cleanIdent, then prefix, fallback, reserved-word suffix and length.
func identifier(s, digitPrefix, fallback, reservedSuffix string) string {
	id := cleanIdent(s)
	if id == "" {
		id = fallback
	}
	if id[0] >= '0' && id[0] <= '9' {
		id = digitPrefix + id
	}
	if sqlexec.ReservedWord(id) {
		id += reservedSuffix
	}
	return truncIdent(id, maxIdentLen)
}

func truncIdent(id string, n int) string {
	if len(id) <= n {
		return id
	}
	return strings.TrimRight(id[:n], "_")
}

// columnNames returns clean unique identifiers for headers (already normalised with headerText).
// suffixes, when not nil, holds a per-column suffix added before de-duplication (e.g. "pct").
func columnNames(headers []string, suffixes []string) []string {
	base := make([]string, len(headers))
	for i, h := range headers {
		base[i] = identifier(h, "c_", "column_"+strconv.Itoa(i+1), "_col")
		if suffixes != nil && suffixes[i] != "" && !saysAlready(base[i], suffixes[i]) {
			base[i] = truncIdent(base[i], maxIdentLen-len(suffixes[i])-1) + "_" + suffixes[i]
		}
	}
	return uniqueNames(base)
}

// saysAlready reports whether name already carries the meaning of suffix ("percentage" says pct).
func saysAlready(name, suffix string) bool {
	return strings.Contains(name, suffix) || suffix == "pct" && strings.Contains(name, "percent")
}

// uniqueNames keeps the first use of each name and numbers later ones (_2, _3, …), never
// taking a name that another column already has as its own (Film, Film, Film_2 → film, film_3, film_2).
func uniqueNames(base []string) []string {
	taken := make(map[string]bool, len(base))
	for _, n := range base {
		taken[n] = true
	}
	out := make([]string, len(base))
	first := make(map[string]bool, len(base))
	for i, n := range base {
		if !first[n] {
			first[n] = true
			out[i] = n
			continue
		}
		for k := 2; ; k++ {
			suffix := "_" + strconv.Itoa(k)
			cand := truncIdent(n, maxIdentLen-len(suffix)) + suffix
			if !taken[cand] {
				taken[cand] = true
				out[i] = cand
				break
			}
		}
	}
	return out
}

// TableNameFor derives a table name from a file name or path: the file's base name without
// its extension, cleaned like a column name, with prefix t_ when it starts with a digit
// ("csv/200-csv/12.csv" → t_12) and suffix _tbl for a reserved word ("order.csv" → order_tbl);
// a name with nothing left after cleaning is "unnamed".
// ReadDir and ReadZip make names unique within their result by prefixing the parent folder
// (t_200_csv_12, t_201_csv_12) when two files would otherwise get the same name.
func TableNameFor(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	return identifier(base, "t_", "unnamed", "_tbl")
}

// tableNameWithParent is TableNameFor with the parent folder's name in front.
func tableNameWithParent(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	dir := path.Base(path.Dir(name))
	base := path.Base(name)
	base = strings.TrimSuffix(base, path.Ext(base))
	if dir == "." || dir == "/" {
		return TableNameFor(name)
	}
	return identifier(dir+"_"+base, "t_", "unnamed", "_tbl")
}

var symbolWords = map[rune]string{
	'%': "pct", '#': "num", '№': "num", '±': "pm", '&': "and",
	'£': "gbp", '$': "usd", '€': "eur",
}

var translit = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ă': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ĉ': "c", 'ċ': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ė': "e", 'ę': "e", 'ě': "e",
	'ğ': "g", 'ģ': "g", 'ĥ': "h", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'į': "i", 'ı': "i",
	'ĵ': "j", 'ķ': "k", 'ł': "l", 'ľ': "l", 'ļ': "l", 'ĺ': "l", 'ñ': "n", 'ń': "n", 'ň': "n", 'ņ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o", 'œ': "oe",
	'ŕ': "r", 'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ș': "s", 'ß': "ss", 'ť': "t", 'ţ': "t", 'ț': "t",
	'þ': "th", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u", 'ų': "u",
	'ý': "y", 'ÿ': "y", 'ź': "z", 'ż': "z", 'ž': "z",
}
