package csvtable

import (
	"reflect"
	"strings"
	"testing"
)

func TestColumnNames_CleanUniqueUnquotedIdentifiers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers []string
		want    []string
	}{
		{"snake case", []string{"Year", "Nominated work", "City/market"}, []string{"year", "nominated_work", "city_market"}},
		{"newlines and units", []string{headerText("Tonnage\n(GRT)"), headerText("Area Size\n(km²)")}, []string{"tonnage_grt", "area_size_km2"}},
		{"symbols become words", []string{"# of accidents", "% of votes", "±", "2012/13 Total Cost (£million)", "Pts.", "R&B", "+/-"},
			[]string{"num_of_accidents", "pct_of_votes", "pm", "c_2012_13_total_cost_gbp_million", "pts", "r_and_b", "pm_2"}},
		{"accents transliterated", []string{"Café Größe", "Łódź", "Évreux"}, []string{"cafe_grosse", "lodz", "evreux"}},
		{"digits first", []string{"2001", "1st place"}, []string{"c_2001", "c_1st_place"}},
		{"empty and symbol-only headers", []string{"", "Name", "—", "中文"}, []string{"column_1", "name", "column_3", "column_4"}},
		{"duplicates numbered in order", []string{"Film", "Film", "Date"}, []string{"film", "film_2", "date"}},
		{"a suffix never takes a real column's name", []string{"Film", "Film", "Film_2"}, []string{"film", "film_3", "film_2"}},
		{"reserved words get _col", []string{"Order", "From", "To", "User", "Left", "Group"}, []string{"order_col", "from_col", "to_col", "user_col", "left_col", "group_col"}},
		{"non-reserved keywords are left alone", []string{"Date", "Year", "Position", "Name", "Time"}, []string{"date", "year", "position", "name", "time"}},
		{"underscores collapse", []string{"__a  --  b__"}, []string{"a_b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := columnNames(tt.headers, nil); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("columnNames(%q) = %q, want %q", tt.headers, got, tt.want)
			}
		})
	}
}

func TestColumnNames_AtMost63Bytes(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("very long header ", 10)
	got := columnNames([]string{long, long}, nil)
	for _, n := range got {
		if len(n) > maxIdentLen || strings.HasSuffix(n, "__") {
			t.Errorf("%q: %d bytes", n, len(n))
		}
	}
	if got[0] == got[1] || !strings.HasSuffix(got[1], "_2") {
		t.Errorf("long duplicates not made unique: %q", got)
	}
}

func TestColumnNames_PercentSuffix(t *testing.T) {
	t.Parallel()
	got := columnNames([]string{"Share", "Percentage", "Vote %"}, []string{"pct", "pct", "pct"})
	if want := []string{"share_pct", "percentage", "vote_pct"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTableNameFor(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"csv/200-csv/12.csv": "t_12",
		"Sales 2024.csv":     "sales_2024",
		"order.csv":          "order_tbl",
		`C:\data\Café.tsv`:   "cafe",
		".csv":               "unnamed",
		"--.csv":             "unnamed",
	} {
		if got := TableNameFor(in); got != want {
			t.Errorf("TableNameFor(%q) = %q, want %q", in, got, want)
		}
	}
	if got := tableNameWithParent("csv/201-csv/12.csv"); got != "t_201_csv_12" {
		t.Errorf("tableNameWithParent = %q", got)
	}
}
