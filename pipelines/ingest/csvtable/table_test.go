package csvtable

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec"
)

func readString(t *testing.T, name, in string, opt Options) *sqlexec.TableData {
	t.Helper()
	td, err := Read(strings.NewReader(in), name, opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return td
}

func hasWarning(td *sqlexec.TableData, substr string) bool {
	for _, w := range td.Warnings {
		if strings.Contains(w, substr) {
			return true
		}
	}
	return false
}

// wantWarnings checks that td has a warning containing each of substrs.
func wantWarnings(t *testing.T, td *sqlexec.TableData, substrs ...string) {
	t.Helper()
	for _, w := range substrs {
		if !hasWarning(td, w) {
			t.Errorf("no warning %q in %q", w, td.Warnings)
		}
	}
}

func TestRead_EmptyFileHasNoHeader(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "\n\n", "\xEF\xBB\xBF"} {
		_, err := Read(strings.NewReader(in), "empty.csv", Options{})
		if !errors.Is(err, ErrNoHeader) || !strings.Contains(err.Error(), "empty.csv") {
			t.Errorf("Read(%q) err = %v, want ErrNoHeader naming the file", in, err)
		}
	}
}

func TestRead_HeaderOnlyIsATableWithoutRows(t *testing.T) {
	t.Parallel()
	td := readString(t, "h.csv", "\"Year\",\"Title\"\n", Options{})
	if len(td.Rows) != 0 || len(td.Def.Columns) != 2 || td.Def.Columns[0].Type != sqlexec.TypeText || td.Def.Columns[0].NotNull {
		t.Errorf("got %+v", td)
	}
}

