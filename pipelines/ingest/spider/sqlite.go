package spider

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/goldset/goldset/sqlexec"
)

// OpenSQLite opens a SQLite file read-only.
func OpenSQLite(path string) (*sql.DB, error) {
	u := url.URL{Scheme: "file", Opaque: path, RawQuery: "mode=ro"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("spider: open %s: %w", filepath.Base(path), err)
	}
	return db, nil
}

// CheckSQLite reads a SQLite file's schema and checks its pages (PRAGMA quick_check) without
// reading its rows, and refuses tables wider than maxColumns: enough to know, before anything is
// written, that ReadSQLite will not fail on it. Errors do not name the file; the caller does.
func CheckSQLite(ctx context.Context, path string, maxColumns int) error {
	db, err := OpenSQLite(path)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	names, err := tableNames(ctx, db)
	if err != nil {
		return err
	}
	for _, name := range names {
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pragma_table_info(?)", name).Scan(&n); err != nil {
			return fmt.Errorf("table %s: %w", name, err)
		}
		if n > maxColumns {
			return fmt.Errorf("table %s has %d columns: PostgreSQL allows at most %d in a table", name, n, maxColumns)
		}
	}
	var verdict string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&verdict); err != nil {
		return err
	}
	if verdict != "ok" {
		return fmt.Errorf("the file is damaged: %s", verdict)
	}
	return nil
}

