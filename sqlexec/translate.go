package sqlexec

import (
	"errors"
	"fmt"
	"iter"
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v5"
)

// SchemaInfo is what TranslateSQLite knows about the target database: the loaded tables and
// their columns (lower-case names, as loaded) and the loader's renames.
type SchemaInfo struct {
	Tables map[string]map[string]ColumnType // lower-case table → lower-case column → type
	// Renamed maps a lower-case original name (table or column) that the loader had to clean
	// ("official_ratings_(millions)") to its loaded name ("official_ratings_millions").
	Renamed map[string]string
	// ScanOrder maps a lower-case table to columns whose order is the table's row order in
	// SQLite (the order a scan returns rows): its primary key, when the rows are stored in key
	// order (always so for an INTEGER PRIMARY KEY, which is the row id).
	ScanOrder map[string][]string
	// PrimaryKeys maps a lower-case table to its primary key columns (lower case).
	PrimaryKeys map[string][]string
}

// SchemaInfoFromTables builds a SchemaInfo from the tables as they were loaded.
func SchemaInfoFromTables(tables []*TableData) *SchemaInfo {
	s := &SchemaInfo{Tables: map[string]map[string]ColumnType{}, Renamed: map[string]string{}, ScanOrder: map[string][]string{}, PrimaryKeys: map[string][]string{}}
	for _, td := range tables {
		cols := map[string]ColumnType{}
		for _, c := range td.Def.Columns {
			cols[strings.ToLower(c.Name)] = c.Type
			if o := strings.ToLower(c.Original); o != "" && o != strings.ToLower(c.Name) {
				s.Renamed[o] = c.Name
			}
		}
		s.Tables[strings.ToLower(td.Def.Name)] = cols
		for _, k := range td.Def.PrimaryKey {
			s.PrimaryKeys[strings.ToLower(td.Def.Name)] = append(s.PrimaryKeys[strings.ToLower(td.Def.Name)], strings.ToLower(k))
		}
		if keys := RowOrderKey(td); keys != nil {
			s.ScanOrder[strings.ToLower(td.Def.Name)] = keys
		}
		if o := strings.ToLower(td.Def.Original); o != "" && o != strings.ToLower(td.Def.Name) {
			s.Renamed[o] = td.Def.Name
		}
	}
	return s
}

// RowOrderKey returns td's primary key columns (lower case) when its rows, which readers keep
// in the source's row order, are in strictly increasing key order; else nil.
func RowOrderKey(td *TableData) []string {
	if len(td.Def.PrimaryKey) == 0 || len(td.Rows) == 0 {
		return nil
	}
	idx := make([]int, len(td.Def.PrimaryKey))
	keys := make([]string, len(idx))
	for k, name := range td.Def.PrimaryKey {
		idx[k] = -1
		for j, c := range td.Def.Columns {
			if c.Name == name {
				idx[k] = j
			}
		}
		if idx[k] < 0 {
			return nil
		}
		keys[k] = strings.ToLower(name)
	}
	for r := 1; r < len(td.Rows); r++ {
		c := 0
		for _, j := range idx {
			if c = compareKeyValues(td.Rows[r-1][j], td.Rows[r][j]); c != 0 {
				break
			}
		}
		if c >= 0 {
			return nil
		}
	}
	return keys
}

// compareKeyValues orders two key values of one column as PostgreSQL orders them (numbers by
// value, text by bytes, as text columns are created COLLATE "C"); 0 also for what it cannot order.
func compareKeyValues(a, b any) int {
	num := func(v any) (float64, bool) {
		switch x := v.(type) {
		case int64:
			return float64(x), true
		case float64:
			return x, true
		}
		return 0, false
	}
	if x, ok := a.(int64); ok {
		if y, ok := b.(int64); ok {
			return cmpOrdered(x, y)
		}
	}
	if x, ok := num(a); ok {
		if y, ok := num(b); ok {
			return cmpOrdered(x, y)
		}
	}
	if x, ok := a.(string); ok {
		if y, ok := b.(string); ok {
			return strings.Compare(x, y)
		}
	}
	return 0
}

func cmpOrdered[T int64 | float64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// Translation is SQLite-dialect SQL rewritten for PostgreSQL.
type Translation struct {
	SQL     string
	Changes []string // what was rewritten, for people; empty when the SQL was already PostgreSQL
}

// ErrTranslation is returned (wrapped) when the rewritten SQL still does not parse as
// PostgreSQL. The Translation is returned as well, so the caller can still show it for review.
var ErrTranslation = errors.New("translation does not parse as PostgreSQL")

// TranslateSQLite rewrites SQLite-dialect SQL (as written for Spider and similar benchmarks) to
// PostgreSQL over the loaded schema. It works on tokens (a small SQLite-aware lexer), never on
// raw text, so string literals and quoted names are never touched by mistake. The rules, each
// reported in Translation.Changes when it fires:
//
//   - layout: a trailing ";" dropped, runs of white space outside literals collapsed to one space;
//   - quoting: `name`, [name] and "name" that name a table or column of the schema (or follow AS)
//     become identifiers in lower case (PostgreSQL folds unquoted names; the loader created
//     lower-case names); any other "text" is SQLite's double-quoted string literal and becomes
//     'text'; names the loader renamed are mapped to their loaded names;
//   - LIKE → ILIKE (SQLite's LIKE ignores ASCII case), == → =, IFNULL( → COALESCE(,
//     LIMIT a, b → LIMIT b OFFSET a;
//   - text against numbers: SQLite compares a TEXT column with a numeric literal as text (the
//     literal takes the column's affinity), so the literal is quoted (horsepower > 150 →
//     horsepower > '150'), which is exactly SQLite's result; a TEXT column against a numeric
//     column is compared by SQLite as numbers, which PostgreSQL refuses (text = bigint): the
//     numeric side is cast to text, exact whenever the text holds numbers in canonical form
//     (verification flags the rest); the same for IN (subquery) over columns of the other kind;
//   - arithmetic aggregates over text columns (sum, avg) get a cast to numeric, as SQLite
//     converts such text to numbers;
//   - text columns in arithmetic read as the number they start with, as SQLite reads them;
//   - a subquery in FROM without an alias gets one;
//   - the ORDER BY of a one-row aggregate (no GROUP BY, only aggregates selected) is dropped;
//   - SELECT DISTINCT … ORDER BY a column not selected → GROUP BY, ordered by min/max;
//   - bare columns: see bareColumns; ties under ORDER BY: see stableOrder;
//   - JOIN without ON/USING (SQLite's cross join) → CROSS JOIN;
//   - strftime('%Y', x) → to_char(x::timestamp, 'YYYY') for the common formats;
//   - iif(c, a, b) → CASE WHEN c THEN a ELSE b END (SQLite 3.32's iif, frequent in BIRD's gold SQL).
//
// Anything else (bare columns in HAVING, SQLite-only functions) is left as written, for
// verification by execution to flag. A non-nil error wraps ErrTranslation.
func TranslateSQLite(sql string, schema *SchemaInfo) (Translation, error) {
	if schema == nil {
		schema = &SchemaInfo{}
	}
	t := &translator{schema: schema, changes: map[string]bool{}}
	t.toks = lexSQLite(sql)
	t.layout()
	t.quoting()
	t.keywords()
	t.limitComma()
	t.scopes()
	t.derivedAliases()
	t.textNumbers()
	t.textArithmetic()
	t.aggregates()
	t.oneRowOrder()
	t.stableOrder()
	t.bareColumns()
	t.distinctOrder()
	t.crossJoins()
	t.strftime()
	t.iif()
	out := Translation{SQL: t.String()}
	for c := range t.changes {
		out.Changes = append(out.Changes, c)
	}
	sort.Strings(out.Changes)
	if _, err := pg_query.Parse(out.SQL); err != nil {
		return out, fmt.Errorf("%w: %v", ErrTranslation, err)
	}
	return out, nil
}

// ---- lexer ----

type tokKind uint8

const (
	tkSpace   tokKind = iota
	tkWord            // keyword or unquoted identifier
	tkIdent           // quoted identifier (after translation: written as is)
	tkDQuote          // "..." in the source: identifier or string, decided by quoting()
	tkString          // '...'
	tkNumber          //
	tkPunct           // operators and punctuation
	tkComment         //
)

type token struct {
	kind  tokKind
	text  string // as written (for tkString/tkDQuote/tkIdent: the whole quoted token)
	val   string // unquoted content for quoted tokens
	after string // text written after the token, kept apart so later passes still see the token
	scope int    // innermost SELECT scope, set by scopes()
	depth int    // parenthesis depth, set by scopes()
}

func (t token) is(words ...string) bool {
	if t.kind != tkWord {
		return false
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return true
		}
	}
	return false
}

