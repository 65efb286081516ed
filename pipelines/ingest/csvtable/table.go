package csvtable

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/goldset/goldset/sqlexec"
)

// Options tune how a table is read. The zero value reads everything with detected settings.
type Options struct {
	// TableName is the target table name. Empty: derived from the file name with TableNameFor
	// ("200-csv/12.csv" → t_12); ReadDir and ReadZip then also make the names unique.
	// A non-empty name is used as given, so a caller reading several files should leave it empty.
	TableName string
	// Comma is the field separator. 0: a .tsv file is read in the TSV dialect with tabs; any
	// other file is read as quoted CSV with the separator that is most frequent in its header
	// line among , tab ; and | (a comma when in doubt).
	Comma rune
	// MaxRows caps the data rows read; 0 means no limit. A cut is reported in Warnings.
	MaxRows int
}

// FileError is a file of a folder or archive that could not be read at all.
type FileError struct {
	File string
	Err  error
}

func (e FileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e FileError) Unwrap() error { return e.Err }

// maxFileSize guards against reading a huge or wrong file into memory whole.
const maxFileSize = 1 << 30

// ReadFile reads one CSV or TSV file.
func ReadFile(name string, opt Options) (*sqlexec.TableData, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("csvtable: %w", err)
	}
	defer f.Close()
	return Read(f, name, opt)
}

// Read reads one table from r. name is the file name or path: it decides the dialect (.tsv),
// the derived table name and TableDef.Original, and prefixes errors.
func Read(r io.Reader, name string, opt Options) (*sqlexec.TableData, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("csvtable: read %s: %w", name, err)
	}
	if len(raw) > maxFileSize {
		return nil, &ParseError{File: name, Err: errors.New("file too large"), Msg: fmt.Sprintf("more than %d bytes", maxFileSize)}
	}
	td, err := parseTable(raw, name, opt)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) && pe.File == "" {
			pe.File = name
		}
		return nil, err
	}
	return td, nil
}

func parseTable(raw []byte, name string, opt Options) (*sqlexec.TableData, error) {
	text, warnings, err := decodeText(raw)
	if err != nil {
		return nil, err
	}
	var records []record
	tsv := strings.EqualFold(path.Ext(name), ".tsv")
	comma := opt.Comma
	switch {
	case tsv:
		if comma == 0 {
			comma = '\t'
		}
		records = parseTSV(text, comma)
	default:
		if comma == 0 {
			comma = sniffComma(text)
		}
		var w []string
		if records, w, err = parseCSV(text, comma); err != nil {
			return nil, err
		}
		warnings = append(warnings, w...)
	}
	if len(records) == 0 {
		return nil, &ParseError{Err: ErrNoHeader, Msg: "the file has no lines"}
	}
	warnings = append(warnings, stripNUL(records)...)
	header, data := records[0], records[1:]
	if opt.MaxRows > 0 && len(data) > opt.MaxRows {
		warnings = append(warnings, fmt.Sprintf("read the first %d of %d rows (MaxRows)", opt.MaxRows, len(data)))
		data = data[:opt.MaxRows]
	}

	headers := make([]string, len(header.cells))
	for i, h := range header.cells {
		headers[i] = headerText(h)
	}
	headers, w := fitRows(headers, data)
	warnings = append(warnings, w...)

	ncol := len(headers)
	cols := make([]column, ncol)
	cells := make([]*string, len(data))
	suffixes := make([]string, ncol)
	for c := range ncol {
		for r := range data {
			cells[r] = nil
			if c < len(data[r].cells) {
				cells[r] = &data[r].cells[c]
			}
		}
		cols[c] = inferColumn(cells)
		suffixes[c] = cols[c].suffix
	}
	names := columnNames(headers, suffixes)

	td := &sqlexec.TableData{Def: sqlexec.TableDef{Name: opt.TableName, Original: name}}
	if td.Def.Name == "" {
		td.Def.Name = TableNameFor(name)
	}
	td.Def.Columns = make([]sqlexec.ColumnDef, ncol)
	for c, col := range cols {
		td.Def.Columns[c] = sqlexec.ColumnDef{Name: names[c], Original: headers[c], Type: col.typ, NotNull: col.notNull}
		for _, w := range col.warnings {
			warnings = append(warnings, fmt.Sprintf("column %q: %s", names[c], w))
		}
	}
	td.Rows = make([][]any, len(data))
	for r := range data {
		row := make([]any, ncol)
		for c := range cols {
			row[c] = cols[c].values[r]
		}
		td.Rows[r] = row
	}
	td.Warnings = warnings
	return td, nil
}

