package metrics

import (
	"slices"
	"strings"
	"testing"
)

func concertSchema() Schema {
	return Schema{Database: "concert_singer", Tables: []Table{
		{Name: "singer", Columns: []string{"singer_id", "name", "country", "age"}},
		{Name: "concert", Columns: []string{"concert_id", "concert_name", "stadium_id", "year"}},
		{Name: "stadium", Columns: []string{"stadium_id", "name", "capacity", "location"}},
		{Name: "singer_in_concert", Columns: []string{"concert_id", "singer_id"}},
		{Name: "Users", Columns: []string{"id", "Email"}}, // created with quoted names
	}}
}

func TestUsage_ResolvesReferencesAsPostgreSQLDoes(t *testing.T) {
	t.Parallel()
	cat := NewCatalog(concertSchema())
	tests := []struct {
		name       string
		sql        string
		tables     string // comma-separated
		columns    string // comma-separated table.column
		unresolved string
	}{
		{"aliases", "SELECT T1.name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.singer_id = T2.singer_id",
			"singer,singer_in_concert", "singer.name,singer.singer_id,singer_in_concert.singer_id", ""},
		{"unqualified column of the one table that has it", "SELECT concert_name, capacity FROM concert JOIN stadium ON concert.stadium_id = stadium.stadium_id",
			"concert,stadium", "concert.concert_name,concert.stadium_id,stadium.capacity,stadium.stadium_id", ""},
		{"a column two tables have is ambiguous", "SELECT name FROM singer, stadium",
			"singer,stadium", "", "name (ambiguous)"},
		{"count(*) names no column", "SELECT count(*) FROM singer", "singer", "", ""},
		{"star expands to every column in scope", "SELECT * FROM stadium",
			"stadium", "stadium.capacity,stadium.location,stadium.name,stadium.stadium_id", ""},
		{"qualified star expands one table", "SELECT s.* FROM singer_in_concert s JOIN concert c ON c.concert_id = s.concert_id",
			"concert,singer_in_concert", "concert.concert_id,singer_in_concert.concert_id,singer_in_concert.singer_id", ""},
		{"USING names both sides and is not ambiguous afterwards", "SELECT stadium_id, capacity FROM concert JOIN stadium USING (stadium_id)",
			"concert,stadium", "concert.stadium_id,stadium.capacity,stadium.stadium_id", ""},
		{"chained USING", "SELECT count(*) FROM singer JOIN singer_in_concert USING (singer_id) JOIN concert USING (concert_id)",
			"concert,singer,singer_in_concert", "concert.concert_id,singer.singer_id,singer_in_concert.concert_id,singer_in_concert.singer_id", ""},
		{"NATURAL JOIN uses the common columns", "SELECT count(*) FROM concert NATURAL JOIN stadium",
			"concert,stadium", "concert.stadium_id,stadium.stadium_id", ""},
		{"a CTE hides the table of the same name", "WITH singer AS (SELECT stadium_id AS name FROM stadium) SELECT name FROM singer",
			"stadium", "stadium.stadium_id", ""},
		{"CTE columns come from its query", "WITH big AS (SELECT stadium_id, capacity FROM stadium WHERE capacity > 5) SELECT b.capacity, location FROM big b JOIN stadium s ON s.stadium_id = b.stadium_id",
			"stadium", "stadium.capacity,stadium.location,stadium.stadium_id", ""},
		{"subquery in FROM: its output names resolve, its sources are counted inside", "SELECT t.n FROM (SELECT name AS n, age FROM singer WHERE age > 30) AS t",
			"singer", "singer.age,singer.name", ""},
		{"subquery output hides nothing of another table", "SELECT n, capacity FROM (SELECT name AS n FROM singer) s, stadium",
			"singer,stadium", "singer.name,stadium.capacity", ""},
		{"correlated subquery sees the outer alias", "SELECT name FROM stadium s WHERE EXISTS (SELECT 1 FROM concert c WHERE c.stadium_id = s.stadium_id AND year = '2014')",
			"concert,stadium", "concert.stadium_id,concert.year,stadium.name,stadium.stadium_id", ""},
		{"unqualified column from the outer query", "SELECT name FROM stadium WHERE EXISTS (SELECT 1 FROM concert WHERE concert_name = location)",
			"concert,stadium", "concert.concert_name,stadium.location,stadium.name", ""},
		{"the inner table wins over the outer one", "SELECT name FROM singer WHERE age > (SELECT avg(capacity) FROM stadium WHERE name <> 'x')",
			"singer,stadium", "singer.age,singer.name,stadium.capacity,stadium.name", ""},
		{"ORDER BY an output alias", "SELECT country, count(*) AS n FROM singer GROUP BY country ORDER BY n DESC",
			"singer", "singer.country", ""},
		{"set operation, ORDER BY its output", "SELECT name FROM singer UNION SELECT name FROM stadium ORDER BY name",
			"singer,stadium", "singer.name,stadium.name", ""},
		{"unquoted names fold to lower case", "SELECT NAME FROM SINGER WHERE Age > 1",
			"singer", "singer.age,singer.name", ""},
		{"quoted names keep their case", `SELECT "Email" FROM "Users" WHERE id = 1`,
			"Users", "Users.Email,Users.id", ""},
		{"an unquoted name does not match a quoted mixed-case one", "SELECT email FROM users",
			"", "", "users"},
		{"SQLite's double-quoted string is not a column", `SELECT name FROM singer WHERE country = "France"`,
			"singer", "singer.country,singer.name", "France"},
		{"schema-qualified table", "SELECT s.name FROM tdb_1.singer s", "singer", "singer.name", ""},
		{"LATERAL subquery sees the items before it", "SELECT s.name, x.c FROM stadium s, LATERAL (SELECT count(*) AS c FROM concert WHERE concert.stadium_id = s.stadium_id) x",
			"concert,stadium", "concert.stadium_id,stadium.name,stadium.stadium_id", ""},
		{"recursive CTE", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r",
			"", "", ""},
		{"a plain CTE of a recursive WITH has known columns", "WITH RECURSIVE a AS (SELECT name FROM singer) SELECT name FROM a, stadium",
			"singer,stadium", "singer.name", "name (ambiguous)"},
		{"unknown table: its columns cannot be judged", "SELECT x FROM nowhere", "", "", "nowhere"},
		{"system column is not a schema column", "SELECT name FROM singer ORDER BY age, ctid", "singer", "singer.age,singer.name", ""},
		{"window, CASE and functions are looked through", "SELECT rank() OVER (PARTITION BY country ORDER BY age), CASE WHEN age > 1 THEN upper(name) END FROM singer",
			"singer", "singer.age,singer.country,singer.name", ""},
		{"an aliased join hides its tables behind the alias", "SELECT j.name, capacity FROM (concert JOIN stadium USING (stadium_id)) AS j",
			"concert,stadium", "concert.stadium_id,stadium.capacity,stadium.name,stadium.stadium_id", ""},
		{"IN subquery in HAVING", "SELECT country FROM singer GROUP BY country HAVING max(age) IN (SELECT capacity FROM stadium)",
			"singer,stadium", "singer.age,singer.country,stadium.capacity", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			u := q.Usage(cat)
			var cols []string
			for _, c := range u.Columns {
				cols = append(cols, c.String())
			}
			if got := strings.Join(u.Tables, ","); got != tt.tables {
				t.Errorf("tables %q, want %q", got, tt.tables)
			}
			if got := strings.Join(cols, ","); got != tt.columns {
				t.Errorf("columns %q, want %q", got, tt.columns)
			}
			if got := strings.Join(u.Unresolved, ","); got != tt.unresolved {
				t.Errorf("unresolved %q, want %q", got, tt.unresolved)
			}
		})
	}
}

