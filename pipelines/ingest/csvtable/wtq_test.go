package csvtable

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec"
)

// wtqDir is the shared WikiTableQuestions copy, seen from this package's folder.
var wtqDir = filepath.Join("..", "..", "..", "..", "shared", "data", "wtq")

func wtqFolder(t *testing.T, sub ...string) string {
	t.Helper()
	dir := filepath.Join(append([]string{wtqDir}, sub...)...)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("WikiTableQuestions data not found at %s (shared/data/wtq beside the repository): %v", dir, err)
	}
	return dir
}

func csvFiles(t *testing.T, folder string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(folder, "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .csv files in %s: %v", folder, err)
	}
	return files
}

// TestWTQ_EveryTableReadsAndAgreesWithItsTSVTwin cross-checks the quote handling: the CSV and the
// TSV are different escapings of the same table, so both readings must give the same columns,
// types and cells.
func TestWTQ_EveryTableReadsAndAgreesWithItsTSVTwin(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"200-csv", "201-csv"} {
		folder := wtqFolder(t, "csv", sub)
		for _, csvPath := range csvFiles(t, folder) {
			t.Run(sub+"/"+filepath.Base(csvPath), func(t *testing.T) {
				fromCSV, err := ReadFile(csvPath, Options{})
				if err != nil {
					t.Fatalf("csv: %v", err)
				}
				fromTSV, err := ReadFile(strings.TrimSuffix(csvPath, ".csv")+".tsv", Options{})
				if err != nil {
					t.Fatalf("tsv: %v", err)
				}
				if len(fromCSV.Def.Columns) != len(fromTSV.Def.Columns) {
					t.Fatalf("csv has %d columns, tsv %d", len(fromCSV.Def.Columns), len(fromTSV.Def.Columns))
				}
				if !reflect.DeepEqual(fromCSV.Def.Columns, fromTSV.Def.Columns) {
					t.Errorf("columns differ:\ncsv %+v\ntsv %+v", fromCSV.Def.Columns, fromTSV.Def.Columns)
				}
				if len(fromCSV.Rows) != len(fromTSV.Rows) {
					t.Fatalf("csv has %d rows, tsv %d", len(fromCSV.Rows), len(fromTSV.Rows))
				}
				nbsp := 0
				for r := range fromCSV.Rows {
					for c := range fromCSV.Rows[r] {
						a, b := fromCSV.Rows[r][c], fromTSV.Rows[r][c]
						if reflect.DeepEqual(a, b) {
							continue
						}
						// The WikiTableQuestions TSVs keep the no-break spaces of the wiki page where
						// the CSVs have plain spaces; that is the only difference allowed.
						if sa, ok := a.(string); ok {
							if sb, ok := b.(string); ok && sa == strings.ReplaceAll(sb, "\u00a0", " ") {
								nbsp++
								continue
							}
						}
						t.Errorf("row %d column %s: csv %#v, tsv %#v", r+1, fromCSV.Def.Columns[c].Name, a, b)
					}
				}
				if nbsp > 0 {
					t.Logf("%d cells differ only by no-break spaces (tsv) vs spaces (csv)", nbsp)
				}
				checkTable(t, fromCSV)
			})
		}
	}
}

// checkTable asserts what every table must satisfy whatever its content.
func checkTable(t *testing.T, td *sqlexec.TableData) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range td.Def.Columns {
		if seen[c.Name] || len(c.Name) > maxIdentLen || c.Name != cleanIdent(c.Name) || c.Name[0] >= '0' && c.Name[0] <= '9' || sqlexec.ReservedWord(c.Name) {
			t.Errorf("bad or duplicate column name %q", c.Name)
		}
		seen[c.Name] = true
		if strings.ContainsAny(c.Original, "\n\r") {
			t.Errorf("original header %q keeps a newline", c.Original)
		}
	}
	for r, row := range td.Rows {
		if len(row) != len(td.Def.Columns) {
			t.Fatalf("row %d has %d values for %d columns", r+1, len(row), len(td.Def.Columns))
		}
		for c, v := range row {
			if v == nil && td.Def.Columns[c].NotNull {
				t.Errorf("row %d: NULL in NOT NULL column %s", r+1, td.Def.Columns[c].Name)
			}
			if v != nil && !valueMatches(td.Def.Columns[c].Type, v) {
				t.Errorf("row %d: %T in %s column %s", r+1, v, td.Def.Columns[c].Type, td.Def.Columns[c].Name)
			}
		}
	}
}

