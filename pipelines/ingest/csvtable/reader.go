package csvtable

import (
	"errors"
	"fmt"
	"strings"
)

// Errors a caller can test with errors.Is.
var (
	ErrUnterminatedQuote = errors.New("unterminated quoted field")
	ErrNoHeader          = errors.New("no header")
	ErrBinary            = errors.New("binary data, not a text table")
	ErrNUL               = errors.New("contains a NUL byte (U+0000), which PostgreSQL text cannot hold")
)

// ParseError says where in a file reading failed.
type ParseError struct {
	File string
	Line int // 1-based; 0 when the error is not tied to a line
	Msg  string
	Err  error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("csvtable: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(": ")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	b.WriteString(e.Err.Error())
	if e.Msg != "" {
		b.WriteString(" (")
		b.WriteString(e.Msg)
		b.WriteString(")")
	}
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// record is one parsed row of cells and the line it starts on.
type record struct {
	line  int
	cells []string
}

// parseCSV splits data into records: RFC 4180 (fields optionally quoted, "" for a quote,
// newlines allowed inside quotes, CRLF or LF line ends) extended with backslash escapes inside
// quoted fields (\" is a quote, \\ a backslash; any other backslash is kept as is), which is
// how WikiTableQuestions writes its CSV. It is lenient where the intent is clear and says so in
// the returned warnings; the only error is a quoted field still open at the end of the input,
// because every guess there would truncate or merge data.
func parseCSV(data string, comma rune) ([]record, []string, error) {
	const (
		fieldStart = iota
		unquoted
		quoted
		afterQuote // a quote inside a quoted field: closes it, or is the first of ""
	)
	sep := string(comma)
	var (
		records     []record
		cells       []string
		buf         strings.Builder
		state       = fieldStart
		line        = 1
		recLine     = 1
		quoteLine   = 0
		anyQuoted   = false
		strayQuotes = 0
		strayLine   = 0
		blankSoFar  = true // the unquoted field so far is only blanks, so a quote opens it
	)
	endField := func() {
		cells = append(cells, buf.String())
		buf.Reset()
		state = fieldStart
		blankSoFar = true
	}
	endRecord := func() {
		endField()
		// A line with nothing on it separates nothing; encoding/csv skips these too.
		if !(len(cells) == 1 && !anyQuoted && strings.TrimSpace(cells[0]) == "") {
			records = append(records, record{line: recLine, cells: cells})
		}
		cells = nil
		anyQuoted = false
	}
	isSep := func(i int) bool { return data[i] == sep[0] && strings.HasPrefix(data[i:], sep) }
	// boundary ends the field at a separator, or the record at a line end (CRLF is one), and says
	// where the scan is then; ok is false when data[i] is neither.
	boundary := func(i int) (next int, ok bool) {
		switch c := data[i]; {
		case isSep(i):
			endField()
			return i + len(sep) - 1, true
		case c == '\r' || c == '\n':
			if c == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			endRecord()
			line++
			return i, true
		}
		return i, false
	}

	for i := 0; i < len(data); i++ {
		c := data[i]
		if state == fieldStart && len(cells) == 0 && buf.Len() == 0 {
			recLine = line
		}
		switch state {
		case fieldStart, unquoted:
			if next, ok := boundary(i); ok {
				i = next
				break
			}
			switch {
			case c == '"' && blankSoFar:
				// Spaces before an opening quote are layout, not data.
				buf.Reset()
				state = quoted
				quoteLine = line
				anyQuoted = true
			default:
				buf.WriteByte(c)
				if c != ' ' && c != '\t' {
					blankSoFar = false
				}
				state = unquoted
			}
		case quoted:
			switch c {
			case '\\':
				if i+1 < len(data) && (data[i+1] == '"' || data[i+1] == '\\') {
					buf.WriteByte(data[i+1])
					i++
				} else {
					buf.WriteByte(c)
				}
			case '"':
				state = afterQuote
			case '\r':
				if i+1 < len(data) && data[i+1] == '\n' {
					i++
				}
				buf.WriteByte('\n')
				line++
			case '\n':
				buf.WriteByte('\n')
				line++
			default:
				buf.WriteByte(c)
			}
		case afterQuote:
			if c == '"' {
				buf.WriteByte('"')
				state = quoted
				break
			}
			if next, ok := boundary(i); ok {
				i = next
				break
			}
			// Blanks between the closing quote and the separator are layout.
			j := i
			for j < len(data) && (data[j] == ' ' || data[j] == '\t') && !isSep(j) {
				j++
			}
			if j == len(data) || isSep(j) || data[j] == '\n' || data[j] == '\r' {
				i = j - 1
				continue
			}
			// A bare quote in the middle of a quoted field: keep it as text, as LazyQuotes
			// would, and carry on inside the field.
			if strayQuotes == 0 {
				strayLine = line
			}
			strayQuotes++
			buf.WriteByte('"')
			buf.WriteByte(c)
			state = quoted
		}
	}
	switch {
	case state == quoted:
		return nil, nil, &ParseError{Line: quoteLine, Err: ErrUnterminatedQuote,
			Msg: "the quote opened on this line is still open at the end of the input"}
	case state != fieldStart || len(cells) > 0:
		endRecord()
	}
	var warnings []string
	if strayQuotes > 0 {
		warnings = append(warnings, fmt.Sprintf(
			"%d unescaped quote(s) inside quoted fields kept as text (first on line %d)", strayQuotes, strayLine))
	}
	return records, warnings, nil
}

// parseTSV splits data in the WikiTableQuestions TSV dialect: one record a line, no quoting,
// and inside a cell \n is a newline, \\ a backslash and \p a "|". Other backslashes are kept.
func parseTSV(data string, comma rune) []record {
	lines := strings.Split(data, "\n")
	records := make([]record, 0, len(lines))
	sep := string(comma)
	for n, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if strings.TrimSpace(l) == "" && !strings.Contains(l, sep) {
			continue
		}
		parts := strings.Split(l, sep)
		for k, p := range parts {
			parts[k] = unescapeTSV(p)
		}
		records = append(records, record{line: n + 1, cells: parts})
	}
	return records
}

func unescapeTSV(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			case 'p':
				b.WriteByte('|')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// sniffComma picks the separator that occurs most often in the first record (outside quotes).
// Ties and a header without any separator fall back to a comma.
func sniffComma(data string) rune {
	counts := map[byte]int{}
	inQuote := false
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			if c == '\\' {
				i++
			}
			continue
		}
		if c == '\n' || c == '\r' {
			break
		}
		switch c {
		case ',', '\t', ';', '|':
			counts[c]++
		}
	}
	best, bestN := byte(','), counts[',']
	for _, c := range []byte{'\t', ';', '|'} {
		if counts[c] > bestN {
			best, bestN = c, counts[c]
		}
	}
	return rune(best)
}