func (t token) punct(p string) bool { return t.kind == tkPunct && t.text == p }

// lexSQLite splits SQLite SQL into tokens. It never fails: an unterminated literal runs to the end.
func lexSQLite(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		start := i
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			for i < len(s) && strings.IndexByte(" \t\n\r\f", s[i]) >= 0 {
				i++
			}
			toks = append(toks, token{kind: tkSpace, text: s[start:i]})
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			for i < len(s) && s[i] != '\n' {
				i++
			}
			toks = append(toks, token{kind: tkComment, text: s[start:i]})
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				i = len(s)
			} else {
				i += end + 4
			}
			toks = append(toks, token{kind: tkComment, text: s[start:i]})
		case c == '\'' || c == '"' || c == '`':
			val, n := readQuoted(s[i:], c, c)
			i += n
			kind := map[byte]tokKind{'\'': tkString, '"': tkDQuote, '`': tkIdent}[c]
			toks = append(toks, token{kind: kind, text: s[start:i], val: val})
		case c == '[':
			val, n := readQuoted(s[i:], '[', ']')
			i += n
			toks = append(toks, token{kind: tkIdent, text: s[start:i], val: val})
		case isDigit(c) || c == '.' && i+1 < len(s) && isDigit(s[i+1]):
			for i < len(s) && (isDigit(s[i]) || s[i] == '.') {
				i++
			}
			if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
				j := i + 1
				if j < len(s) && (s[j] == '+' || s[j] == '-') {
					j++
				}
				if j < len(s) && isDigit(s[j]) {
					i = j
					for i < len(s) && isDigit(s[i]) {
						i++
					}
				}
			}
			toks = append(toks, token{kind: tkNumber, text: s[start:i]})
		case isWordByte(c):
			for i < len(s) && (isWordByte(s[i]) || isDigit(s[i]) || s[i] == '$') {
				i++
			}
			toks = append(toks, token{kind: tkWord, text: s[start:i]})
		default:
			n := 1
			if i+1 < len(s) {
				switch s[i : i+2] {
				case "<=", ">=", "<>", "!=", "==", "||", "::", "<<", ">>":
					n = 2
				}
			}
			i += n
			toks = append(toks, token{kind: tkPunct, text: s[start:i]})
		}
	}
	return toks
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isWordByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// readQuoted reads a quoted token starting at s[0] == open; a doubled close is an escaped close.
func readQuoted(s string, open, close byte) (string, int) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		if s[i] == close {
			if close != ']' && i+1 < len(s) && s[i+1] == close {
				b.WriteByte(close)
				i += 2
				continue
			}
			return b.String(), i + 1
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String(), i
}

// ---- translator ----

type translator struct {
	schema  *SchemaInfo
	toks    []token
	changes map[string]bool
	// scopes: parent scope of each scope id, and per scope the tables by alias/name.
	parent  []int
	aliases []map[string]string // scope → lower-case alias or table name → table
}

func (t *translator) change(c string) { t.changes[c] = true }

func (t *translator) String() string {
	var b strings.Builder
	for _, tk := range t.toks {
		b.WriteString(tk.text)
		b.WriteString(tk.after)
	}
	return b.String()
}

// next returns the index of the next non-space, non-comment token after i, or -1.
func (t *translator) next(i int) int {
	for j := i + 1; j < len(t.toks); j++ {
		if k := t.toks[j].kind; k != tkSpace && k != tkComment {
			return j
		}
	}
	return -1
}

// nameEnd returns the index of the last token of the name that starts at i: i itself, or the
// column of a qualified name (table.column).
func (t *translator) nameEnd(i int) int {
	if n := t.next(i); n >= 0 && t.toks[n].punct(".") {
		return t.next(n)
	}
	return i
}

// prev returns the index of the previous non-space, non-comment token before i, or -1.
func (t *translator) prev(i int) int {
	for j := i - 1; j >= 0; j-- {
		if k := t.toks[j].kind; k != tkSpace && k != tkComment {
			return j
		}
	}
	return -1
}

func (t *translator) layout() {
	// trailing semicolons and space
	for {
		n := len(t.toks)
		if n == 0 {
			break
		}
		last := t.toks[n-1]
		if last.kind == tkSpace {
			t.toks = t.toks[:n-1]
			continue
		}
		if last.punct(";") {
			t.toks = t.toks[:n-1]
			t.change("dropped the trailing ;")
			continue
		}
		break
	}
	for len(t.toks) > 0 && t.toks[0].kind == tkSpace {
		t.toks = t.toks[1:]
	}
	for i := range t.toks {
		if t.toks[i].kind == tkSpace && t.toks[i].text != " " {
			t.toks[i].text = " "
			t.change("collapsed white space")
		}
	}
}

