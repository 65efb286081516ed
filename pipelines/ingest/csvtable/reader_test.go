package csvtable

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseCSV_TrickyInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want [][]string
	}{
		{"plain", "a,b\n1,2\n", [][]string{{"a", "b"}, {"1", "2"}}},
		{"no final newline", "a,b\n1,2", [][]string{{"a", "b"}, {"1", "2"}}},
		{"quoted comma", `"a,b",c` + "\n", [][]string{{"a,b", "c"}}},
		{"backslash-escaped quote", `"Episode: \"Hackidu\"",x`, [][]string{{`Episode: "Hackidu"`, "x"}}},
		{"backslash-escaped quote at field end", `"\"I'm Coming Home Again\"","—"`, [][]string{{`"I'm Coming Home Again"`, "—"}}},
		{"doubled quote", `"say ""hi""",x`, [][]string{{`say "hi"`, "x"}}},
		{"escaped backslash before closing quote", `"C:\\","x"`, [][]string{{`C:\`, "x"}}},
		{"other backslash kept", `"a\b\n",x`, [][]string{{`a\b\n`, "x"}}},
		{"backslash in unquoted field kept", `a\"b,c`, [][]string{{`a\"b`, "c"}}},
		{"newline in quoted header", "\"Tonnage\n(GRT)\",b\n1,2\n", [][]string{{"Tonnage\n(GRT)", "b"}, {"1", "2"}}},
		{"CRLF records", "a,b\r\n1,2\r\n", [][]string{{"a", "b"}, {"1", "2"}}},
		{"CRLF inside quotes becomes LF", "\"x\r\ny\",b\r\n", [][]string{{"x\ny", "b"}}},
		{"empty fields", `,"",` + "\n", [][]string{{"", "", ""}}},
		{"blank lines skipped", "a\n\n1\n\n", [][]string{{"a"}, {"1"}}},
		{"quoted empty line is a record", "a\n\"\"\n", [][]string{{"a"}, {""}}},
		{"blanks around quotes are layout", `  "a" , "b"`, [][]string{{"a", "b"}}},
		{"stray quote inside quoted field kept", `"a "b" c",d`, [][]string{{`a "b" c`, "d"}}},
		{"quote inside unquoted field kept", `5'11",x`, [][]string{{`5'11"`, "x"}}},
		{"unicode", `"Łódź","−5","≥ 1.0 mm"`, [][]string{{"Łódź", "−5", "≥ 1.0 mm"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, _, err := parseCSV(tt.in, ',')
			if err != nil {
				t.Fatalf("parseCSV: %v", err)
			}
			if got := cellsOf(recs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseCSV_OtherSeparators(t *testing.T) {
	t.Parallel()
	recs, _, err := parseCSV("a;\"b;c\"\n1;2\n", ';')
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cellsOf(recs), [][]string{{"a", "b;c"}, {"1", "2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	for in, want := range map[string]rune{
		"a,b,c\n": ',', "a\tb\tc\n": '\t', "a;b;c\n1,5;2,5;3\n": ';', `"x,y"|b|c`: '|', "single\n": ',',
	} {
		if got := sniffComma(in); got != want {
			t.Errorf("sniffComma(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseCSV_RecordsKnowTheirStartLine(t *testing.T) {
	t.Parallel()
	recs, _, err := parseCSV("h1,h2\n\"a\nb\",c\nd,e\n", ',')
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for _, r := range recs {
		lines = append(lines, r.line)
	}
	if want := []int{1, 2, 4}; !reflect.DeepEqual(lines, want) {
		t.Errorf("lines %v, want %v", lines, want)
	}
}

func TestParseCSV_UnterminatedQuoteIsAnErrorWithItsLine(t *testing.T) {
	t.Parallel()
	_, _, err := parseCSV("a,b\n1,2\n3,\"never\nclosed\n", ',')
	if !errors.Is(err, ErrUnterminatedQuote) {
		t.Fatalf("err = %v, want ErrUnterminatedQuote", err)
	}
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 3 {
		t.Fatalf("err = %#v, want a ParseError on line 3", err)
	}
	// An escaped quote must not close the field: this one is still open.
	if _, _, err := parseCSV(`"abc\"`, ','); !errors.Is(err, ErrUnterminatedQuote) {
		t.Errorf(`"abc\" : err = %v, want ErrUnterminatedQuote`, err)
	}
}

func TestParseCSV_StrayQuotesAreReported(t *testing.T) {
	t.Parallel()
	_, warnings, err := parseCSV("h\n\"a \"b\" c\"\n", ',')
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "line 2") {
		t.Errorf("warnings = %q, want one naming line 2", warnings)
	}
}

func TestParseTSV_WTQDialect(t *testing.T) {
	t.Parallel()
	in := "Name\tNotes\r\nA\\nB\tx\\\\n\\py\n\nC\t\\q\n"
	want := [][]string{{"Name", "Notes"}, {"A\nB", `x\n|y`}, {"C", `\q`}}
	if got := cellsOf(parseTSV(in, '\t')); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func cellsOf(recs []record) [][]string {
	out := make([][]string, len(recs))
	for i, r := range recs {
		out[i] = r.cells
	}
	return out
}
