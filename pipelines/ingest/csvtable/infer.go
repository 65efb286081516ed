package csvtable

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goldset/goldset/sqlexec"
)

// Typing rules. A column gets a type other than text only when every one of its non-empty
// cells is either a value of that type (after the normalisations below) or a placeholder;
// otherwise it stays text and keeps every cell exactly as written (trimmed of surrounding
// blanks), empty cells and placeholders included. The candidates, in order:
//
//   - bigint: digits with optional thousand separators (12,467; also NBSP/thin space), an
//     optional sign (+, -, U+2212 minus or the en dash Wikipedia uses as minus, "+ 3" too) and
//     an optional ordinal dot ("10." in rank columns). A column with a zero-padded value
//     (007, 0001000) stays text: the zeros are data (codes, binary strings).
//   - numeric: as above with decimals (3.5, 1,234.56, .7); values are exact decimal strings.
//   - double precision: only when some value has an exponent (1.5e6).
//   - date: ISO 2008-05-23, 2008/05/23, May 23, 2008, 23 May 2008 (full or short month);
//     timestamp: ISO date and time.
//   - boolean: yes/no or true/false, any case.
//
// Normalisations: a trailing footnote mark ([1], [a], [citation needed]) after a number or
// date is stripped; a column whose values all end in % is numeric with the % dropped and "pct"
// added to its name unless the name already says pct/percent; a column whose values all start
// with the same $, £ or € is a number without it (the name is kept: "$" does not say which
// dollar, and headers such as "Gross" already say what the number is). Placeholders — "-", "–", "—",
// "−", "N/A", "n/a", "?" and the like — become NULL in a typed column. Each of these is
// counted in a warning, because the original text is no longer in the table.

var placeholders = map[string]bool{
	"-": true, "--": true, "–": true, "—": true, "―": true, "−": true, "‒": true,
	"n/a": true, "N/A": true, "N/a": true, "n.a.": true, "?": true, "??": true,
	"TBA": true, "TBD": true, "tba": true, "tbd": true,
}

var (
	footnoteRE = regexp.MustCompile(`^(.*?\S)\s*((?:\[[^\[\]]{1,30}\])+)$`)
	numberRE   = regexp.MustCompile(`^(\d{1,3}(?:[,\x{00A0}\x{2009}\x{202F}]\d{3})+|\d+)?(\.\d*)?([eE][+-]?\d+)?$`)
)

var thousandsSep = strings.NewReplacer(",", "", "\u00a0", "", "\u2009", "", "\u202f", "")

type numKind int

const (
	kindInt numKind = iota
	kindDecimal
	kindFloat
)

type parsedNum struct {
	kind     numKind
	text     string // normalised decimal text: optional "-", digits, optional "." and digits
	pct      bool
	currency string // a leading $, £ or €, dropped from the value
	footnote bool
	ordinal  bool // "10." — an integer written with a trailing dot
	padded   bool // leading zero followed by more digits
}

// stripFootnote removes trailing footnote marks, reporting whether it did.
func stripFootnote(s string) (string, bool) {
	if !strings.HasSuffix(s, "]") {
		return s, false
	}
	if m := footnoteRE.FindStringSubmatch(s); m != nil {
		return m[1], true
	}
	return s, false
}

func parseNumber(s string) (parsedNum, bool) {
	var p parsedNum
	s, p.footnote = stripFootnote(s)
	if rest, ok := strings.CutSuffix(s, "%"); ok {
		s, p.pct = strings.TrimSpace(rest), true
	}
	neg := false
	for _, sign := range []string{"+", "-", "−", "–"} {
		if rest, ok := strings.CutPrefix(s, sign); ok {
			s, neg = strings.TrimLeft(rest, " "), sign != "+"
			break
		}
	}
	for _, cur := range []string{"$", "£", "€"} {
		if rest, ok := strings.CutPrefix(s, cur); ok {
			s, p.currency = strings.TrimLeft(rest, " "), cur
			break
		}
	}
	m := numberRE.FindStringSubmatch(s)
	if m == nil || m[1] == "" && len(m[2]) < 2 {
		return p, false
	}
	intPart := thousandsSep.Replace(m[1])
	frac, exp := m[2], m[3]
	p.padded = len(intPart) > 1 && intPart[0] == '0'
	if intPart == "" {
		intPart = "0"
	}
	switch {
	case exp != "":
		p.kind = kindFloat
		p.text = intPart + frac + exp
	case frac == ".":
		p.kind, p.ordinal = kindInt, true
		p.text = intPart
	case frac != "":
		p.kind = kindDecimal
		p.text = intPart + frac
	default:
		p.kind = kindInt
		p.text = intPart
	}
	if exp != "" && frac == "." {
		p.text = intPart + exp
	}
	if neg {
		p.text = "-" + p.text
	}
	return p, true
}