// ReadSQLite reads every table of a SQLite database (sqlite_* internal tables excepted) into
// TableData ready for sqlexec.Load. See the package comment for the naming and typing rules;
// everything the reader changed is in each table's Warnings. Errors do not name the file (it may
// be a temporary copy of an upload): the caller names it as its owner knows it.
func ReadSQLite(ctx context.Context, path string) ([]*sqlexec.TableData, error) {
	db, err := OpenSQLite(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// One connection: a read-only file needs no more, and PRAGMAs then see the same schema.
	db.SetMaxOpenConns(1)

	names, err := tableNames(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("spider: %w", err)
	}
	tableNamer := newNamer()
	var tables []*sqlexec.TableData
	byOrig := map[string]*sourceTable{} // lower-case original name → table
	var srcs []*sourceTable
	for _, name := range names {
		st, err := readTable(ctx, db, name)
		if err != nil {
			return nil, fmt.Errorf("spider: table %s: %w", name, err)
		}
		clean, warn := tableNamer.name(name)
		st.data.Def.Name = clean
		if warn != "" {
			st.data.Warnings = append(st.data.Warnings, "table name collision: "+warn)
		}
		if clean != strings.ToLower(name) {
			st.data.Warnings = append(st.data.Warnings, fmt.Sprintf("table %q is named %q", name, clean))
		}
		byOrig[strings.ToLower(name)] = st
		srcs = append(srcs, st)
		tables = append(tables, st.data)
	}
	for _, st := range srcs {
		st.resolveForeignKeys(byOrig)
	}
	return tables, nil
}

func tableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// sourceTable is a table as read, with what is needed to resolve foreign keys once all tables are read.
type sourceTable struct {
	data      *sqlexec.TableData
	origCols  []string       // original column names, in order
	colByOrig map[string]int // lower-case original column name → index
	fks       []sqliteForeignKey
}

type sqliteForeignKey struct {
	from     []string // original names
	refTable string
	to       []string // original names; empty entries when SQLite omits them (meaning the PK)
}

func quoteSQLite(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func readTable(ctx context.Context, db *sql.DB, name string) (*sourceTable, error) {
	st := &sourceTable{data: &sqlexec.TableData{Def: sqlexec.TableDef{Original: name}}, colByOrig: map[string]int{}}
	def := &st.data.Def

	// Columns, declared types and primary key order.
	rows, err := db.QueryContext(ctx, "PRAGMA table_info("+quoteSQLite(name)+")")
	if err != nil {
		return nil, fmt.Errorf("table_info: %w", err)
	}
	type pkCol struct {
		pos  int
		name string
	}
	var pks []pkCol
	var declTypes []string
	colNamer := newNamer()
	for rows.Next() {
		var (
			cid, notNull, pk int
			cname, ctype     string
			dflt             sql.NullString
		)
		if err := rows.Scan(&cid, &cname, &ctype, &notNull, &dflt, &pk); err != nil {
			rows.Close()
			return nil, fmt.Errorf("table_info: %w", err)
		}
		clean, warn := colNamer.name(cname)
		if warn != "" {
			st.data.Warnings = append(st.data.Warnings, "column name collision: "+warn)
		}
		if clean != strings.ToLower(cname) {
			st.data.Warnings = append(st.data.Warnings, fmt.Sprintf("column %q is named %q", cname, clean))
		}
		st.colByOrig[strings.ToLower(cname)] = len(st.origCols)
		st.origCols = append(st.origCols, cname)
		declTypes = append(declTypes, ctype)
		def.Columns = append(def.Columns, sqlexec.ColumnDef{Name: clean, Original: cname, NotNull: notNull != 0})
		if pk > 0 {
			pks = append(pks, pkCol{pk, clean})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("table_info: %w", err)
	}
	if len(def.Columns) == 0 {
		return nil, fmt.Errorf("no columns")
	}
	sort.Slice(pks, func(i, j int) bool { return pks[i].pos < pks[j].pos })
	for _, p := range pks {
		def.PrimaryKey = append(def.PrimaryKey, p.name)
	}

	// Foreign keys, grouped by constraint id.
	rows, err = db.QueryContext(ctx, "PRAGMA foreign_key_list("+quoteSQLite(name)+")")
	if err != nil {
		return nil, fmt.Errorf("foreign_key_list: %w", err)
	}
	byID := map[int]*sqliteForeignKey{}
	var ids []int
	for rows.Next() {
		var (
			id, seq                     int
			refTable, from              string
			to                          sql.NullString
			onUpdate, onDelete, matchBy string
		)
		if err := rows.Scan(&id, &seq, &refTable, &from, &to, &onUpdate, &onDelete, &matchBy); err != nil {
			rows.Close()
			return nil, fmt.Errorf("foreign_key_list: %w", err)
		}
		fk := byID[id]
		if fk == nil {
			fk = &sqliteForeignKey{refTable: refTable}
			byID[id] = fk
			ids = append(ids, id)
		}
		fk.from = append(fk.from, from)
		fk.to = append(fk.to, to.String)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("foreign_key_list: %w", err)
	}
	// SQLite lists a table's foreign keys last-declared first; keep the declaration order.
	sort.Sort(sort.Reverse(sort.IntSlice(ids)))
	for _, id := range ids {
		st.fks = append(st.fks, *byID[id])
	}

	// Values. "+col" is an expression, so the driver sees no declared type and hands over the
	// stored value as it is (it would otherwise turn text in DATE/DATETIME columns into time.Time).
	sel := make([]string, len(st.origCols))
	for i, c := range st.origCols {
		sel[i] = "+" + quoteSQLite(c)
	}
	rows, err = db.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+quoteSQLite(name))
	if err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	defer rows.Close()
	n := len(st.origCols)
	for rows.Next() {
		vals := make([]any, n)
		ptrs := make([]any, n)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("read rows: %w", err)
		}
		st.data.Rows = append(st.data.Rows, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read rows: %w", err)
	}
	for i := range def.Columns {
		st.typeColumn(i, declTypes[i])
	}
	st.checkPrimaryKey()
	return st, nil
}

// declaredType maps a SQLite declared type to the PostgreSQL type it asks for, following
// SQLite's own affinity rules (https://sqlite.org/datatype3.html#determination_of_column_affinity)
// and then the common type names. "" means no preference (BLOB or no declared type): the values decide.
func declaredType(decl string) sqlexec.ColumnType {
	d := strings.ToUpper(decl)
	switch {
	case strings.Contains(d, "INT"):
		return sqlexec.TypeInteger
	case strings.Contains(d, "CHAR"), strings.Contains(d, "CLOB"), strings.Contains(d, "TEXT"):
		return sqlexec.TypeText
	case d == "" || strings.Contains(d, "BLOB"):
		return ""
	case strings.Contains(d, "REAL"), strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"):
		return sqlexec.TypeFloat
	case strings.HasPrefix(d, "BOOL"):
		return sqlexec.TypeBoolean
	case strings.Contains(d, "DATE"), strings.Contains(d, "TIME"):
		// SQLite has no date type: Spider stores dates as text in many forms and its SQL
		// compares, LIKEs and substr()s them as text. Text keeps every value and every query.
		return sqlexec.TypeText
	default: // NUMERIC, DECIMAL(p,s), anything else with numeric affinity
		return sqlexec.TypeNumeric
	}
}

// typeColumn settles column i's type from its values, with the declared type as a hint (SQLite
// stores any value in any column: https://sqlite.org/datatype3.html), converts the values to what
// sqlexec.Load expects for that type, and warns about every column it had to widen:
//   - any text or blob → text (numbers written as SQLite's CAST(x AS TEXT) writes them);
//   - numbers with a fraction in an integer column → double precision, or numeric when the column
//     also holds integers beyond 2^53, which a double would round;
//   - numbers in a NUMERIC/DECIMAL column stay numeric, written in plain decimal notation with
//     the shortest digits that read back as the same double (no exponent, no lost digits),
//     unless one is infinite, which only double precision holds.
func (st *sourceTable) typeColumn(i int, decl string) {
	col := &st.data.Def.Columns[i]
	rows := st.data.Rows
	c := countValues(rows, i)
	want := declaredType(decl)
	typ := c.settle(want)
	col.Type = typ
	w := func(format string, args ...any) {
		st.data.Warnings = append(st.data.Warnings, fmt.Sprintf("column %s: ", col.Original)+fmt.Sprintf(format, args...))
	}
	c.warnWidened(w, decl, want, typ)
	nonUTF8 := convertValues(rows, i, typ)
	if c.nBlob > 0 {
		w("%d blob values stored as text", c.nBlob)
	}
	if nonUTF8 > 0 {
		w(`%d blob values are not UTF-8 and are stored as \x-prefixed hex`, nonUTF8)
	}
	// SQLite text may hold NUL; PostgreSQL text cannot. In a table it is padding or debris, not
	// a value anyone reads, so it is removed and reported rather than failing the whole database.
	if nul, row := removeNUL(rows, i); nul > 0 {
		w("%d NUL bytes removed from text (first in row %d): PostgreSQL text cannot hold them", nul, row)
	}
}

// valueCounts are the kinds of value one column of a SQLite table holds, with an example of each
// kind that may make it wider than declared.
type valueCounts struct {
	nInt, nFloat, nText, nBlob int
	nBigInt                    int // integers beyond 2^53, which a double would round
	nInf                       int // infinite floats, which only double precision holds
	nNotBool                   int // values other than NULL, 0 and 1
	exText, exFloat, exBlob    any
}

func countValues(rows [][]any, i int) valueCounts {
	var c valueCounts
	for _, r := range rows {
		if v, ok := r[i].(int64); !(r[i] == nil || ok && (v == 0 || v == 1)) {
			c.nNotBool++
		}
		switch v := r[i].(type) {
		case int64:
			c.nInt++
			if v > 1<<53 || v < -(1<<53) {
				c.nBigInt++
			}
		case float64:
			c.nFloat++
			if math.IsInf(v, 0) {
				c.nInf++
			}
			if (v != math.Trunc(v) || math.IsInf(v, 0) || math.IsNaN(v) || math.Abs(v) > 1<<53) && c.exFloat == nil {
				c.exFloat = v
			}
		case string:
			c.nText++
			if c.exText == nil {
				c.exText = v
			}
		case []byte:
			c.nBlob++
			if c.exBlob == nil {
				c.exBlob = v
			}
		}
	}
	return c
}

// settle is the column's type given its declared one (want, "" when undeclared) and its values.
func (c valueCounts) settle(want sqlexec.ColumnType) sqlexec.ColumnType {
	// Numbers of both kinds: double precision, unless that would round an integer.
	mixed := sqlexec.TypeFloat
	if c.nBigInt > 0 && c.nInf == 0 {
		mixed = sqlexec.TypeNumeric
	}
	text := c.nText+c.nBlob > 0
	switch want {
	case sqlexec.TypeInteger:
		switch {
		case text:
			return sqlexec.TypeText
		case c.nFloat > 0:
			return mixed
		}
	case sqlexec.TypeFloat:
		switch {
		case text:
			return sqlexec.TypeText
		case c.nBigInt > 0 && c.nInf == 0:
			return sqlexec.TypeNumeric
		}
	case sqlexec.TypeNumeric:
		switch {
		case text:
			return sqlexec.TypeText
		case c.nInf > 0:
			return sqlexec.TypeFloat
		}
	case sqlexec.TypeBoolean:
		// SQLite has no boolean: its SQL compares such columns with 1/0 (or, in Spider, holds
		// 'T'/'F' text). bigint keeps "= 1" working; PostgreSQL's boolean would not.
		switch {
		case c.nNotBool == 0:
			return sqlexec.TypeInteger
		case text:
			return sqlexec.TypeText
		case c.nFloat > 0:
			return mixed
		}
		return sqlexec.TypeInteger
	case sqlexec.TypeText:
	default: // no declared type: the values decide
		switch {
		case text:
			return sqlexec.TypeText
		case c.nFloat > 0:
			return mixed
		case c.nInt > 0:
			return sqlexec.TypeInteger
		}
		return sqlexec.TypeText
	}
	return want
}

// warnWidened says, through w, why a column is stored as typ when it was declared decl (want).
func (c valueCounts) warnWidened(w func(format string, args ...any), decl string, want, typ sqlexec.ColumnType) {
	if want != "" && typ != want && want != sqlexec.TypeBoolean {
		switch {
		case c.nText > 0:
			w("declared %s but holds text (e.g. %q): stored as %s", decl, c.exText, typ)
		case c.nBlob > 0:
			w("declared %s but holds blobs (e.g. %q): stored as %s", decl, c.exBlob, typ)
		case c.nInf > 0:
			w("declared %s but holds infinite numbers: stored as %s", decl, typ)
		case c.nBigInt > 0:
			w("declared %s but holds integers beyond 2^53 that a double would round: stored as %s", decl, typ)
		case c.nFloat > 0:
			w("declared %s but holds non-integers (e.g. %v): stored as %s", decl, c.exFloat, typ)
		}
	}
	if want == "" && c.nText+c.nBlob > 0 && c.nInt+c.nFloat > 0 {
		w("holds numbers and text (e.g. %q): stored as text", c.exText)
	}
	if want == sqlexec.TypeBoolean && typ == sqlexec.TypeText && c.nText > 0 {
		w("declared %s but holds text (e.g. %q): stored as text", decl, c.exText)
	}
	if want == sqlexec.TypeBoolean && typ != sqlexec.TypeText && c.nFloat > 0 {
		w("declared %s but holds non-integers (e.g. %v): stored as %s", decl, c.exFloat, typ)
	}
	if want == sqlexec.TypeText && c.nInt+c.nFloat > 0 {
		w("declared %s but holds %d numbers: stored as their text", decl, c.nInt+c.nFloat)
	}
}

// convertValues writes column i's values as sqlexec.Load expects them for typ, and returns how many
// blobs were not UTF-8 (they become \x-prefixed hex).
func convertValues(rows [][]any, i int, typ sqlexec.ColumnType) (nonUTF8 int) {
	for _, r := range rows {
		switch v := r[i].(type) {
		case int64:
			switch typ {
			case sqlexec.TypeFloat:
				r[i] = float64(v)
			case sqlexec.TypeNumeric, sqlexec.TypeText:
				r[i] = strconv.FormatInt(v, 10)
			}
		case float64:
			switch typ {
			case sqlexec.TypeNumeric:
				r[i] = strconv.FormatFloat(v, 'f', -1, 64)
			case sqlexec.TypeText:
				r[i] = sqliteFloatText(v)
			}
		case []byte:
			if utf8.Valid(v) {
				r[i] = string(v)
			} else {
				nonUTF8++
				r[i] = fmt.Sprintf(`\x%x`, v)
			}
		}
	}
	return nonUTF8
}

// removeNUL removes NUL characters from column i's text, and returns how many it removed and the
// row (from 1) of the first.
func removeNUL(rows [][]any, i int) (nul, firstRow int) {
	for k, r := range rows {
		if v, ok := r[i].(string); ok && strings.Contains(v, "\x00") {
			if nul == 0 {
				firstRow = k + 1
			}
			nul += strings.Count(v, "\x00")
			r[i] = strings.ReplaceAll(v, "\x00", "")
		}
	}
	return nul, firstRow
}

// sqliteFloatText writes a float stored in a text column: the shortest digits that read back as
// the same double (SQLite's CAST(x AS TEXT) prints 17 digits, not always correctly rounded, so
// its text cannot be matched digit for digit; the value can), laid out as SQLite lays them out:
// plain notation for decimal exponents from -4 to 16, else d.ddde±XX; ".0" on integral values;
// Inf and -Inf.
func sqliteFloatText(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
	if digits == "" {
		digits = "0"
	}
	if exp < -4 || exp > 16 {
		frac := digits[1:]
		if frac == "" {
			frac = "0"
		}
		es := fmt.Sprintf("%+03d", exp)
		return sign + digits[:1] + "." + frac + "e" + es
	}
	var intPart, frac string
	if exp < 0 {
		intPart, frac = "0", strings.Repeat("0", -exp-1)+digits
	} else if exp+1 >= len(digits) {
		intPart, frac = digits+strings.Repeat("0", exp+1-len(digits)), "0"
	} else {
		intPart, frac = digits[:exp+1], digits[exp+1:]
	}
	return sign + intPart + "." + frac
}

// checkPrimaryKey drops a declared primary key that the data violates (SQLite allows NULL in
// non-INTEGER primary keys, and old files may hold duplicates), so that Load cannot fail on it.
func (st *sourceTable) checkPrimaryKey() {
	def := &st.data.Def
	if len(def.PrimaryKey) == 0 {
		return
	}
	idx := make([]int, len(def.PrimaryKey))
	for k, name := range def.PrimaryKey {
		idx[k] = st.colIndexClean(name)
	}
	seen := map[string]bool{}
	for _, r := range st.data.Rows {
		key := make([]any, len(idx))
		for k, i := range idx {
			if r[i] == nil {
				st.dropPrimaryKey("a row has NULL in it")
				return
			}
			key[k] = r[i]
		}
		ks := fmt.Sprintf("%#v", key)
		if seen[ks] {
			st.dropPrimaryKey(fmt.Sprintf("duplicate key %v", key))
			return
		}
		seen[ks] = true
	}
	for _, i := range idx {
		def.Columns[i].NotNull = true
	}
}

func (st *sourceTable) dropPrimaryKey(why string) {
	st.data.Warnings = append(st.data.Warnings, fmt.Sprintf("primary key (%s) dropped: %s", strings.Join(st.data.Def.PrimaryKey, ", "), why))
	st.data.Def.PrimaryKey = nil
}

func (st *sourceTable) colIndexClean(name string) int {
	for i, c := range st.data.Def.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// resolveForeignKeys turns SQLite's foreign keys into sqlexec.ForeignKeys that PostgreSQL will
// accept: the referenced table found case-insensitively, omitted referenced columns read as its
// primary key, and the key dropped with a warning when PostgreSQL would reject it (missing table or
// column, referenced columns that are not the primary key, different column types, or rows
// whose values have no match).
func (st *sourceTable) resolveForeignKeys(tables map[string]*sourceTable) {
	for _, fk := range st.fks {
		desc := fmt.Sprintf("foreign key (%s) → %s(%s)", strings.Join(fk.from, ", "), fk.refTable, strings.Join(fk.to, ", "))
		drop := func(why string) {
			st.data.Warnings = append(st.data.Warnings, desc+" dropped: "+why)
		}
		ref := tables[strings.ToLower(fk.refTable)]
		if ref == nil {
			drop("no table " + fk.refTable)
			continue
		}
		var from, to []int
		ok := true
		for k, f := range fk.from {
			i, found := st.colByOrig[strings.ToLower(f)]
			if !found {
				drop("no column " + f)
				ok = false
				break
			}
			from = append(from, i)
			var j int
			if fk.to[k] == "" {
				if len(ref.data.Def.PrimaryKey) != len(fk.from) {
					drop("the referenced columns are omitted and " + fk.refTable + " has no matching primary key")
					ok = false
					break
				}
				j = ref.colIndexClean(ref.data.Def.PrimaryKey[k])
			} else if j, found = ref.colByOrig[strings.ToLower(fk.to[k])]; !found {
				drop("no column " + fk.to[k] + " in " + fk.refTable)
				ok = false
				break
			}
			to = append(to, j)
		}
		if !ok {
			continue
		}
		fromNames, toNames := make([]string, len(from)), make([]string, len(to))
		for k := range from {
			fromNames[k] = st.data.Def.Columns[from[k]].Name
			toNames[k] = ref.data.Def.Columns[to[k]].Name
		}
		if !sameSet(toNames, ref.data.Def.PrimaryKey) {
			drop("PostgreSQL needs the referenced columns to be " + fk.refTable + "'s primary key")
			continue
		}
		mismatch := ""
		for k := range from {
			ft, tt := st.data.Def.Columns[from[k]].Type, ref.data.Def.Columns[to[k]].Type
			if ft != tt {
				mismatch = fmt.Sprintf("%s is %s but %s is %s", fromNames[k], ft, toNames[k], tt)
				break
			}
		}
		if mismatch != "" {
			drop("types differ: " + mismatch)
			continue
		}
		if orphan := findOrphan(st, from, ref, to); orphan != "" {
			drop("no referenced row for " + orphan)
			continue
		}
		st.data.Def.ForeignKeys = append(st.data.Def.ForeignKeys, sqlexec.ForeignKey{
			Columns: fromNames, RefTable: ref.data.Def.Name, RefColumns: toNames,
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, s := range a {
		m[s] = true
	}
	for _, s := range b {
		if !m[s] {
			return false
		}
	}
	return true
}

// findOrphan returns a description of the first row of st whose key (no NULLs) has no match in
// ref, or "".
func findOrphan(st *sourceTable, from []int, ref *sourceTable, to []int) string {
	keys := map[string]bool{}
	for _, r := range ref.data.Rows {
		key := make([]any, len(to))
		for k, j := range to {
			key[k] = r[j]
		}
		keys[fmt.Sprintf("%#v", key)] = true
	}
	for _, r := range st.data.Rows {
		key := make([]any, len(from))
		null := false
		for k, i := range from {
			key[k] = r[i]
			null = null || r[i] == nil
		}
		if !null && !keys[fmt.Sprintf("%#v", key)] {
			return fmt.Sprintf("%v", key)
		}
	}
	return ""
}

// timeText writes a time the driver parsed from a DATE/DATETIME/TIMESTAMP column back as SQLite
// text. The driver parses such text whatever the connection asks, and keeps no trace of its
// layout: a time at midnight is written as a date ("YYYY-MM-DD", the far more common layout of
// such values), others as "YYYY-MM-DD HH:MM:SS[.SSS]".
func timeText(t time.Time) string {
	switch {
	case t.Nanosecond() != 0:
		return t.Format("2006-01-02 15:04:05.999999999")
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format("2006-01-02")
	default:
		return t.Format("2006-01-02 15:04:05")
	}
}
