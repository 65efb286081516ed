package bird

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/goldset/goldset/sqlexec"
)

// TableDoc is one database_description/<table>.csv: the docs of its columns by their original
// name, in the file's order.
type TableDoc struct {
	File    string // the file's name, e.g. frpm.csv
	Table   string // the table it describes: the file's name without .csv
	Columns []ColumnDoc
}

// ColumnDoc is one row of a description file.
type ColumnDoc struct {
	Column string // original_column_name, trimmed
	Line   int    // where it is in the file, for warnings
	Doc    sqlexec.ColumnDoc
}

// ReadDescriptions reads every *.csv of a database_description folder, leniently (see the package
// comment). It returns the tables' docs sorted by file name and what was repaired or dropped, each
// warning naming the file as "database_description/<file>". A folder that does not exist has no
// docs and no warnings; an unreadable folder is an error.
func ReadDescriptions(dir string) ([]TableDoc, []string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("bird: database_description: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && strings.EqualFold(filepath.Ext(e.Name()), ".csv") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var docs []TableDoc
	var warnings []string
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			warnings = append(warnings, fmt.Sprintf("database_description/%s: cannot be read; its descriptions are dropped", name))
			continue
		}
		td, ws := ParseDescription(name, data)
		for _, w := range ws {
			warnings = append(warnings, "database_description/"+w)
		}
		if td != nil {
			docs = append(docs, *td)
		}
	}
	return docs, warnings, nil
}

// ParseDescription reads one description file's bytes. It returns nil when nothing of the file
// could be used, with warnings (prefixed by name) saying why; else the docs it read and a warning
// for every repair and every row dropped.
func ParseDescription(name string, data []byte) (*TableDoc, []string) {
	var warnings []string
	warn := func(format string, args ...any) { warnings = append(warnings, name+": "+fmt.Sprintf(format, args...)) }
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		warn("is UTF-16, which is not read; its descriptions are dropped (save it as UTF-8)")
		return nil, warnings
	}
	text, repaired := decodeText(data)
	if repaired > 0 {
		warn("%d byte%s that are not UTF-8 read as Windows-1252 (Latin-1)", repaired, plural(repaired))
	}
	if n := strings.Count(text, "\x00"); n > 0 {
		text = strings.ReplaceAll(text, "\x00", "")
		warn("%d NUL byte%s removed", n, plural(n))
	}
	lines := strings.SplitAfter(text, "\n") // for reading a broken record again, by its line numbers
	r := csv.NewReader(strings.NewReader(text))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			warn("is empty; no descriptions")
		} else {
			warn("the header cannot be read (%v); its descriptions are dropped", csvError(err))
		}
		return nil, warnings
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	if _, ok := col["original_column_name"]; !ok {
		warn("has no original_column_name column (header: %s); its descriptions are dropped", strings.Join(header, ", "))
		return nil, warnings
	}
	td := &TableDoc{File: name, Table: strings.TrimSuffix(name, filepath.Ext(name))}
	seen := map[string]int{}
	var unnamed []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line := 0
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				warn("reading stopped: %v; the rows after it are dropped", err)
				break
			}
			// A quote inside an unquoted cell (the order's "total") is how hand-made files go
			// wrong most: read the record's own lines again taking such quotes as text, and keep
			// it when that gives a row as wide as the header.
			if rec = lazyRecord(lines, pe.StartLine, pe.Line); len(rec) != len(header) {
				warn("line %d: %v; the row is dropped", pe.StartLine, pe.Err)
				continue
			}
			warn("line %d: %v; read with the quotes as text", pe.StartLine, pe.Err)
			line = pe.StartLine
		} else {
			line, _ = r.FieldPos(0)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		orig := get("original_column_name")
		if orig == "" {
			if strings.TrimSpace(strings.Join(rec, "")) != "" {
				unnamed = append(unnamed, line)
			}
			continue
		}
		if prev, dup := seen[strings.ToLower(orig)]; dup {
			warn("line %d: column %q is described again (first on line %d); the later row is dropped", line, orig, prev)
			continue
		}
		seen[strings.ToLower(orig)] = line
		td.Columns = append(td.Columns, ColumnDoc{Column: orig, Line: line, Doc: sqlexec.ColumnDoc{
			Name: get("column_name"), Description: get("column_description"), Format: get("data_format"), Values: get("value_description"),
		}})
	}
	if len(unnamed) > 0 {
		warn("line%s %s: no original_column_name; the row%s dropped", plural(len(unnamed)), joinInts(unnamed), map[bool]string{true: "s are", false: " is"}[len(unnamed) > 1])
	}
	return td, warnings
}

// lazyRecord parses lines from..to (numbered from 1) as one CSV record with quotes read leniently;
// nil when they do not make exactly one.
func lazyRecord(lines []string, from, to int) []string {
	if from < 1 || to < from || to > len(lines) {
		return nil
	}
	r := csv.NewReader(strings.NewReader(strings.Join(lines[from-1:to], "")))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 1 {
		return nil
	}
	return recs[0]
}

// csvError is the reader's error without the "record on line" prefix it repeats.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %w", pe.StartLine, pe.Err)
	}
	return err
}

// decodeText returns data as UTF-8 without a leading byte-order mark. Bytes that are not part of
// a valid UTF-8 sequence are read as Windows-1252, the encoding spreadsheets on Windows save CSV
// in (it agrees with Latin-1 on every printable character); repaired counts them. Valid UTF-8
// around them is kept as it is, so a file mixing both reads right.
func decodeText(data []byte) (string, int) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data), 0
	}
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	repaired := 0
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(windows1252(data[0]))
			repaired++
		} else {
			b.WriteRune(r)
		}
		data = data[size:]
	}
	return b.String(), repaired
}

// cp1252 maps the bytes 0x80–0x9F, where Windows-1252 puts punctuation and Latin-1 control
// characters; the five bytes Windows-1252 leaves undefined keep Latin-1's meaning.
var cp1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8d, 'Ž', 0x8f,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9d, 'ž', 'Ÿ',
}

func windows1252(c byte) rune {
	if c >= 0x80 && c < 0xa0 {
		return cp1252[c-0x80]
	}
	return rune(c) // Latin-1
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ", ")
}
