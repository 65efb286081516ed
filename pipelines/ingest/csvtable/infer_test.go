package csvtable

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/goldset/goldset/sqlexec"
)

func TestInferColumn_Types(t *testing.T) {
	t.Parallel()
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		cells    []string
		typ      sqlexec.ColumnType
		values   []any
		warnings []string
	}{
		{"integers with separators and signs", []string{"12,467", "+23", "–7", "−5", "+ 3", "0"},
			sqlexec.TypeInteger, []any{int64(12467), int64(23), int64(-7), int64(-5), int64(3), int64(0)}, nil},
		{"placeholders become NULL in a typed column", []string{"60", "–", "", "—", "10"},
			sqlexec.TypeInteger, []any{int64(60), nil, nil, nil, int64(10)},
			[]string{`2 placeholder cells ("–", "—") stored as NULL`}},
		{"decimals are exact numeric", []string{"54.2", "1,234.50", ".7", "-0.25", "76"},
			sqlexec.TypeNumeric, []any{"54.2", "1234.50", "0.7", "-0.25", "76"}, nil},
		{"exponents make a float", []string{"1.5e3", "2"}, sqlexec.TypeFloat, []any{1500.0, 2.0}, nil},
		{"footnotes stripped and counted", []string{"1,234[2]", "17 [a]", "5[citation needed]", "6"},
			sqlexec.TypeInteger, []any{int64(1234), int64(17), int64(5), int64(6)},
			[]string{`footnote marks stripped from 3 cells (e.g. "1,234[2]")`}},
		{"ordinal dots", []string{"1.", "2.", "10."}, sqlexec.TypeInteger, []any{int64(1), int64(2), int64(10)},
			[]string{`trailing "." dropped from 3 whole numbers (e.g. "1.")`}},
		{"percentages", []string{"25.61%", "38.05%", "100%"}, sqlexec.TypeNumeric, []any{"25.61", "38.05", "100"},
			[]string{"3 percentages stored as numbers without the % sign"}},
		{"one currency throughout", []string{"$163,214,286", "$8,000,000", "—"}, sqlexec.TypeInteger,
			[]any{int64(163214286), int64(8000000), nil},
			[]string{`1 placeholder cells ("—") stored as NULL`, `currency sign "$" dropped from 2 values`}},
		{"mixed currencies stay text", []string{"$5", "£5"}, sqlexec.TypeText, []any{"$5", "£5"}, nil},
		{"percent mixed with counts stays text", []string{"1,282", "89.7%"}, sqlexec.TypeText, []any{"1,282", "89.7%"}, nil},
		{"zero padded codes stay text", []string{"1", "010", "00100"}, sqlexec.TypeText, []any{"1", "010", "00100"}, nil},
		{"scores and ranges stay text", []string{"2–1", "1997–98", "3"}, sqlexec.TypeText, []any{"2–1", "1997–98", "3"}, nil},
		{"a footnote alone is not a number", []string{"[1]", "[2]"}, sqlexec.TypeText, []any{"[1]", "[2]"}, nil},
		{"text keeps placeholders and empties verbatim", []string{"  Renaissance ", "—", "", "n/a"},
			sqlexec.TypeText, []any{"Renaissance", "—", "", "n/a"}, nil},
		{"dates in several forms", []string{"2008-05-23", "May 23, 2008", "23 May 2008", "1 January 1926", "—"},
			sqlexec.TypeDate, []any{date(2008, 5, 23), date(2008, 5, 23), date(2008, 5, 23), date(1926, 1, 1), nil},
			[]string{`1 placeholder cells ("—") stored as NULL`}},
		{"one non-date keeps the column text", []string{"July 15, 1982", "June 1985"}, sqlexec.TypeText, []any{"July 15, 1982", "June 1985"}, nil},
		{"timestamps", []string{"2008-05-23 14:30", "2008-05-24"}, sqlexec.TypeTimestamp,
			[]any{time.Date(2008, 5, 23, 14, 30, 0, 0, time.UTC), date(2008, 5, 24)}, nil},
		{"booleans", []string{"Yes", "no", "TRUE", ""}, sqlexec.TypeBoolean, []any{true, false, true, nil}, nil},
		{"all empty is text", []string{"", ""}, sqlexec.TypeText, []any{"", ""}, nil},
		{"placeholders only is text", []string{"—", "—"}, sqlexec.TypeText, []any{"—", "—"}, nil},
		{"beyond int64 is numeric", []string{"123456789012345678901234", "1"}, sqlexec.TypeNumeric, []any{"123456789012345678901234", "1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cells := make([]*string, len(tt.cells))
			for i := range tt.cells {
				cells[i] = &tt.cells[i]
			}
			col := inferColumn(cells)
			if col.typ != tt.typ {
				t.Fatalf("type %s, want %s (values %v)", col.typ, tt.typ, col.values)
			}
			if !reflect.DeepEqual(col.values, tt.values) {
				t.Errorf("values %#v, want %#v", col.values, tt.values)
			}
			if !reflect.DeepEqual(col.warnings, tt.warnings) {
				t.Errorf("warnings %q, want %q", col.warnings, tt.warnings)
			}
		})
	}
}

func TestInferColumn_MissingCellsAreNullAndNotNullIsReported(t *testing.T) {
	t.Parallel()
	a, b := "1", "2"
	col := inferColumn([]*string{&a, nil, &b})
	if col.typ != sqlexec.TypeInteger || col.values[1] != nil || col.notNull {
		t.Errorf("got %s %v notNull=%v", col.typ, col.values, col.notNull)
	}
	col = inferColumn([]*string{&a, &b})
	if !col.notNull {
		t.Error("a full column should be NOT NULL")
	}
}

func TestInferColumn_TypedValuesMatchTheirType(t *testing.T) {
	t.Parallel()
	// Every value of a typed column is nil or of the Go type sqlexec.TableData documents.
	inputs := [][]string{{"1", "2.5"}, {"1", "-"}, {"2001-01-01"}, {"yes"}, {"x", "1"}}
	for _, in := range inputs {
		cells := make([]*string, len(in))
		for i := range in {
			cells[i] = &in[i]
		}
		col := inferColumn(cells)
		for _, v := range col.values {
			if v != nil && !valueMatches(col.typ, v) {
				t.Errorf("%q: %s column holds %T", strings.Join(in, ","), col.typ, v)
			}
		}
	}
}

func valueMatches(typ sqlexec.ColumnType, v any) bool {
	switch v.(type) {
	case int64:
		return typ == sqlexec.TypeInteger
	case float64:
		return typ == sqlexec.TypeFloat
	case string:
		return typ == sqlexec.TypeText || typ == sqlexec.TypeNumeric
	case bool:
		return typ == sqlexec.TypeBoolean
	case time.Time:
		return typ == sqlexec.TypeDate || typ == sqlexec.TypeTimestamp
	}
	return false
}