func TestRead_UnterminatedQuoteNamesFileAndLine(t *testing.T) {
	t.Parallel()
	_, err := Read(strings.NewReader("a,b\n1,\"2\n3,4\n"), "bad.csv", Options{})
	var pe *ParseError
	if !errors.As(err, &pe) || !errors.Is(err, ErrUnterminatedQuote) || pe.Line != 2 {
		t.Fatalf("err = %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "bad.csv: line 2: unterminated quoted field") {
		t.Errorf("message %q", msg)
	}
}

func TestRead_BinaryIsRefused(t *testing.T) {
	t.Parallel()
	utf16NoBOM := "n\x00a\x00m\x00e\x00\n\x00A\x00n\x00n\x00\n\x00"
	for _, in := range []string{"PK\x03\x04\x00\x00binary", "\x01\x02\x03\x04\x05abc", utf16NoBOM} {
		if _, err := Read(strings.NewReader(in), "x.csv", Options{}); !errors.Is(err, ErrBinary) {
			t.Errorf("Read(%q) err = %v, want ErrBinary", in, err)
		}
	}
}

func TestRead_StrayNULsAreRemovedWithAWarningPerColumn(t *testing.T) {
	t.Parallel()
	td := readString(t, "nul.csv", "id,name\x00,city\n1,Ann\x00\x00,Oslo\n2,Bob,Ber\x00gen\n3,Cy\x00,Rome\n", Options{})
	if got := td.Rows[0][1]; got != "Ann" {
		t.Errorf("name = %q", got)
	}
	if got := td.Rows[1][2]; got != "Bergen" {
		t.Errorf("city = %q", got)
	}
	if got := td.Def.Columns[1].Original; got != "name" {
		t.Errorf("header = %q", got)
	}
	wantWarnings(t, td, `column 2 ("name"): 4 NUL bytes removed (first on line 1)`, `column 3 ("city"): 1 NUL bytes removed (first on line 3)`)
}

func TestRead_NonUTF8IsReadAsWindows1252WithAWarning(t *testing.T) {
	t.Parallel()
	td := readString(t, "l1.csv", "name,note\nCaf\xe9,\x93quoted\x94 \x80\n", Options{})
	if got := td.Rows[0][0]; got != "Café" {
		t.Errorf("name = %q", got)
	}
	if got := td.Rows[0][1]; got != "“quoted” €" {
		t.Errorf("note = %q", got)
	}
	wantWarnings(t, td, "Windows-1252", "line 2")
}

func TestRead_BOMAndCRLF(t *testing.T) {
	t.Parallel()
	td := readString(t, "b.csv", "\xEF\xBB\xBFYear,Title\r\n1969,\"A\r\nB\"\r\n", Options{})
	if td.Def.Columns[0].Name != "year" || td.Rows[0][0] != int64(1969) || td.Rows[0][1] != "A\nB" {
		t.Errorf("got %+v", td)
	}
	if len(td.Warnings) != 0 {
		t.Errorf("warnings %q", td.Warnings)
	}
}

func TestRead_UTF16(t *testing.T) {
	t.Parallel()
	td := readString(t, "u.csv", "\xFF\xFEa\x00,\x00b\x00\n\x001\x00,\x00\xe9\x00", Options{})
	if td.Rows[0][1] != "é" || !hasWarning(td, "UTF-16") {
		t.Errorf("got %+v", td)
	}
}

func TestRead_ShortRowsArePaddedWithNull(t *testing.T) {
	t.Parallel()
	td := readString(t, "r.csv", "a,b,c\n1,2,3\n4\n5,6\n", Options{})
	want := [][]any{{int64(1), int64(2), int64(3)}, {int64(4), nil, nil}, {int64(5), int64(6), nil}}
	if !reflect.DeepEqual(td.Rows, want) {
		t.Errorf("rows %v", td.Rows)
	}
	wantWarnings(t, td, "2 rows have fewer cells than the header's 3 (first on line 3)")
}

func TestRead_ExtraCellsGetTheirOwnColumns(t *testing.T) {
	t.Parallel()
	td := readString(t, "r.csv", "a,b\n1,2\n3,4,x,y\n", Options{})
	var names []string
	for _, c := range td.Def.Columns {
		names = append(names, c.Name)
	}
	if !reflect.DeepEqual(names, []string{"a", "b", "extra_1", "extra_2"}) {
		t.Errorf("names %q", names)
	}
	if !reflect.DeepEqual(td.Rows[1], []any{int64(3), int64(4), "x", "y"}) || td.Rows[0][2] != nil {
		t.Errorf("rows %v", td.Rows)
	}
	wantWarnings(t, td, "extra_1 to extra_2")
}

func TestRead_EmptyExtraCellsAreDroppedWithAWarning(t *testing.T) {
	t.Parallel()
	td := readString(t, "r.csv", "a,b\n1,2,\n3,4,\n", Options{})
	if len(td.Def.Columns) != 2 || !hasWarning(td, "all empty and were dropped") {
		t.Errorf("columns %v warnings %q", td.Def.Columns, td.Warnings)
	}
}

func TestRead_Options(t *testing.T) {
	t.Parallel()
	in := "a;b\n1;2\n3;4\n5;6\n"
	td := readString(t, "dir/My File.csv", in, Options{MaxRows: 2})
	if td.Def.Name != "my_file" || td.Def.Original != "dir/My File.csv" || len(td.Rows) != 2 || !hasWarning(td, "first 2 of 3 rows") {
		t.Errorf("got %+v", td)
	}
	td = readString(t, "x.csv", in, Options{TableName: "given", Comma: ','})
	if td.Def.Name != "given" || len(td.Def.Columns) != 1 || td.Def.Columns[0].Original != "a;b" {
		t.Errorf("got %+v", td.Def)
	}
	td = readString(t, "x.tsv", "a\tb\n\"q\"\tx\\ny\n", Options{})
	if td.Rows[0][0] != `"q"` || td.Rows[0][1] != "x\ny" {
		t.Errorf("tsv dialect: %v", td.Rows)
	}
}

func TestReadDir_FallsBackToTSVTwinAndReportsUnreadableFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("2.csv", "a\n1\n")
	write("10.csv", "a,b\n\"broken\n")
	write("10.tsv", "a\tb\nbroken\tx\n")
	write("11.csv", "\"never closed\n")
	write("3.tsv", "a\n1\n")
	write("notes.txt", "not a table")
	tables, fileErrs, err := ReadDir(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, td := range tables {
		names = append(names, td.Def.Name)
	}
	if want := []string{"t_2", "t_3", "t_10"}; !reflect.DeepEqual(names, want) {
		t.Errorf("tables %q, want %q", names, want)
	}
	if !hasWarning(tables[2], "10.tsv because the .csv failed") {
		t.Errorf("twin warning missing: %q", tables[2].Warnings)
	}
	if len(fileErrs) != 1 || !strings.HasSuffix(fileErrs[0].File, "11.csv") || !errors.Is(fileErrs[0].Err, ErrUnterminatedQuote) {
		t.Errorf("file errors %v", fileErrs)
	}
	if _, _, err := ReadDir(filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Error("a missing folder should be an error")
	}
}

func TestNaturalLess(t *testing.T) {
	t.Parallel()
	names := []string{"10.csv", "2.csv", "a10", "a9", "1.csv"}
	want := []string{"1.csv", "2.csv", "10.csv", "a9", "a10"}
	got := append([]string(nil), names...)
	sortNatural(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q", got)
	}
}

func sortNatural(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && naturalLess(s[j], s[j-1]); j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