var dateLayouts = []string{
	"2006-01-02", "2006/01/02",
	"January 2, 2006", "Jan 2, 2006", "January 2 2006", "Jan 2 2006",
	"2 January 2006", "2 Jan 2006", "2 January, 2006",
}

var timestampLayouts = []string{
	"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04",
}

func parseDate(s string) (time.Time, bool, bool) {
	s, fn := stripFootnote(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, fn, true
		}
	}
	return time.Time{}, fn, false
}

func parseTimestamp(s string) (time.Time, bool, bool) {
	s, fn := stripFootnote(s)
	for _, l := range append(timestampLayouts, dateLayouts...) {
		if t, err := time.Parse(l, s); err == nil {
			return t, fn, true
		}
	}
	return time.Time{}, fn, false
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "yes", "true":
		return true, true
	case "no", "false":
		return false, true
	}
	return false, false
}

// column is the outcome of typing one column.
type column struct {
	typ      sqlexec.ColumnType
	values   []any
	notNull  bool
	suffix   string   // added to the name, e.g. "pct"
	warnings []string // without the column name; the caller prefixes it
}

// inferColumn types one column. cells[i] is nil for a cell missing from a short row.
func inferColumn(cells []*string) column {
	trimmed := make([]string, len(cells))
	var candidates []int // rows with a value that is neither empty nor a placeholder
	placeholderCount := map[string]int{}
	for i, c := range cells {
		if c == nil {
			continue
		}
		t := strings.TrimSpace(*c)
		trimmed[i] = t
		switch {
		case t == "":
		case placeholders[t]:
			placeholderCount[t]++
		default:
			candidates = append(candidates, i)
		}
	}
	col := column{typ: sqlexec.TypeText}
	if len(candidates) > 0 {
		switch {
		case col.tryNumbers(cells, trimmed, candidates):
		case col.tryTimes(cells, trimmed, candidates):
		case col.tryBool(cells, trimmed, candidates):
		}
	}
	if col.typ == sqlexec.TypeText {
		col.values = make([]any, len(cells))
		for i, c := range cells {
			if c != nil {
				col.values[i] = trimmed[i]
			}
		}
	} else if len(placeholderCount) > 0 {
		col.warnings = append([]string{fmt.Sprintf("%d placeholder cells (%s) stored as NULL",
			sum(placeholderCount), quotedKeys(placeholderCount))}, col.warnings...)
	}
	col.notNull = len(cells) > 0
	for _, v := range col.values {
		if v == nil {
			col.notNull = false
			break
		}
	}
	return col
}