func TestWTQ_HandPickedTables(t *testing.T) {
	t.Parallel()
	folder := wtqFolder(t, "csv")
	type col struct {
		name, original string
		typ            sqlexec.ColumnType
	}
	tests := []struct {
		file   string
		cols   []col          // a prefix of the columns, or the columns named in pick
		pick   []int          // indexes of cols when not a prefix
		values map[[2]int]any // (row, column) → value, 0-based
		rows   int            // expected row count, 0: not checked
		warn   []string       // substrings of expected warnings
	}{
		{
			// Headers with newlines inside the quotes: "Chart-Positions\nUK".
			file: "200-csv/0.csv",
			cols: []col{{"year", "Year", sqlexec.TypeInteger}, {"title", "Title", sqlexec.TypeText},
				{"chart_positions_uk", "Chart-Positions UK", sqlexec.TypeInteger},
				{"chart_positions_us", "Chart-Positions US", sqlexec.TypeInteger},
				{"chart_positions_nl", "Chart-Positions NL", sqlexec.TypeInteger}, {"comments", "Comments", sqlexec.TypeText}},
			values: map[[2]int]any{{0, 0}: int64(1969), {0, 2}: int64(60), {0, 3}: nil, {1, 5}: "1976 (UK)", {0, 5}: ""},
			warn:   []string{`column "chart_positions_us": `, `placeholder cells ("–") stored as NULL`},
		},
		{
			// Duplicate headers.
			file:   "200-csv/24.csv",
			cols:   []col{{"film", "Film", sqlexec.TypeText}, {"film_2", "Film", sqlexec.TypeText}, {"date", "Date", sqlexec.TypeText}},
			values: map[[2]int]any{{0, 0}: "Kodachrome film", {0, 1}: "16 mm, daylight (ASA 10) & Type A (ASA 16)", {0, 2}: "1935–1962"},
		},
		{
			// Digits first, newline and £ in headers; "+ 3.6" signed decimals.
			file: "200-csv/25.csv",
			cols: []col{{"service", "Service", sqlexec.TypeText},
				{"c_2012_13_total_cost_gbp_million", "2012/13 Total Cost (£million)", sqlexec.TypeNumeric},
				{"comparison_with_2011_12_gbp_million", "Comparison with 2011/12 (£million)", sqlexec.TypeNumeric}},
			values: map[[2]int]any{{0, 0}: "BBC Radio 1", {0, 1}: "54.2", {0, 2}: "3.6", {5, 2}: "-1", {9, 1}: "13"},
		},
		{
			// "12,467"-style thousand separators and a # header.
			file: "200-csv/10.csv",
			cols: []col{{"year", "year", sqlexec.TypeInteger}, {"deaths", "deaths", sqlexec.TypeInteger},
				{"num_of_accidents", "# of accidents", sqlexec.TypeInteger}},
			values: map[[2]int]any{{0, 0}: int64(2012), {2, 1}: int64(1115)},
		},
		{
			// Percentages, and thousand separators in every count.
			file: "200-csv/28.csv",
			cols: []col{{"party", "Party", sqlexec.TypeText}, {"active_voters", "Active voters", sqlexec.TypeInteger},
				{"inactive_voters", "Inactive voters", sqlexec.TypeInteger}, {"total_voters", "Total voters", sqlexec.TypeInteger},
				{"percentage", "Percentage", sqlexec.TypeNumeric}},
			values: map[[2]int]any{{0, 1}: int64(13916), {0, 4}: "25.61", {3, 4}: "0.19"},
			warn:   []string{`column "percentage": 5 percentages stored as numbers`},
		},
		{
			// Footnote marks: a "Link" column of only [1], [2], … stays text, verbatim.
			file: "201-csv/35.csv",
			cols: []col{{"name", "Name", sqlexec.TypeText}, {"country", "Country", sqlexec.TypeText},
				{"ambassador_since", "Ambassador since", sqlexec.TypeText}},
			values: map[[2]int]any{{0, 4}: "[1]"},
		},
		{
			// Backslash-escaped quotes and a № header; ranks with an ordinal dot elsewhere.
			file:   "201-csv/39.csv",
			cols:   []col{{"num", "№", sqlexec.TypeInteger}, {"title", "Title", sqlexec.TypeText}, {"directed_by", "Directed by:", sqlexec.TypeText}, {"released", "Released:", sqlexec.TypeInteger}},
			values: map[[2]int]any{{0, 1}: `"Kloot's Kounty"`, {0, 3}: int64(1973)},
		},
		{
			// Ordinal ranks "1." and dollar amounts.
			file:   "201-csv/19.csv",
			cols:   []col{{"rank", "Rank", sqlexec.TypeInteger}, {"title", "Title", sqlexec.TypeText}},
			pick:   []int{0, 1},
			values: map[[2]int]any{{0, 0}: int64(1), {0, 5}: int64(163214286), {0, 1}: "The Sound of Music*"},
			warn:   []string{`column "rank": trailing "." dropped`, `column "gross": currency sign "$" dropped from 24 values`},
		},
		{
			// Empty header cell; en dash minus in goal difference.
			file:   "201-csv/17.csv",
			cols:   []col{{"column_1", "", sqlexec.TypeInteger}, {"landmark_name", "Landmark name", sqlexec.TypeText}},
			values: map[[2]int]any{{0, 0}: int64(1)},
		},
		{
			file:   "200-csv/4.csv",
			cols:   []col{{"team", "Team", sqlexec.TypeText}, {"p", "P", sqlexec.TypeInteger}},
			values: map[[2]int]any{{0, 7}: int64(23), {3, 7}: int64(-7)},
		},
		{
			// Zero-padded binary codes stay text.
			file:   "200-csv/41.csv",
			cols:   []col{{"number", "Number", sqlexec.TypeText}, {"encoding", "Encoding", sqlexec.TypeText}, {"implied_probability", "Implied probability", sqlexec.TypeText}},
			values: map[[2]int]any{{1, 1}: "010"},
		},
		{
			// Dates written out in full; from/to are reserved words.
			file: "201-csv/1.csv",
			cols: []col{{"from_col", "From", sqlexec.TypeInteger}, {"to_col", "To", sqlexec.TypeInteger}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			td, err := ReadFile(filepath.Join(folder, tt.file), Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tt.cols {
				k := i
				if tt.pick != nil {
					k = tt.pick[i]
				}
				if k >= len(td.Def.Columns) {
					t.Fatalf("only %d columns", len(td.Def.Columns))
				}
				got := td.Def.Columns[k]
				if got.Name != want.name || got.Original != want.original || got.Type != want.typ {
					t.Errorf("column %d = {%q %q %s}, want {%q %q %s}", k, got.Name, got.Original, got.Type, want.name, want.original, want.typ)
				}
			}
			for at, want := range tt.values {
				if got := td.Rows[at[0]][at[1]]; !reflect.DeepEqual(got, want) {
					t.Errorf("row %d column %d = %#v, want %#v", at[0], at[1], got, want)
				}
			}
			for _, w := range tt.warn {
				if !hasWarning(td, w) {
					t.Errorf("no warning containing %q in %q", w, td.Warnings)
				}
			}
		})
	}
}

func TestWTQ_ReadDirReadsEveryCSV(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"200-csv", "201-csv"} {
		folder := wtqFolder(t, "csv", sub)
		tables, fileErrs, err := ReadDir(folder, Options{})
		if err != nil || len(fileErrs) != 0 {
			t.Fatalf("%s: err %v, file errors %v", sub, err, fileErrs)
		}
		if want := len(csvFiles(t, folder)); len(tables) != want {
			t.Errorf("%s: %d tables, want %d", sub, len(tables), want)
		}
		t.Log(summary(sub, tables))
	}
}