func TestMeasureCoverage_CountsSharesAndUnused(t *testing.T) {
	t.Parallel()
	cat := NewCatalog(Schema{Database: "db", Tables: []Table{
		{Name: "a", Columns: []string{"x", "y"}},
		{Name: "b", Columns: []string{"x", "z", "w"}},
		{Name: "c", Columns: []string{"v"}},
		{Name: "a", Columns: []string{"dup"}}, // listed twice: kept once
	}})
	var queries []*Query
	for _, sql := range []string{"SELECT y FROM a", "SELECT b.z FROM a JOIN b USING (x)", "SELECT y FROM a WHERE y > 1"} {
		q, err := Parse(sql)
		if err != nil {
			t.Fatal(err)
		}
		queries = append(queries, q)
	}
	queries = append(queries, nil) // SQL that did not parse
	got := MeasureCoverage(cat, queries)
	want := Coverage{
		Database: "db", Queries: 3,
		TablesUsed: 2, TablesTotal: 3, TableShare: 2.0 / 3,
		ColumnsUsed: 4, ColumnsTotal: 6, ColumnShare: 4.0 / 6,
		UnusedTables: []string{"c"}, UnusedColumns: []string{"b.w", "c.v"},
	}
	if got.Database != want.Database || got.Queries != want.Queries ||
		got.TablesUsed != want.TablesUsed || got.TablesTotal != want.TablesTotal || got.TableShare != want.TableShare ||
		got.ColumnsUsed != want.ColumnsUsed || got.ColumnsTotal != want.ColumnsTotal || got.ColumnShare != want.ColumnShare ||
		!slices.Equal(got.UnusedTables, want.UnusedTables) || !slices.Equal(got.UnusedColumns, want.UnusedColumns) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
}

func TestMeasureCoverage_EmptySchemaHasZeroShares(t *testing.T) {
	t.Parallel()
	got := MeasureCoverage(NewCatalog(Schema{}), nil)
	if got.TableShare != 0 || got.ColumnShare != 0 || got.UnusedTables == nil || got.UnusedColumns == nil {
		t.Errorf("got %+v", got)
	}
}

// TestUsage_EveryReferenceOfTheSpiderGoldResolves resolves the 499 translated gold queries of
// the Spider dev set against their schemas: every table and column they name must be found.
func TestUsage_EveryReferenceOfTheSpiderGoldResolves(t *testing.T) {
	t.Parallel()
	dev, schemas := translatedSpiderDev(t)
	cats := map[string]*Catalog{}
	for _, s := range schemas {
		cats[s.Database] = NewCatalog(s)
	}
	byDB := map[string][]*Query{}
	for i, ex := range dev {
		q, err := Parse(ex.Query)
		if err != nil {
			t.Fatalf("#%d: %v", i, err)
		}
		if u := q.Usage(cats[ex.DBID]); len(u.Unresolved) > 0 || len(u.Tables) == 0 {
			t.Errorf("#%d: tables %v, unresolved %v: %s", i, u.Tables, u.Unresolved, ex.Query)
		}
		byDB[ex.DBID] = append(byDB[ex.DBID], q)
	}
	cov := MeasureCoverage(cats["concert_singer"], byDB["concert_singer"])
	t.Logf("concert_singer: %d/%d tables, %d/%d columns, unused %v", cov.TablesUsed, cov.TablesTotal, cov.ColumnsUsed, cov.ColumnsTotal, cov.UnusedColumns)
	if cov.TablesUsed != cov.TablesTotal || cov.Queries != 45 {
		t.Errorf("concert_singer: %+v", cov)
	}
}
