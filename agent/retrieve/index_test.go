package retrieve_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/goldset/goldset/agent/retrieve"
	"github.com/goldset/goldset/store"
)

// table describes a table as the registry stores it.
func table(pos int, name, original string, cols [][2]string, fks ...string) store.DBTable {
	type col struct {
		Name     string `json:"name"`
		Original string `json:"original,omitempty"`
		Type     string `json:"type"`
	}
	var cs []col
	for _, c := range cols {
		cs = append(cs, col{Name: c[0], Type: c[1]})
	}
	cj, _ := json.Marshal(cs)
	type fk struct {
		Columns    []string `json:"columns"`
		RefTable   string   `json:"ref_table"`
		RefColumns []string `json:"ref_columns"`
	}
	var fs []fk
	for _, ref := range fks {
		fs = append(fs, fk{Columns: []string{ref + "_id"}, RefTable: ref, RefColumns: []string{"id"}})
	}
	fj, _ := json.Marshal(fs)
	return store.DBTable{Position: pos, Name: name, Original: original, RowCount: 10, Columns: cj, ForeignKeys: fj}
}

func soccerIndex(t *testing.T) *retrieve.Index {
	t.Helper()
	tables := []store.DBTable{
		table(0, "t_1", "200-csv/1.csv", [][2]string{{"season", "bigint"}, {"division", "text"}, {"league", "text"}}),
		table(1, "singer", "", [][2]string{{"id", "bigint"}, {"name", "text"}, {"country", "text"}}),
		table(2, "concert", "", [][2]string{{"id", "bigint"}, {"concert_name", "text"}, {"stadium_id", "bigint"}}, "stadium"),
		table(3, "stadium", "", [][2]string{{"id", "bigint"}, {"location", "text"}, {"capacity", "bigint"}}),
		table(4, "singer_in_concert", "", [][2]string{{"concert_id", "bigint"}, {"singer_id", "bigint"}}, "singer", "concert"),
		table(5, "weather", "Climate of Haifa", [][2]string{{"month", "text"}, {"jan", "text"}, {"dec", "text"}}),
	}
	ix, err := retrieve.Build(tables, map[int]retrieve.Values{
		0: {"league": {"USL A-League", "USL First Division"}, "division": {"2"}},
		1: {"name": {"Joe Sharp", "Timbaland"}, "country": {"France", "Netherlands"}},
		3: {"location": {"Raith Rovers", "Glasgow"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func TestSearch_FindsTablesByTheirValues(t *testing.T) {
	t.Parallel()
	ix := soccerIndex(t)
	hits := ix.Search("usl a-league", 3)
	if len(hits) == 0 || hits[0].Table != "t_1" {
		t.Fatalf("hits: %+v", hits)
	}
	m := hits[0].Matches
	if len(m) == 0 || m[0].Field != retrieve.FieldColumn && m[0].Field != retrieve.FieldValue {
		t.Fatalf("matches: %+v", m)
	}
	found := false
	for _, x := range m {
		if x.Field == retrieve.FieldValue && x.Column == "league" && x.Text == "USL A-League" {
			found = true
		}
	}
	if !found {
		t.Errorf("the value that matched is not shown: %+v", m)
	}
}

func TestSearch_ReadsAnUnfinishedWordAsAPrefix(t *testing.T) {
	t.Parallel()
	ix := soccerIndex(t)
	hits := ix.Search("timba", 5)
	if len(hits) != 1 || hits[0].Table != "singer" || hits[0].Matches[0].Text != "Timbaland" {
		t.Fatalf("hits: %+v", hits)
	}
	if hits := ix.Search("zzzz qqqq", 5); len(hits) != 0 {
		t.Fatalf("nothing matches, got %+v", hits)
	}
}

func TestSearch_ReadsAWordFoundNowhereAsAMisspelling(t *testing.T) {
	t.Parallel()
	ix := soccerIndex(t)
	// One edit away: a transposition, a deletion, an insertion, a substitution.
	for _, q := range []string{"stadimu", "stdium", "staddium", "stodium"} {
		hits := ix.Search(q, 5)
		if len(hits) == 0 || hits[0].Table != "stadium" {
			t.Errorf("%q: hits %+v", q, hits)
		}
	}
	// Two edits away, or a word indexed as it is: no guessing.
	if hits := ix.Search("stdum", 5); len(hits) != 0 {
		t.Errorf("two edits away matched %+v", hits)
	}
	if hits := ix.Search("league", 5); len(hits) != 1 || hits[0].Table != "t_1" {
		t.Errorf("an indexed word: %+v", hits)
	}
}

func TestSearch_IrregularPastFormsFindTheirVerb(t *testing.T) {
	t.Parallel()
	tables := []store.DBTable{
		table(0, "awards", "", [][2]string{{"year", "bigint"}, {"award", "text"}, {"result", "text"}}),
		table(1, "races", "", [][2]string{{"year", "bigint"}, {"runner", "text"}}),
	}
	ix, err := retrieve.Build(tables, map[int]retrieve.Values{0: {"result": {"Won", "Nominated"}}})
	if err != nil {
		t.Fatal(err)
	}
	if hits := ix.Search("which year did they win", 5); len(hits) == 0 || hits[0].Table != "awards" {
		t.Errorf("win → Won: %+v", hits)
	}
	// "ran" is "run", the start of "runner".
	if hits := ix.Search("who ran", 5); len(hits) == 0 || hits[0].Table != "races" {
		t.Errorf("ran → run…: %+v", hits)
	}
}

// A question typed without accents finds the values written with them, and the other way round.
func TestSearch_AccentsDoNotMatter(t *testing.T) {
	t.Parallel()
	tables := []store.DBTable{
		table(0, "cities", "", [][2]string{{"city", "text"}, {"country", "text"}}),
		table(1, "clubs", "", [][2]string{{"club", "text"}}),
	}
	ix, err := retrieve.Build(tables, map[int]retrieve.Values{
		0: {"city": {"Zürich", "São Tomé", "Malmö"}, "country": {"Switzerland"}},
		1: {"club": {"Sao Paulo FC", "Atletico Madrid"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{"zurich": "Zürich", "SAO TOME": "São Tomé", "malmo": "Malmö", "São Paulo": "Sao Paulo FC", "Atlético": "Atletico Madrid"} {
		hits := ix.Search(q, 1)
		if len(hits) == 0 || len(hits[0].Matches) == 0 || hits[0].Matches[0].Text != want {
			t.Errorf("%q: hits %+v, want the value %q", q, hits, want)
		}
	}
}

// A column whose name does not say what it holds is found by the kind of its values: "Office" of
// years, "When" of dates, "Team" of countries, "Placed" of timestamps.
func TestSearch_ColumnsAreFoundByTheKindOfTheirValues(t *testing.T) {
	t.Parallel()
	tables := []store.DBTable{
		table(0, "mayors", "", [][2]string{{"name", "text"}, {"office", "text"}}),
		table(1, "concerts", "", [][2]string{{"act", "text"}, {"when", "text"}}),
		table(2, "standings", "", [][2]string{{"team", "text"}, {"pts", "bigint"}}),
		table(3, "clubs", "", [][2]string{{"club", "text"}, {"ground", "text"}}),
		table(4, "orders", "", [][2]string{{"placed", "text"}, {"total", "bigint"}}),
	}
	ix, err := retrieve.Build(tables, map[int]retrieve.Values{
		0: {"name": {"Ole Olsen", "Peder Kleppe"}, "office": {"1886–1901", "1902–1919", "1920–25"}},
		1: {"act": {"Oasis", "R.E.M."}, "when": {"June 2006", "July 2002", "12 September 2002"}},
		2: {"team": {"Sweden", "Spain (ESP)", "Soviet Union"}, "pts": {"10", "7"}},
		3: {"club": {"Raith Rovers", "Georgia Tech"}, "ground": {"Stark's Park", "1987 Stadium", "Bobby Dodd"}},
		4: {"placed": {"2009-11-05 10:30:00", "2010-01-17 08:00:00", "2010-02-01 12:15:00"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, table, column, holds string }{
		{"who was in office for 9 years", "mayors", "office", "years"},
		{"how many concerts in the month of june", "concerts", "when", "dates"},
		{"which country scored most", "standings", "team", "countries"},
		{"the latest order date", "orders", "placed", "dates"},
	} {
		hits := ix.Search(c.query, 5)
		if len(hits) == 0 || hits[0].Table != c.table {
			t.Errorf("%q: hits %+v", c.query, hits)
			continue
		}
		found := false
		for _, m := range hits[0].Matches {
			found = found || m == retrieve.Match{Field: retrieve.FieldKind, Column: c.column, Text: c.holds}
		}
		if !found {
			t.Errorf("%q: %s holds %s is not shown: %+v", c.query, c.column, c.holds, hits[0].Matches)
		}
	}
	// A column of mostly other things is no kind: one year among club grounds says nothing.
	hits := ix.Search("which year", 5)
	if len(hits) != 1 || hits[0].Table != "mayors" {
		t.Errorf("which year: want the mayors alone, got %+v", hits)
	}
}

func TestSearch_SpelledOutWordsFindAbbreviatedColumns(t *testing.T) {
	t.Parallel()
	tables := []store.DBTable{
		table(0, "cars_data", "", [][2]string{{"id", "bigint"}, {"mpg", "double precision"}, {"weight", "bigint"}}),
		table(1, "car_names", "", [][2]string{{"make_id", "bigint"}, {"model", "text"}}),
	}
	ix, err := retrieve.Build(tables, map[int]retrieve.Values{1: {"model": {"Pos", "Cat"}}})
	if err != nil {
		t.Fatal(err)
	}
	hits := ix.Search("most miles per gallon", 5)
	if len(hits) != 1 || hits[0].Table != "cars_data" || len(hits[0].Matches) != 1 || hits[0].Matches[0].Column != "mpg" {
		t.Fatalf("hits: %+v", hits)
	}
	// Values are read as they are: a value "Pos" is no position.
	if hits := ix.Search("position", 5); len(hits) != 0 {
		t.Errorf("a value was expanded: %+v", hits)
	}
}

func TestSearch_MonthNamesFindMonthColumns(t *testing.T) {
	t.Parallel()
	ix := soccerIndex(t)
	hits := ix.Search("december", 5)
	if len(hits) != 1 || hits[0].Table != "weather" {
		t.Fatalf("hits: %+v", hits)
	}
}

func TestSelect_JoinsPullInTablesAForeignKeyConnects(t *testing.T) {
	t.Parallel()
	ix := soccerIndex(t)
	sel := ix.Select(context.Background(), retrieve.Request{Question: "Which singers from France sang in a concert?", K: 2})
	if sel.Method != retrieve.MethodLexical {
		t.Fatalf("method %s", sel.Method)
	}
	want := map[string]bool{"singer": true, "concert": true, "singer_in_concert": true}
	for _, tb := range sel.Tables {
		delete(want, tb)
	}
	if len(want) > 0 || len(sel.Joined) == 0 || len(sel.Tables) > 3 {
		t.Fatalf("tables %v, joined %v: missing %v", sel.Tables, sel.Joined, want)
	}
}

func TestSelect_KnownTablesStayAndScopeOnlyKeepsToThem(t *testing.T) {
	t.Parallel()
	ix := soccerIndex(t)
	ctx := context.Background()
	sel := ix.Select(ctx, retrieve.Request{Question: "Which singers are from France?", K: 2, Known: []string{"t_1"}})
	if sel.Tables[0] != "t_1" || len(sel.Known) != 1 || !has(sel.Tables, "singer") {
		t.Fatalf("known table not kept first, or the search stopped: %+v", sel)
	}
	sel = ix.Select(ctx, retrieve.Request{Question: "Which singers are from France?", K: 2, Known: []string{"T_1"}, ScopeOnly: true})
	if sel.Method != retrieve.MethodScope || len(sel.Tables) != 1 || sel.Tables[0] != "t_1" {
		t.Fatalf("scope only: %+v", sel)
	}
	sel = ix.Select(ctx, retrieve.Request{Question: "anything", K: 8})
	if sel.Method != retrieve.MethodAll || len(sel.Tables) != 6 {
		t.Fatalf("small database: %+v", sel)
	}
}

func TestSelect_HybridFusesEmbeddingsAndFallsBackWithoutThem(t *testing.T) {
	t.Parallel()
	ix := soccerIndex(t)
	ctx := context.Background()
	calls := 0
	dense := &retrieve.Embedder{Model: "m", Embed: func(_ context.Context, texts []string) ([][]float32, error) {
		calls++
		out := make([][]float32, len(texts))
		for i, s := range texts {
			// The question and the weather table point the same way; everything else elsewhere.
			if s == "Is it cold in winter?" || len(s) >= 7 && s[:7] == "weather" {
				out[i] = []float32{1, 0}
			} else {
				out[i] = []float32{0, 1}
			}
		}
		return out, nil
	}}
	sel := ix.Select(ctx, retrieve.Request{Question: "Is it cold in winter?", K: 1, Dense: dense})
	if sel.Method != retrieve.MethodHybrid || !has(sel.Tables, "weather") {
		t.Fatalf("hybrid: %+v", sel)
	}
	ix.Select(ctx, retrieve.Request{Question: "Is it cold in winter?", K: 1, Dense: dense})
	if calls != 3 { // the tables once, the question twice
		t.Errorf("%d embedding calls, want the tables' vectors cached", calls)
	}
	failing := &retrieve.Embedder{Model: "x", Embed: func(context.Context, []string) ([][]float32, error) {
		return nil, context.DeadlineExceeded
	}}
	sel = ix.Select(ctx, retrieve.Request{Question: "usl league", K: 1, Dense: failing})
	if sel.Method != retrieve.MethodLexical || sel.DenseError == nil || sel.Tables[0] != "t_1" {
		t.Fatalf("fallback: %+v", sel)
	}
}

func has(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