func (t *translator) isTable(name string) bool {
	_, ok := t.schema.Tables[name]
	return ok
}

func (t *translator) isColumn(name string) bool {
	for _, cols := range t.schema.Tables {
		if _, ok := cols[name]; ok {
			return true
		}
	}
	return false
}

// identText writes a (lower-case) name as a PostgreSQL identifier, quoting only when needed.
func identText(name string) string {
	plain := name != "" && !(name[0] >= '0' && name[0] <= '9')
	for i := 0; i < len(name) && plain; i++ {
		c := name[i]
		plain = c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
	}
	if plain && !ReservedWord(name) {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// resolveName maps a name as written in the SQLite SQL to its loaded name, and whether the
// schema knows it.
func (t *translator) resolveName(name string) (string, bool) {
	low := strings.ToLower(name)
	if r, ok := t.schema.Renamed[low]; ok {
		return r, true
	}
	return low, t.isTable(low) || t.isColumn(low)
}

func (t *translator) quoting() {
	for i := range t.toks {
		tk := &t.toks[i]
		switch tk.kind {
		case tkIdent:
			name, _ := t.resolveName(tk.val)
			tk.text, tk.val = identText(name), name
			tk.kind = tkWord
			if !plainText(tk.text) {
				tk.kind = tkIdent
			}
			t.change("quoted names (`x`, [x]) written as PostgreSQL identifiers")
		case tkDQuote:
			name, known := t.resolveName(tk.val)
			p := t.prev(i)
			afterDot := p >= 0 && t.toks[p].punct(".")
			afterAs := p >= 0 && t.toks[p].is("as")
			if known || afterDot || afterAs {
				tk.text, tk.val = identText(name), name
				tk.kind = tkWord
				if !plainText(tk.text) {
					tk.kind = tkIdent
				}
				t.change(`"name" of the schema written as a PostgreSQL identifier`)
				continue
			}
			tk.kind = tkString
			tk.text = "'" + strings.ReplaceAll(tk.val, "'", "''") + "'"
			t.change(`double-quoted string literals → single quotes`)
		case tkWord:
			// A renamed name written unquoted (possible when only its case differed from a
			// reserved word, or the SQL quoted it elsewhere).
			// Never a keyword: SQLite needs words it reserves quoted when they name something,
			// so an unquoted FROM is the keyword even when a column "From" was renamed.
			low := strings.ToLower(tk.text)
			if r, ok := t.schema.Renamed[low]; ok && plainText(low) && !sqliteKeywords[low] {
				tk.text = identText(r)
				t.change("renamed names mapped to their loaded names")
			}
		}
	}
}

func plainText(s string) bool { return !strings.HasPrefix(s, `"`) }

// sqliteKeywords are the words SQLite never reads as a name unless quoted
// (https://sqlite.org/lang_keywords.html: those without the fallback to an identifier).
var sqliteKeywords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`add all alter and as autoincrement between case check collate
		commit constraint create cross default deferrable delete distinct drop else escape except
		exists foreign from full group having if in index inner insert intersect into is isnull join
		left limit natural not notnull null on or order outer primary references right rollback
		select set table then to transaction union unique update using values when where window`) {
		sqliteKeywords[w] = true
	}
}

func (t *translator) keywords() {
	for i := range t.toks {
		tk := &t.toks[i]
		switch {
		case tk.is("like"):
			tk.text = "ILIKE"
			t.change("LIKE → ILIKE (SQLite's LIKE ignores case)")
		case tk.is("ifnull"):
			if n := t.next(i); n >= 0 && t.toks[n].punct("(") {
				tk.text = "COALESCE"
				t.change("IFNULL → COALESCE")
			}
		case tk.punct("=="):
			tk.text = "="
			t.change("== → =")
		}
	}
}

// limitComma rewrites LIMIT a, b (SQLite: skip a, take b) to LIMIT b OFFSET a.
func (t *translator) limitComma() {
	for i := range t.each("limit") {
		a := t.next(i)
		c := t.next(a)
		b := t.next(c)
		if a < 0 || c < 0 || b < 0 || !t.toks[c].punct(",") || t.toks[a].kind != tkNumber || t.toks[b].kind != tkNumber {
			continue
		}
		off, lim := t.toks[a].text, t.toks[b].text
		t.toks[a].text = lim
		t.toks[c].text = ""
		t.toks[b].text = "OFFSET " + off
		t.removeSpaceBefore(c)
		t.change("LIMIT a, b → LIMIT b OFFSET a")
	}
}

func (t *translator) removeSpaceBefore(i int) {
	if i > 0 && t.toks[i-1].kind == tkSpace {
		t.toks[i-1].text = ""
	}
}

// ---- scopes and names ----

var clauseWords = map[string]bool{
	"where": true, "join": true, "on": true, "group": true, "order": true, "limit": true, "inner": true,
	"left": true, "right": true, "full": true, "outer": true, "cross": true, "natural": true, "union": true,
	"intersect": true, "except": true, "having": true, "using": true, "offset": true, "as": true,
	"select": true, "from": true, "window": true, "and": true, "or": true, "not": true,
}

// scopes gives every token the id of the innermost parenthesised SELECT it is in (0: the
// outermost query) and records, per scope, which tables its FROM clause names and under which aliases.
func (t *translator) scopes() {
	t.parent = []int{-1}
	t.aliases = []map[string]string{{}}
	type frame struct{ scope int }
	stack := []frame{{0}}
	for i := range t.toks {
		tk := &t.toks[i]
		tk.depth = len(stack) - 1
		if tk.punct(")") && tk.depth > 0 {
			tk.depth--
		}
		if tk.punct("(") {
			cur := stack[len(stack)-1].scope
			if n := t.next(i); n >= 0 && (t.toks[n].is("select") || t.toks[n].is("with")) {
				t.parent = append(t.parent, cur)
				t.aliases = append(t.aliases, map[string]string{})
				stack = append(stack, frame{len(t.parent) - 1})
			} else {
				stack = append(stack, frame{cur})
			}
			tk.scope = cur
			continue
		}
		if tk.punct(")") {
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			tk.scope = stack[len(stack)-1].scope
			continue
		}
		if tk.is("union", "intersect", "except") {
			// Each side of a set operation has its own FROM clause and aliases.
			cur := stack[len(stack)-1].scope
			t.parent = append(t.parent, t.parent[cur])
			t.aliases = append(t.aliases, map[string]string{})
			stack[len(stack)-1] = frame{len(t.parent) - 1}
		}
		tk.scope = stack[len(stack)-1].scope
	}
	// Table references: after FROM or JOIN, or a comma in a FROM list.
	inFrom := map[int]bool{}
	for i := range t.toks {
		tk := t.toks[i]
		if tk.is("from") {
			inFrom[tk.scope] = true
		} else if tk.kind == tkWord && clauseWords[strings.ToLower(tk.text)] && !tk.is("as") {
			if !tk.is("join", "inner", "left", "right", "full", "outer", "cross", "natural") {
				inFrom[tk.scope] = false
			}
		}
		isRef := false
		if p := t.prev(i); p >= 0 && (tk.kind == tkWord || tk.kind == tkIdent) {
			pt := t.toks[p]
			isRef = pt.is("from", "join") || pt.punct(",") && inFrom[tk.scope] && pt.scope == tk.scope
		}
		if !isRef {
			continue
		}
		table := strings.ToLower(tk.val)
		if tk.kind == tkWord {
			table = strings.ToLower(tk.text)
		}
		if !t.isTable(table) {
			continue
		}
		m := t.aliases[tk.scope]
		m[table] = table
		a := t.next(i)
		if a >= 0 && t.toks[a].is("as") {
			a = t.next(a)
		}
		if a >= 0 && (t.toks[a].kind == tkWord && !clauseWords[strings.ToLower(t.toks[a].text)] || t.toks[a].kind == tkIdent) {
			alias := strings.ToLower(t.toks[a].text)
			if t.toks[a].kind == tkIdent {
				alias = t.toks[a].val
			}
			m[alias] = table
		}
	}
}