// stripNUL removes NUL bytes from every cell and reports them by column. PostgreSQL text cannot
// hold NUL, and in a CSV it is padding or debris from the system that exported the file, never a
// value anyone reads; a data team expects the table imported without it and told where it was,
// not the whole file refused for invisible bytes. (Files made mostly of NUL never get here: they
// are refused as binary.)
func stripNUL(records []record) []string {
	type seen struct{ count, line int }
	var cols map[int]*seen
	for _, rec := range records {
		for c, cell := range rec.cells {
			if !strings.Contains(cell, "\x00") {
				continue
			}
			if cols == nil {
				cols = map[int]*seen{}
			}
			s := cols[c]
			if s == nil {
				s = &seen{line: rec.line}
				cols[c] = s
			}
			s.count += strings.Count(cell, "\x00")
			rec.cells[c] = strings.ReplaceAll(cell, "\x00", "")
		}
	}
	idx := make([]int, 0, len(cols))
	for c := range cols {
		idx = append(idx, c)
	}
	sort.Ints(idx)
	var warnings []string
	for _, c := range idx {
		name := fmt.Sprintf("column %d", c+1)
		if c < len(records[0].cells) {
			name += fmt.Sprintf(" (%q)", headerText(records[0].cells[c]))
		}
		warnings = append(warnings, fmt.Sprintf("%s: %d NUL bytes removed (first on line %d)", name, cols[c].count, cols[c].line))
	}
	return warnings
}

// fitRows reconciles ragged rows with the header. Short rows are padded later with NULL (the
// cells are simply missing); cells beyond the header are kept in new columns extra_1, … unless
// every one of them is empty, in which case they are dropped. Both are reported.
func fitRows(headers []string, data []record) ([]string, []string) {
	var warnings []string
	short, long, widest := 0, 0, len(headers)
	firstShort, firstLong := 0, 0
	extraFilled := false
	for _, rec := range data {
		switch n := len(rec.cells); {
		case n < len(headers):
			if short == 0 {
				firstShort = rec.line
			}
			short++
		case n > len(headers):
			if long == 0 {
				firstLong = rec.line
			}
			long++
			widest = max(widest, n)
			for _, c := range rec.cells[len(headers):] {
				if strings.TrimSpace(c) != "" {
					extraFilled = true
				}
			}
		}
	}
	if short > 0 {
		warnings = append(warnings, fmt.Sprintf(
			"%d rows have fewer cells than the header's %d (first on line %d); the missing cells are NULL",
			short, len(headers), firstShort))
	}
	if long > 0 {
		if extraFilled {
			orig := len(headers)
			for k := orig; k < widest; k++ {
				headers = append(headers, "extra_"+strconv.Itoa(k-orig+1))
			}
			warnings = append(warnings, fmt.Sprintf(
				"%d rows have more cells than the header's %d (first on line %d); the extra cells are in columns extra_1 to extra_%d",
				long, orig, firstLong, widest-orig))
		} else {
			for i := range data {
				if len(data[i].cells) > len(headers) {
					data[i].cells = data[i].cells[:len(headers)]
				}
			}
			warnings = append(warnings, fmt.Sprintf(
				"%d rows have more cells than the header's %d (first on line %d); the extra cells are all empty and were dropped",
				long, len(headers), firstLong))
		}
	}
	return headers, warnings
}

// ReadDir reads every .csv file of dir (not its subfolders), in natural name order. A .csv that
// cannot be parsed is read from its .tsv twin when there is one (with a warning saying so); a
// .tsv without a .csv twin is read too. Tables and errors name files by their name in dir, not by
// a path. Files that cannot be read at all are returned as FileErrors; the error is only for a
// folder that cannot be listed. Derived table names are unique within the result.
func ReadDir(dir string, opt Options) ([]*sqlexec.TableData, []FileError, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("csvtable: read folder %s: %w", filepath.Base(dir), withoutPath(err))
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	open := func(name string) (io.ReadCloser, error) { return os.Open(filepath.Join(dir, name)) }
	tables, fileErrs := readSet(names, open, opt)
	return tables, fileErrs, nil
}