func TestWTQ_ReadTreeReadsTheReleaseLayout(t *testing.T) {
	t.Parallel()
	folder := wtqFolder(t, "csv")
	root := t.TempDir()
	put := func(name, from string) {
		var data []byte
		if from != "" {
			var err error
			if data, err = os.ReadFile(from); err != nil {
				t.Fatal(err)
			}
		}
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, sub := range []string{"200-csv", "201-csv"} {
		matches, _ := filepath.Glob(filepath.Join(folder, sub, "*.?sv"))
		for _, m := range matches {
			if strings.HasSuffix(m, ".csv") {
				total++
			}
			put("WikiTableQuestions/csv/"+sub+"/"+filepath.Base(m), m)
		}
	}
	put("WikiTableQuestions/csv/999-csv/broken.csv", "")
	put("__MACOSX/WikiTableQuestions/csv/._x.csv", "")

	tables, fileErrs, err := ReadTree(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != total {
		t.Errorf("%d tables, want %d (one per csv/tsv pair)", len(tables), total)
	}
	if len(fileErrs) != 1 || fileErrs[0].File != "WikiTableQuestions/csv/999-csv/broken.csv" {
		t.Errorf("file errors %v", fileErrs)
	}
	names := map[string]string{}
	for _, td := range tables {
		if prev, ok := names[td.Def.Name]; ok {
			t.Errorf("table name %s used by %s and %s", td.Def.Name, prev, td.Def.Original)
		}
		names[td.Def.Name] = td.Def.Original
	}
	if got := names["t_200_csv_0"]; got != "WikiTableQuestions/csv/200-csv/0.csv" {
		t.Errorf("t_200_csv_0 is %q", got)
	}
}

func TestReadWTQQuestions(t *testing.T) {
	t.Parallel()
	dir := wtqFolder(t)
	qs, err := ReadWTQQuestions(filepath.Join(dir, "questions.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 256 {
		t.Errorf("%d questions, want 256", len(qs))
	}
	ids := map[string]bool{}
	for _, q := range qs {
		if q.ID == "" || q.Utterance == "" || len(q.TargetValues) == 0 || ids[q.ID] {
			t.Errorf("bad or duplicate question %+v", q)
		}
		ids[q.ID] = true
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(q.Context))); err != nil {
			t.Errorf("%s: context %s: %v", q.ID, q.Context, err)
		}
	}
	for _, q := range qs {
		if q.ID == "nt-975" && !reflect.DeepEqual(q.TargetValues, []string{"1", "010", "011", "00100", "00101"}) {
			t.Errorf("nt-975 targets %q", q.TargetValues)
		}
	}
}

// summary counts what a folder gave: tables, columns by type and warnings.
func summary(name string, tables []*sqlexec.TableData) string {
	byType := map[sqlexec.ColumnType]int{}
	cols, warnings, rows := 0, 0, 0
	for _, td := range tables {
		cols += len(td.Def.Columns)
		rows += len(td.Rows)
		warnings += len(td.Warnings)
		for _, c := range td.Def.Columns {
			byType[c.Type]++
		}
	}
	var parts []string
	for typ, n := range byType {
		parts = append(parts, fmt.Sprintf("%s=%d", typ, n))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%s: %d tables, %d rows, %d columns (%s), %d warnings",
		name, len(tables), rows, cols, strings.Join(parts, " "), warnings)
}