// columnType resolves a column reference ending at token i (x or a.x) and returns its type,
// the index of its first token, and whether it resolved.
func (t *translator) columnType(i int) (ColumnType, int, bool) {
	if i < 0 || i >= len(t.toks) {
		return "", i, false
	}
	tk := t.toks[i]
	if tk.kind != tkWord && tk.kind != tkIdent {
		return "", i, false
	}
	col := t.name(i)
	first := i
	var qual string
	if d := t.prev(i); d >= 0 && t.toks[d].punct(".") {
		q := t.prev(d)
		if q < 0 {
			return "", i, false
		}
		qual = t.name(q)
		first = q
	} else if n := t.next(i); n >= 0 && t.toks[n].punct("(") {
		return "", i, false // a function call
	}
	for s := tk.scope; s >= 0; s = t.parent[s] {
		if qual != "" {
			if table, ok := t.aliases[s][qual]; ok {
				typ, ok := t.schema.Tables[table][col]
				return typ, first, ok
			}
			continue
		}
		var found ColumnType
		n := 0
		for _, table := range t.aliases[s] {
			if typ, ok := t.schema.Tables[table][col]; ok {
				if n > 0 && typ != found {
					return "", first, false
				}
				found = typ
				n++
			}
		}
		if n > 0 {
			return found, first, true
		}
	}
	return "", first, false
}

func (t *translator) name(i int) string {
	tk := t.toks[i]
	if tk.kind == tkIdent {
		return tk.val
	}
	return strings.ToLower(tk.text)
}

func isNumericType(c ColumnType) bool {
	return c == TypeInteger || c == TypeFloat || c == TypeNumeric
}