// ReadTree reads every .csv (falling back to its .tsv twin as ReadDir does) and every lone .tsv
// in any folder under root, skipping hidden files and macOS's __MACOSX/: an expanded archive.
// TableDef.Original is the path under root with slashes ("csv/200-csv/12.csv"), which is what
// WikiTableQuestions questions name as their context, and what errors name.
func ReadTree(root string, opt Options) ([]*sqlexec.TableData, []FileError, error) {
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && rel == "__MACOSX":
			return filepath.SkipDir
		case d.Type().IsRegular() && !strings.HasPrefix(d.Name(), "."):
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("csvtable: read folder: %w", withoutPath(err))
	}
	open := func(name string) (io.ReadCloser, error) {
		return os.Open(filepath.Join(root, filepath.FromSlash(name)))
	}
	tables, fileErrs := readSet(names, open, opt)
	return tables, fileErrs, nil
}

// withoutPath drops the path from a file system error: messages name files as their owner knows
// them, and a path here can be a server's temporary folder.
func withoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// readSet reads the tables among names (CSV first, TSV twin as fallback) and makes their
// derived names unique.
func readSet(names []string, open func(string) (io.ReadCloser, error), opt Options) ([]*sqlexec.TableData, []FileError) {
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	sort.Slice(names, func(i, j int) bool { return naturalLess(names[i], names[j]) })
	readOne := func(n string) (*sqlexec.TableData, error) {
		rc, err := open(n)
		if err != nil {
			return nil, fmt.Errorf("csvtable: %s: %w", n, withoutPath(err))
		}
		defer rc.Close()
		return Read(rc, n, opt)
	}
	var tables []*sqlexec.TableData
	var fileErrs []FileError
	for _, n := range names {
		ext := strings.ToLower(path.Ext(n))
		stem := strings.TrimSuffix(n, path.Ext(n))
		var twin string
		for _, e := range []string{".tsv", ".TSV"} {
			if has[stem+e] {
				twin = stem + e
			}
		}
		switch {
		case ext == ".csv":
			td, err := readOne(n)
			if err != nil && twin != "" {
				td2, err2 := readOne(twin)
				if err2 != nil {
					err = fmt.Errorf("%w; its .tsv twin failed too: %w", err, err2)
				} else {
					td2.Warnings = append([]string{fmt.Sprintf("read from %s because the .csv failed: %v", twin, err)}, td2.Warnings...)
					td, err = td2, nil
				}
			}
			if err != nil {
				fileErrs = append(fileErrs, FileError{File: n, Err: err})
				continue
			}
			tables = append(tables, td)
		case ext == ".tsv" && !has[stem+".csv"] && !has[stem+".CSV"]:
			td, err := readOne(n)
			if err != nil {
				fileErrs = append(fileErrs, FileError{File: n, Err: err})
				continue
			}
			tables = append(tables, td)
		}
	}
	if opt.TableName == "" {
		uniqueTableNames(tables)
	}
	return tables, fileErrs
}

// uniqueTableNames gives tables whose derived names clash their parent folder as a prefix
// (t_200_csv_12), then numbers whatever still clashes.
func uniqueTableNames(tables []*sqlexec.TableData) {
	count := map[string]int{}
	for _, t := range tables {
		count[t.Def.Name]++
	}
	base := make([]string, len(tables))
	for i, t := range tables {
		base[i] = t.Def.Name
		if count[t.Def.Name] > 1 {
			base[i] = tableNameWithParent(t.Def.Original)
		}
	}
	for i, n := range uniqueNames(base) {
		tables[i].Def.Name = n
	}
}

// naturalLess orders names with embedded numbers numerically: 2.csv before 10.csv.
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da != "" && db != "" {
			na, _ := strconv.ParseUint(da, 10, 64)
			nb, _ := strconv.ParseUint(db, 10, 64)
			if na != nb {
				return na < nb
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}