func (col *column) tryNumbers(cells []*string, trimmed []string, candidates []int) bool {
	parsed := make(map[int]parsedNum, len(candidates))
	kind := kindInt
	pct, footnotes, ordinals := 0, 0, 0
	var footEx, ordEx string
	currency := ""
	for _, i := range candidates {
		p, ok := parseNumber(trimmed[i])
		if !ok || p.padded {
			return false
		}
		if p.currency != "" && currency == "" {
			currency = p.currency
		}
		if p.currency != currency {
			return false // $5 next to 5 or £5: not one quantity
		}
		parsed[i] = p
		kind = max(kind, p.kind)
		if p.pct {
			pct++
		}
		if p.footnote {
			if footnotes == 0 {
				footEx = trimmed[i]
			}
			footnotes++
		}
		if p.ordinal {
			if ordinals == 0 {
				ordEx = trimmed[i]
			}
			ordinals++
		}
	}
	if pct != 0 && pct != len(candidates) {
		return false // 22.7% next to 1,282: not one quantity
	}
	if pct > 0 && kind == kindInt {
		kind = kindDecimal
	}
	values := make([]any, len(cells))
	for i, p := range parsed {
		switch kind {
		case kindInt:
			n, err := strconv.ParseInt(p.text, 10, 64)
			if err != nil { // beyond int64: keep it exact as numeric
				col.retypeNumeric(cells, parsed, pct > 0, footnotes, footEx, ordinals, ordEx)
				col.currencyWarning(currency, len(parsed))
				return true
			}
			values[i] = n
		case kindDecimal:
			values[i] = p.text
		case kindFloat:
			f, err := strconv.ParseFloat(p.text, 64)
			if err != nil || math.IsInf(f, 0) {
				return false
			}
			values[i] = f
		}
	}
	col.values = values
	col.typ = map[numKind]sqlexec.ColumnType{kindInt: sqlexec.TypeInteger, kindDecimal: sqlexec.TypeNumeric, kindFloat: sqlexec.TypeFloat}[kind]
	col.numberWarnings(pct, footnotes, footEx, ordinals, ordEx)
	col.currencyWarning(currency, len(parsed))
	return true
}

func (col *column) currencyWarning(currency string, n int) {
	if currency != "" {
		col.warnings = append(col.warnings, fmt.Sprintf("currency sign %q dropped from %d values", currency, n))
	}
}

func (col *column) retypeNumeric(cells []*string, parsed map[int]parsedNum, pct bool, footnotes int, footEx string, ordinals int, ordEx string) {
	col.values = make([]any, len(cells))
	for i, p := range parsed {
		col.values[i] = p.text
	}
	col.typ = sqlexec.TypeNumeric
	n := 0
	if pct {
		n = len(parsed)
	}
	col.numberWarnings(n, footnotes, footEx, ordinals, ordEx)
}

func (col *column) numberWarnings(pct, footnotes int, footEx string, ordinals int, ordEx string) {
	if pct > 0 {
		col.suffix = "pct"
		col.warnings = append(col.warnings, fmt.Sprintf("%d percentages stored as numbers without the %% sign", pct))
	}
	if footnotes > 0 {
		col.warnings = append(col.warnings, fmt.Sprintf("footnote marks stripped from %d cells (e.g. %q)", footnotes, footEx))
	}
	if ordinals > 0 {
		col.warnings = append(col.warnings, fmt.Sprintf("trailing \".\" dropped from %d whole numbers (e.g. %q)", ordinals, ordEx))
	}
}

func (col *column) tryTimes(cells []*string, trimmed []string, candidates []int) bool {
	typ := sqlexec.TypeDate
	values := make([]any, len(cells))
	footnotes := 0
	footEx := ""
	for _, i := range candidates {
		t, fn, ok := parseDate(trimmed[i])
		if !ok {
			if t, fn, ok = parseTimestamp(trimmed[i]); !ok {
				return false
			}
			typ = sqlexec.TypeTimestamp
		}
		if fn {
			if footnotes == 0 {
				footEx = trimmed[i]
			}
			footnotes++
		}
		values[i] = t
	}
	col.typ, col.values = typ, values
	if footnotes > 0 {
		col.warnings = append(col.warnings, fmt.Sprintf("footnote marks stripped from %d cells (e.g. %q)", footnotes, footEx))
	}
	return true
}

func (col *column) tryBool(cells []*string, trimmed []string, candidates []int) bool {
	values := make([]any, len(cells))
	for _, i := range candidates {
		b, ok := parseBool(trimmed[i])
		if !ok {
			return false
		}
		values[i] = b
	}
	col.typ, col.values = sqlexec.TypeBoolean, values
	return true
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func quotedKeys(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = strconv.Quote(k)
	}
	return strings.Join(keys, ", ")
}