var comparisons = map[string]bool{"=": true, "!=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true}

// textNumbers applies SQLite's comparison affinity rules where PostgreSQL would refuse or differ.
func (t *translator) textNumbers() {
	for i := range t.toks {
		op := t.toks[i]
		switch {
		case op.kind == tkPunct && comparisons[op.text]:
			l, r := t.prev(i), t.next(i)
			t.compare(l, r, true)
		case op.is("between"):
			l := t.prev(i)
			if lt, _, ok := t.columnType(l); ok && lt == TypeText {
				a := t.next(i)
				and := t.next(a)
				b := t.next(and)
				t.quoteNumber(a)
				if and >= 0 && t.toks[and].is("and") {
					t.quoteNumber(b)
				}
			}
		case op.is("in"):
			l := t.prev(i)
			if l >= 0 && t.toks[l].is("not") {
				l = t.prev(l)
			}
			lt, lfirst, ok := t.columnType(l)
			if !ok {
				continue
			}
			open := t.next(i)
			if open < 0 || !t.toks[open].punct("(") {
				continue
			}
			first := t.next(open)
			if first >= 0 && t.toks[first].is("select") {
				// IN (SELECT [DISTINCT] col FROM ...)
				c := t.next(first)
				if c >= 0 && t.toks[c].is("distinct") {
					c = t.next(c)
				}
				end := t.nameEnd(c)
				rt, rfirst, ok := t.columnType(end)
				if after := t.next(end); !ok || after < 0 || !t.toks[after].is("from") {
					continue
				}
				t.castPair(lfirst, l, lt, rfirst, end, rt)
				continue
			}
			if lt != TypeText {
				continue
			}
			for j := first; j >= 0 && !t.toks[j].punct(")"); j = t.next(j) {
				t.quoteNumber(j)
			}
		}
	}
}

// compare handles a comparison between the operands ending at l and starting at r.
func (t *translator) compare(l, r int, _ bool) {
	if l < 0 || r < 0 {
		return
	}
	// right operand: find its last token when it is a.b
	rEnd := t.nameEnd(r)
	lt, lfirst, lok := t.columnType(l)
	rt, _, rok := t.columnType(rEnd)
	if t.toks[r].punct("(") {
		// col = (SELECT col2 FROM ...)
		if s := t.next(r); s >= 0 && t.toks[s].is("select") {
			c := t.next(s)
			end := t.nameEnd(c)
			if after := t.next(end); after >= 0 && t.toks[after].is("from") {
				if st, sfirst, ok := t.columnType(end); ok && lok {
					t.castPair(lfirst, l, lt, sfirst, end, st)
				}
			}
		}
		return
	}
	switch {
	case lok && rok:
		t.castPair(lfirst, l, lt, r, rEnd, rt)
	case lok && lt == TypeText:
		t.quoteNumber(r)
	case rok && rt == TypeText:
		t.quoteNumber(l)
	}
}

// castPair casts the numeric side of a text-vs-number pair of columns to text.
func (t *translator) castPair(lfirst, lend int, lt ColumnType, rfirst, rend int, rt ColumnType) {
	switch {
	case lt == TypeText && isNumericType(rt):
		t.castText(rfirst, rend)
	case rt == TypeText && isNumericType(lt):
		t.castText(lfirst, lend)
	}
}

func (t *translator) castText(first, last int) {
	if first < 0 || last < 0 || strings.HasSuffix(t.toks[last].text, "::text") {
		return
	}
	t.toks[last].text += "::text"
	t.change("number columns compared with text columns cast to text (SQLite compares them as numbers; PostgreSQL refuses)")
}

// quoteNumber writes a numeric literal (optionally signed) at i as a string literal.
func (t *translator) quoteNumber(i int) {
	if i < 0 {
		return
	}
	sign := ""
	if t.toks[i].punct("-") || t.toks[i].punct("+") {
		n := t.next(i)
		if n < 0 || t.toks[n].kind != tkNumber {
			return
		}
		if t.toks[i].text == "-" {
			sign = "-"
		}
		t.toks[i].text = ""
		i = n
	}
	if t.toks[i].kind != tkNumber {
		return
	}
	t.toks[i].kind = tkString
	t.toks[i].text = "'" + sign + t.toks[i].text + "'"
	t.change("numbers compared with text columns quoted (SQLite compares them as text)")
}

// numericPattern matches text that SQLite reads as a number in arithmetic.
const numericPattern = `^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$`

// aggregates casts text columns inside sum() and avg() to numeric, as SQLite converts them.
func (t *translator) aggregates() {
	for i := range t.each("sum", "avg") {
		open := t.next(i)
		if open < 0 || !t.toks[open].punct("(") {
			continue
		}
		first := t.next(open)
		end := t.nameEnd(first)
		closeP := t.next(end)
		if closeP < 0 || !t.toks[closeP].punct(")") {
			continue
		}
		if typ, _, ok := t.columnType(end); ok && typ == TypeText {
			var b strings.Builder
			for j := first; j <= end; j++ {
				b.WriteString(t.toks[j].text)
			}
			x := b.String()
			t.toks[first].text = "CASE WHEN " + x + " ~ '" + numericPattern + "' THEN CAST(" + t.toks[first].text
			t.toks[end].text += " AS numeric) ELSE 0 END"
			t.change("sum/avg over a text column: numeric text cast to numeric, other text counted as 0 (as SQLite does)")
		}
	}
}

// crossJoins turns a JOIN that has no ON or USING (SQLite's cross join) into CROSS JOIN.
func (t *translator) crossJoins() {
	for i := range t.each("join") {
		if p := t.prev(i); p >= 0 && t.toks[p].is("inner", "left", "right", "full", "outer", "cross", "natural") {
			continue
		}
		depth := 0
		hasOn := false
		for j := t.next(i); j >= 0; j = t.next(j) {
			tk := t.toks[j]
			if tk.punct("(") {
				depth++
			} else if tk.punct(")") {
				if depth == 0 {
					break
				}
				depth--
			}
			if depth > 0 {
				continue
			}
			if tk.is("on", "using") {
				hasOn = true
				break
			}
			if tk.is("join", "where", "group", "order", "limit", "union", "intersect", "except", "having") || tk.punct(",") {
				break
			}
		}
		if !hasOn {
			t.toks[i].text = "CROSS JOIN"
			t.change("JOIN without ON → CROSS JOIN")
		}
	}
}

var strftimeFormats = map[string]string{
	"%Y": "YYYY", "%m": "MM", "%d": "DD", "%H": "HH24", "%M": "MI", "%S": "SS", "%j": "DDD",
	"%Y-%m": "YYYY-MM", "%Y-%m-%d": "YYYY-MM-DD", "%Y-%m-%d %H:%M:%S": "YYYY-MM-DD HH24:MI:SS",
}

// strftime rewrites strftime('<fmt>', x) with a simple operand to to_char(x::timestamp, '<pg fmt>').
func (t *translator) strftime() {
	for i := range t.each("strftime") {
		open := t.next(i)
		f := t.next(open)
		comma := t.next(f)
		x := t.next(comma)
		end := t.nameEnd(x)
		closeP := t.next(end)
		if open < 0 || f < 0 || comma < 0 || x < 0 || closeP < 0 || !t.toks[open].punct("(") || t.toks[f].kind != tkString ||
			!t.toks[comma].punct(",") || !t.toks[closeP].punct(")") {
			continue
		}
		pgf, ok := strftimeFormats[strings.Trim(t.toks[f].text, "'")]
		if !ok {
			continue
		}
		t.toks[i].text = "to_char"
		t.toks[f].text = ""
		t.toks[comma].text = ""
		t.removeSpaceBefore(x)
		t.toks[end].text += "::timestamp, '" + pgf + "'"
		t.change("strftime → to_char")
	}
}

// iif rewrites SQLite's iif(c, a, b) as CASE WHEN c THEN a ELSE b END, which is what SQLite
// documents it to mean. It runs last: the earlier passes saw the call's arguments as written.
func (t *translator) iif() {
	for i := range t.each("iif") {
		open := t.next(i)
		if open < 0 || !t.toks[open].punct("(") {
			continue
		}
		d := t.toks[open].depth
		var commas []int
		closeP := -1
		for j := t.next(open); j >= 0; j = t.next(j) {
			tk := t.toks[j]
			if tk.depth == d && tk.punct(")") {
				closeP = j
				break
			}
			if tk.depth == d+1 && tk.punct(",") {
				commas = append(commas, j)
			}
		}
		if closeP < 0 || len(commas) != 2 {
			continue
		}
		t.toks[i].text = "CASE WHEN"
		t.toks[open].text = " "
		t.toks[commas[0]].text = " THEN"
		t.toks[commas[1]].text = " ELSE"
		t.toks[closeP].text = " END"
		t.change("iif(c, a, b) → CASE WHEN c THEN a ELSE b END")
	}
}

// selectParts is the clause layout of one SELECT at one parenthesis depth.
type selectParts struct {
	sel           int    // index of SELECT
	distinct      bool   //
	items         []span // select-list items
	from, where   int    // index of FROM / WHERE, -1 when absent
	group         []span // GROUP BY items
	having, order int    // index of HAVING / ORDER, -1 when absent
	orderItems    []span
	limit         int // index of LIMIT, -1 when absent
	last          int // last token of the SELECT
}

type span struct{ first, last int } // token indexes, inclusive, of non-space tokens

var aggregateFuncs = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true, "total": true, "group_concat": true}

// selects yields each SELECT keyword's token index with its parts, in token order; each is parsed
// when the loop reaches it, so a pass sees its own edits to the SELECTs before.
func (t *translator) selects() iter.Seq2[int, selectParts] {
	return func(yield func(int, selectParts) bool) {
		for i := range t.each("select") {
			if !yield(i, t.parseSelect(i)) {
				return
			}
		}
	}
}

// each yields the index of each token that is one of words, in token order; a token is tested
// when the loop reaches it, so a pass sees its own edits.
func (t *translator) each(words ...string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range t.toks {
			if t.toks[i].is(words...) && !yield(i) {
				return
			}
		}
	}
}

// parseSelect finds the clauses of the SELECT at index sel.
func (t *translator) parseSelect(sel int) selectParts {
	d := t.toks[sel].depth
	p := selectParts{sel: sel, from: -1, where: -1, having: -1, order: -1, limit: -1, last: sel}
	clause := "select"
	var cur *[]span
	var itemStart = -1
	items := &p.items
	cur = items
	flush := func(end int) {
		if itemStart >= 0 && cur != nil {
			*cur = append(*cur, span{itemStart, end})
		}
		itemStart = -1
	}
	lastSig := sel
	for j := t.next(sel); j >= 0; j = t.next(j) {
		tk := t.toks[j]
		if tk.depth < d {
			break
		}
		if tk.depth == d {
			switch {
			case tk.is("union", "intersect", "except"):
				flush(lastSig)
				p.last = lastSig
				return p
			case tk.is("distinct") && clause == "select" && itemStart < 0 && len(p.items) == 0:
				p.distinct = true
				lastSig = j
				continue
			case tk.is("from", "where", "having", "limit"):
				flush(lastSig)
				clause = strings.ToLower(tk.text)
				cur = nil
				switch clause {
				case "from":
					p.from = j
				case "where":
					p.where = j
				case "having":
					p.having = j
				case "limit":
					p.limit = j
				}
				lastSig = j
				continue
			case tk.is("group", "order"):
				if n := t.next(j); n >= 0 && t.toks[n].is("by") {
					flush(lastSig)
					if tk.is("group") {
						clause, cur = "group", &p.group
					} else {
						clause, cur, p.order = "order", &p.orderItems, j
					}
					j = n
					lastSig = j
					continue
				}
			case tk.punct(","):
				flush(lastSig)
				lastSig = j
				continue
			}
		}
		if itemStart < 0 {
			itemStart = j
		}
		lastSig = j
	}
	flush(lastSig)
	p.last = lastSig
	return p
}

// colRef reports whether span s is a plain column reference (x or a.x), optionally followed by
// an alias (select list) or ASC/DESC (ORDER BY), and returns the reference's last token.
func (t *translator) colRef(s span) (int, bool) {
	var sig []int
	for j := s.first; j >= 0 && j <= s.last; j = t.next(j) {
		sig = append(sig, j)
	}
	isName := func(j int) bool {
		k := t.toks[j].kind
		return k == tkIdent || k == tkWord && !clauseWords[strings.ToLower(t.toks[j].text)] && !t.toks[j].is("asc", "desc", "case", "null", "distinct")
	}
	n := 1
	if len(sig) >= 3 && t.toks[sig[1]].punct(".") {
		n = 3
	}
	if len(sig) < n || !isName(sig[0]) || n == 3 && !isName(sig[2]) {
		return -1, false
	}
	rest := sig[n:]
	switch {
	case len(rest) == 0:
	case len(rest) == 1 && (isName(rest[0]) || t.toks[rest[0]].is("asc", "desc")):
	case len(rest) == 2 && t.toks[rest[0]].is("as"):
	default:
		return -1, false
	}
	if _, _, ok := t.columnType(sig[n-1]); !ok {
		return -1, false
	}
	return sig[n-1], true
}

func (t *translator) spanText(first, last int) string {
	var b strings.Builder
	for j := first; j <= last; j++ {
		if t.toks[j].kind != tkSpace {
			b.WriteString(strings.ToLower(t.toks[j].text))
		}
	}
	return b.String()
}

// hasAggregate reports whether span s calls an aggregate function at its own level.
func (t *translator) hasAggregate(s span) bool {
	for j := s.first; j >= 0 && j <= s.last; j = t.next(j) {
		if t.toks[j].kind == tkWord && aggregateFuncs[strings.ToLower(t.toks[j].text)] {
			if n := t.next(j); n >= 0 && t.toks[n].punct("(") {
				return true
			}
		}
	}
	return false
}

// bareColumns handles SQLite's bare columns, which PostgreSQL refuses:
//   - with GROUP BY, a selected or ordered-by column that is neither grouped nor aggregated is
//     added to the GROUP BY; when it depends on the group key (Spider's usual case: a name beside
//     the id it was joined on) the groups do not change, and SQLite's pick was the only value;
//   - without GROUP BY, bare columns beside a single min(x) or max(x) take, in SQLite, the values
//     of the row holding the extreme: rewritten as x ... ORDER BY x DESC NULLS LAST LIMIT 1.
func (t *translator) bareColumns() {
	for _, p := range t.selects() {
		var bare []int // last tokens of bare column refs
		var bareSpans []span
		aggs := 0
		var agg span
		aliases := map[string]bool{}
		for _, it := range p.items {
			if end, ok := t.colRef(it); ok {
				bare = append(bare, end)
				bareSpans = append(bareSpans, it)
				if a := t.prev(it.last + 1); a > end {
					aliases[strings.ToLower(t.toks[a].text)] = true
				}
			} else if t.hasAggregate(it) {
				aggs++
				agg = it
			}
		}
		if len(p.group) > 0 {
			grouped := map[string]bool{}
			for _, g := range p.group {
				grouped[t.spanText(g.first, g.last)] = true
			}
			var add []string
			consider := func(s span, end int) {
				ref := t.spanText(s.first, end)
				col := strings.ToLower(t.toks[end].text)
				if grouped[ref] || grouped[col] || aliases[ref] {
					return
				}
				// a.x grouped and x written bare (or the other way) is the same column
				for g := range grouped {
					if strings.HasSuffix(g, "."+ref) || strings.HasSuffix(ref, "."+g) {
						return
					}
				}
				grouped[ref] = true
				var b strings.Builder
				for j := s.first; j <= end; j++ {
					b.WriteString(t.toks[j].text)
				}
				add = append(add, b.String())
			}
			for k, end := range bare {
				consider(bareSpans[k], end)
			}
			for _, o := range p.orderItems {
				if end, ok := t.colRef(o); ok {
					consider(o, end)
				}
			}
			if aggs == 0 && len(add) > 0 && !t.anyAggregate(p) {
				continue // no aggregate anywhere: a GROUP BY used as DISTINCT; leave it
			}
			if len(add) > 0 {
				last := p.group[len(p.group)-1].last
				t.toks[last].text += ", " + strings.Join(add, ", ")
				t.change("columns neither grouped nor aggregated added to GROUP BY (SQLite allows them; PostgreSQL does not)")
			}
			continue
		}
		if aggs != 1 || len(bare) == 0 || p.distinct || p.having >= 0 || p.order >= 0 || p.limit >= 0 {
			continue
		}
		// agg must be exactly min(col) or max(col)
		fn := agg.first
		if !t.toks[fn].is("min", "max") {
			continue
		}
		open := t.next(fn)
		c := t.next(open)
		end := t.nameEnd(c)
		closeP := t.next(end)
		if open < 0 || !t.toks[open].punct("(") || closeP < 0 || !t.toks[closeP].punct(")") {
			continue
		}
		if _, _, ok := t.columnType(end); !ok {
			continue
		}
		if rest := t.next(closeP); rest >= 0 && rest <= agg.last && !t.toks[rest].is("as") {
			continue
		}
		dir := "DESC NULLS LAST"
		if t.toks[fn].is("min") {
			dir = "ASC"
		}
		var b strings.Builder
		for j := c; j <= end; j++ {
			b.WriteString(t.toks[j].text)
		}
		t.toks[fn].text, t.toks[open].text, t.toks[closeP].text = "", "", ""
		t.toks[p.last].text += " ORDER BY " + b.String() + " " + dir + " LIMIT 1"
		t.change("bare columns beside a single min()/max() (SQLite takes them from the row with the extreme) → ORDER BY … LIMIT 1")
	}
}

// anyAggregate reports whether the SELECT aggregates in HAVING or ORDER BY.
func (t *translator) anyAggregate(p selectParts) bool {
	for _, o := range p.orderItems {
		if t.hasAggregate(o) {
			return true
		}
	}
	return p.having >= 0
}

// stableOrder makes the order of tied rows SQLite's where SQLite's is determined by the query,
// with tie-breakers a person would write — the query's own grouping columns or the table's
// primary key, never a PostgreSQL internal. It applies to the outermost SELECT and to
// subqueries with LIMIT (elsewhere order does not reach the result):
//   - a grouped query sorts its groups, which SQLite produces in group-key order: the GROUP BY
//     columns are appended. SQLite's sorter breaks ties by that order descending when the ORDER BY
//     is a single DESC term, ascending otherwise (observed on SQLite 3.5x; the file format and
//     planner make it stable across versions in practice, and verification checks it);
//   - an ungrouped query over one table scans it in row order; when that is its primary key's
//     order (SchemaInfo.ScanOrder) the primary key columns are appended.
//
// Joins, DISTINCT and set operations are left alone: their tie order depends on SQLite's plan.
func (t *translator) stableOrder() {
	for i, p := range t.selects() {
		if p.order < 0 || len(p.orderItems) == 0 || p.from < 0 {
			continue
		}
		if t.toks[i].depth > 0 && p.limit < 0 {
			continue
		}
		if t.inCompound(i) {
			continue
		}
		have := map[string]bool{}
		dirDesc := false
		for _, o := range p.orderItems {
			k := t.spanText(o.first, o.last)
			if strings.HasSuffix(k, "desc") {
				dirDesc = len(p.orderItems) == 1
			}
			k = strings.TrimSuffix(strings.TrimSuffix(k, "desc"), "asc")
			have[k] = true
			if _, c, ok := strings.Cut(k, "."); ok {
				have[c] = true
			}
		}
		var keys []string
		if len(p.group) > 0 {
			// Groups of one table read through its primary key's index reach the sorter in
			// ascending key order and keep it; groups SQLite had to sort (other keys, joins)
			// come out reversed under a single descending term.
			if dirDesc && len(p.group) == 1 && t.singleTable(p) != "" && t.isPrimaryKey(p.group[0]) {
				dirDesc = false
			}
			selected := map[string]bool{}
			for _, it := range p.items {
				selected[t.spanText(it.first, it.last)] = true
			}
			for _, g := range p.group {
				k := t.spanText(g.first, g.last)
				if have[k] || p.distinct && !selected[k] {
					continue
				}
				have[k] = true
				var b strings.Builder
				for j := g.first; j <= g.last; j++ {
					b.WriteString(t.toks[j].text)
				}
				if dirDesc {
					b.WriteString(" DESC")
				}
				keys = append(keys, b.String())
			}
		} else {
			if p.distinct || t.anyAggregate(p) {
				continue
			}
			agg := false
			for _, it := range p.items {
				agg = agg || t.hasAggregate(it)
			}
			table := t.singleTable(p)
			if agg || table == "" {
				continue
			}
			for _, k := range t.schema.ScanOrder[table] {
				if !have[k] {
					have[k] = true
					keys = append(keys, identText(k))
				}
			}
		}
		if len(keys) == 0 {
			continue
		}
		last := p.orderItems[len(p.orderItems)-1].last
		t.toks[last].after += ", " + strings.Join(keys, ", ")
		t.change("ties under ORDER BY broken as SQLite breaks them: by the GROUP BY columns or the table's primary key")
	}
}

// isPrimaryKey reports whether span g is a column that alone is its table's primary key.
func (t *translator) isPrimaryKey(g span) bool {
	end, ok := t.colRef(g)
	if !ok || end != g.last {
		return false
	}
	col := t.name(end)
	var qual string
	if d := t.prev(end); d >= 0 && t.toks[d].punct(".") {
		qual = t.name(t.prev(d))
	}
	for sc := t.toks[end].scope; sc >= 0; sc = t.parent[sc] {
		for alias, table := range t.aliases[sc] {
			if qual != "" && alias != qual {
				continue
			}
			if _, has := t.schema.Tables[table][col]; !has {
				continue
			}
			pk := t.schema.PrimaryKeys[table]
			return len(pk) == 1 && pk[0] == col
		}
	}
	return false
}

// inCompound reports whether the SELECT at sel is one side of a set operation.
func (t *translator) inCompound(sel int) bool {
	d := t.toks[sel].depth
	lo, hi := sel, sel
	for lo > 0 && !(t.toks[lo-1].depth < d || t.toks[lo-1].punct("(") && t.toks[lo-1].depth == d-1) {
		lo--
	}
	for hi < len(t.toks)-1 && t.toks[hi+1].depth >= d && !(t.toks[hi+1].punct(")") && t.toks[hi+1].depth == d-1) {
		hi++
	}
	for j := lo; j <= hi; j++ {
		if t.toks[j].depth == d && t.toks[j].is("union", "intersect", "except") {
			return true
		}
	}
	return false
}

// singleTable returns the table a SELECT reads when its FROM clause names exactly one table
// (no join, no subquery), or "".
func (t *translator) singleTable(p selectParts) string {
	d := t.toks[p.sel].depth
	table := ""
	for j := t.next(p.from); j >= 0; j = t.next(j) {
		tk := t.toks[j]
		if tk.depth < d || tk.depth == d && (tk.is("where", "group", "order", "having", "limit", "union", "intersect", "except") || tk.punct(")")) {
			break
		}
		if tk.depth > d || tk.punct(",") || tk.punct("(") || tk.is("join") {
			return ""
		}
		if name := t.name(j); tk.kind != tkPunct && t.isTable(name) && table == "" {
			table = name
		}
	}
	return table
}

// derivedAliases names subqueries in FROM that have no alias: SQLite allows them, PostgreSQL
// (before 16) does not.
func (t *translator) derivedAliases() {
	n := 0
	for i := range t.toks {
		if !t.toks[i].punct("(") {
			continue
		}
		p, sel := t.prev(i), t.next(i)
		if p < 0 || sel < 0 || !(t.toks[p].is("from", "join") || t.toks[p].punct(",") && t.inFromList(p)) || !t.toks[sel].is("select", "with") {
			continue
		}
		closeP := t.matching(i)
		if closeP < 0 {
			continue
		}
		if a := t.next(closeP); a >= 0 && (t.toks[a].is("as") || t.toks[a].kind == tkIdent ||
			t.toks[a].kind == tkWord && !clauseWords[strings.ToLower(t.toks[a].text)] && !t.toks[a].is("natural", "cross", "inner", "left", "right", "full")) {
			continue
		}
		name := ""
		for name == "" || t.isTable(name) || t.isColumn(name) {
			n++
			name = fmt.Sprintf("sub%d", n)
			if n == 1 {
				name = "sub"
			}
		}
		t.toks[closeP].after += " AS " + name
		t.change("subqueries in FROM given an alias (PostgreSQL requires one)")
	}
}

// inFromList reports whether the comma at i separates FROM items.
func (t *translator) inFromList(i int) bool {
	d := t.toks[i].depth
	for j := t.prev(i); j >= 0; j = t.prev(j) {
		tk := t.toks[j]
		if tk.depth < d {
			return false
		}
		if tk.depth > d {
			continue
		}
		if tk.is("from") {
			return true
		}
		if tk.is("select", "where", "group", "order", "having", "limit", "on") {
			return false
		}
	}
	return false
}

// matching returns the index of the parenthesis that closes the one at i, or -1.
func (t *translator) matching(i int) int {
	depth := 0
	for j := i; j < len(t.toks); j++ {
		switch {
		case t.toks[j].punct("("):
			depth++
		case t.toks[j].punct(")"):
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// sqliteNumberPrefix is the leading number SQLite reads from text used in arithmetic
// (https://sqlite.org/lang_expr.html#castexpr: the longest prefix that is a number, else 0).
const sqliteNumberPrefix = `^\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?`

// textArithmetic gives text columns in arithmetic (+ - * /) the number SQLite reads from them,
// which PostgreSQL refuses to guess: text - text is an error there, and in SQLite the number
// the text starts with ('2017-12-18 08:54' - '2016-01-01' is 1).
func (t *translator) textArithmetic() {
	for i := range t.toks {
		op := t.toks[i]
		if op.kind != tkPunct || !(op.text == "-" || op.text == "+" || op.text == "*" || op.text == "/") {
			continue
		}
		l, r := t.prev(i), t.next(i)
		if l < 0 || r < 0 {
			continue
		}
		// a unary sign has no left operand
		if lt := t.toks[l]; lt.kind == tkPunct && lt.text != ")" || lt.kind == tkWord && clauseWords[strings.ToLower(lt.text)] {
			continue
		}
		rEnd := t.nameEnd(r)
		for _, side := range [][2]int{{-1, l}, {r, rEnd}} {
			typ, first, ok := t.columnType(side[1])
			if !ok || typ != TypeText {
				continue
			}
			if side[0] >= 0 {
				first = side[0]
			}
			t.toks[first].text = "coalesce(CAST(substring(" + t.toks[first].text
			t.toks[side[1]].text += " FROM '" + sqliteNumberPrefix + "') AS numeric), 0)"
			t.change("text columns in arithmetic read as the number they start with, as SQLite reads them")
		}
	}
}

// oneRowOrder drops the ORDER BY of an aggregate query without GROUP BY whose select list is
// all aggregates: it returns one row, which SQLite sorts by anything, and PostgreSQL refuses an
// ORDER BY on a column that is not aggregated.
func (t *translator) oneRowOrder() {
	for i, p := range t.selects() {
		if p.order < 0 || len(p.group) > 0 || p.having >= 0 || len(p.items) == 0 || t.inCompound(i) {
			continue
		}
		all := true
		for _, it := range p.items {
			all = all && t.hasAggregate(it)
		}
		if !all {
			continue
		}
		end := p.orderItems[len(p.orderItems)-1].last
		for j := p.order; j <= end; j++ {
			t.toks[j].text, t.toks[j].kind = "", tkSpace
		}
		t.removeSpaceBefore(p.order)
		t.change("ORDER BY of a one-row aggregate dropped (PostgreSQL refuses it; the one row is the answer)")
	}
}

// distinctOrder handles SELECT DISTINCT … ORDER BY a column that is not selected, which
// PostgreSQL refuses: it becomes GROUP BY the selected columns, ordered by the largest value of
// the column for a descending order and the smallest for an ascending one. Where the column has
// one value per selected row — the common case, a name ordered by its id — that is SQLite's order.
func (t *translator) distinctOrder() {
	for i, p := range t.selects() {
		if !p.distinct || p.order < 0 || len(p.group) > 0 || p.having >= 0 || t.anyAggregate(p) || t.inCompound(i) {
			continue
		}
		selected := map[string]bool{}
		var items []string
		ok := true
		for _, it := range p.items {
			end, isRef := t.colRef(it)
			if !isRef || end != it.last || t.hasAggregate(it) {
				ok = false
				break
			}
			k := t.spanText(it.first, it.last)
			selected[k] = true
			if _, c, found := strings.Cut(k, "."); found {
				selected[c] = true
			}
			items = append(items, t.rawText(it.first, it.last))
		}
		if !ok {
			continue
		}
		type wrap struct {
			first, last int
			fn          string
		}
		var wraps []wrap
		for _, o := range p.orderItems {
			end, isRef := t.colRef(o)
			if !isRef {
				ok = false
				break
			}
			k := t.spanText(o.first, end)
			_, c, _ := strings.Cut(k, ".")
			if selected[k] || c != "" && selected[c] {
				continue
			}
			fn := "min"
			if t.toks[o.last].is("desc") {
				fn = "max"
			}
			wraps = append(wraps, wrap{o.first, end, fn})
		}
		if !ok || len(wraps) == 0 {
			continue
		}
		for _, w := range wraps {
			t.toks[w.first].text = w.fn + "(" + t.toks[w.first].text
			t.toks[w.last].text += ")"
		}
		d := t.next(p.sel)
		t.toks[d].text, t.toks[d].kind = "", tkSpace
		t.removeSpaceBefore(d)
		t.toks[p.order].text = "GROUP BY " + strings.Join(items, ", ") + " " + t.toks[p.order].text
		t.change("SELECT DISTINCT … ORDER BY a column not selected → GROUP BY, ordered by that column's max (DESC) or min (ASC)")
	}
}

func (t *translator) rawText(first, last int) string {
	var b strings.Builder
	for j := first; j <= last; j++ {
		b.WriteString(t.toks[j].text)
	}
	return b.String()
}
