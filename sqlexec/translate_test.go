package sqlexec

import (
	"errors"
	"testing"
)

func translateSchema() *SchemaInfo {
	return &SchemaInfo{
		Tables: map[string]map[string]ColumnType{
			"airlines":    {"uid": TypeInteger, "airline": TypeText, "country": TypeText},
			"flights":     {"airline": TypeInteger, "flightno": TypeInteger, "sourceairport": TypeText},
			"stadium":     {"stadium_id": TypeInteger, "name": TypeText, "capacity": TypeInteger, "average": TypeInteger},
			"concert":     {"concert_id": TypeInteger, "stadium_id": TypeText, "year": TypeText},
			"cars_data":   {"id": TypeInteger, "mpg": TypeText, "horsepower": TypeText, "year": TypeInteger},
			"performance": {"performance_id": TypeInteger, "official_ratings_millions": TypeFloat},
			"employee":    {"employee_id": TypeInteger, "name": TypeText, "age": TypeInteger},
		},
		Renamed:   map[string]string{"official_ratings_(millions)": "official_ratings_millions", "from": "from_"},
		ScanOrder: map[string][]string{"stadium": {"stadium_id"}, "employee": {"employee_id"}},
	}
}

func TestTranslateSQLite_Rules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"plain SQL is unchanged", "SELECT count(*) FROM stadium", "SELECT count(*) FROM stadium"},
		{"trailing semicolon and doubled spaces", "SELECT name  FROM stadium ;", "SELECT name FROM stadium"},
		{"double-quoted string literal", `SELECT country FROM airlines WHERE airline  =  "JetBlue Airways"`, `SELECT country FROM airlines WHERE airline = 'JetBlue Airways'`},
		{"double-quoted literal with a single quote", `SELECT uid FROM airlines WHERE airline = "O'Hare"`, `SELECT uid FROM airlines WHERE airline = 'O''Hare'`},
		{"double-quoted schema name stays an identifier", `SELECT "Name" FROM "Stadium"`, `SELECT name FROM stadium`},
		{"double-quoted alias after AS", `SELECT count(*) AS "Total" FROM stadium`, `SELECT count(*) AS total FROM stadium`},
		{"backticks and brackets", "SELECT `Name`, [Capacity] FROM `stadium`", "SELECT name, capacity FROM stadium"},
		{"renamed column", `SELECT "Official_ratings_(millions)" FROM performance`, `SELECT official_ratings_millions FROM performance`},
		{"LIKE becomes ILIKE", `SELECT name FROM stadium WHERE name LIKE "%park%"`, `SELECT name FROM stadium WHERE name ILIKE '%park%'`},
		{"NOT LIKE", `SELECT name FROM stadium WHERE name not like 'a%'`, `SELECT name FROM stadium WHERE name not ILIKE 'a%'`},
		{"LIMIT a, b", "SELECT name FROM stadium ORDER BY capacity LIMIT 2, 3", "SELECT name FROM stadium ORDER BY capacity, stadium_id LIMIT 3 OFFSET 2"},
		{"IFNULL", "SELECT IFNULL(name, 'x') FROM stadium", "SELECT COALESCE(name, 'x') FROM stadium"},
		{"== is =", "SELECT name FROM stadium WHERE capacity == 5", "SELECT name FROM stadium WHERE capacity = 5"},
		{"text column against a number compares as text", "SELECT id FROM cars_data WHERE horsepower > 150", "SELECT id FROM cars_data WHERE horsepower > '150'"},
		{"number on the left", "SELECT id FROM cars_data WHERE 150 < horsepower", "SELECT id FROM cars_data WHERE '150' < horsepower"},
		{"negative number", "SELECT id FROM cars_data WHERE mpg > -1", "SELECT id FROM cars_data WHERE mpg > '-1'"},
		{"BETWEEN on text", "SELECT stadium_id FROM concert WHERE year BETWEEN 2014 AND 2015", "SELECT stadium_id FROM concert WHERE year BETWEEN '2014' AND '2015'"},
		{"IN list on text", "SELECT stadium_id FROM concert WHERE year IN (2014, 2015)", "SELECT stadium_id FROM concert WHERE year IN ('2014', '2015')"},
		{"integer column against a number is untouched", "SELECT id FROM cars_data WHERE year > 1980", "SELECT id FROM cars_data WHERE year > 1980"},
		{"text column joined to an integer column", "SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id", "SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id::text"},
		{"NOT IN subquery of the other kind", "SELECT name FROM stadium WHERE stadium_id NOT IN (SELECT stadium_id FROM concert)", "SELECT name FROM stadium WHERE stadium_id::text NOT IN (SELECT stadium_id FROM concert)"},
		{"scalar subquery of the other kind", "SELECT count(*) FROM concert WHERE stadium_id = (SELECT stadium_id FROM stadium ORDER BY capacity DESC LIMIT 1)", "SELECT count(*) FROM concert WHERE stadium_id = (SELECT stadium_id::text FROM stadium ORDER BY capacity DESC, stadium_id LIMIT 1)"},
		{"avg over text", "SELECT avg(mpg) FROM cars_data", `SELECT avg(CASE WHEN mpg ~ '` + numericPattern + `' THEN CAST(mpg AS numeric) ELSE 0 END) FROM cars_data`},
		{"bare column beside GROUP BY", "SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id GROUP BY T1.stadium_id", "SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id::text GROUP BY T1.stadium_id, T2.name"},
		{"grouped column is not added again", "SELECT name, count(*) FROM stadium GROUP BY name", "SELECT name, count(*) FROM stadium GROUP BY name"},
		{"bare column beside max()", "select max(capacity), average from stadium", "select capacity, average from stadium ORDER BY capacity DESC NULLS LAST LIMIT 1"},
		{"bare column beside min()", "SELECT min(age), name FROM employee", "SELECT age, name FROM employee ORDER BY age ASC LIMIT 1"},
		{"ties broken by the key of a table stored in key order", "SELECT name FROM employee ORDER BY age", "SELECT name FROM employee ORDER BY age, employee_id"},
		{"ties in a grouped order broken by the group key", "SELECT name FROM stadium GROUP BY name ORDER BY count(*) DESC LIMIT 1", "SELECT name FROM stadium GROUP BY name ORDER BY count(*) DESC, name DESC LIMIT 1"},
		{"no tie-breaker for joins", "SELECT T1.name FROM employee AS T1 JOIN stadium AS T2 ON T1.age = T2.capacity ORDER BY T1.age", "SELECT T1.name FROM employee AS T1 JOIN stadium AS T2 ON T1.age = T2.capacity ORDER BY T1.age"},
		{"JOIN without ON", "SELECT count(*) FROM stadium JOIN employee", "SELECT count(*) FROM stadium CROSS JOIN employee"},
		{"strftime", "SELECT strftime('%Y', name) FROM employee", "SELECT to_char(name::timestamp, 'YYYY') FROM employee"},
		{"iif", "SELECT SUM(IIF(name = 'a', 1, 0)) FROM employee", "SELECT SUM(CASE WHEN name = 'a' THEN 1 ELSE 0 END) FROM employee"},
		{"nested iif with a call inside", "SELECT iif(age > 30, iif(name LIKE 'a%', upper(name), 'b'), 'c') FROM employee",
			"SELECT CASE WHEN age > 30 THEN CASE WHEN name ILIKE 'a%' THEN upper(name) ELSE 'b' END ELSE 'c' END FROM employee"},
		{"aliases are per side of a set operation", "SELECT T1.name FROM stadium AS T1 WHERE T1.capacity > 5 UNION SELECT T1.year FROM concert AS T1 WHERE T1.year > 2014", "SELECT T1.name FROM stadium AS T1 WHERE T1.capacity > 5 UNION SELECT T1.year FROM concert AS T1 WHERE T1.year > '2014'"},
		{"renames touch names, never the keyword", `SELECT count(*) FROM stadium WHERE "From" = 'x'`, `SELECT count(*) FROM stadium WHERE from_ = 'x'`},
		{"a derived table gets an alias", "SELECT count(*) FROM (SELECT name FROM stadium)", "SELECT count(*) FROM (SELECT name FROM stadium) AS sub"},
		{"string literals are never touched", "SELECT name FROM stadium WHERE name = 'a  LIKE \"b\";'", "SELECT name FROM stadium WHERE name = 'a  LIKE \"b\";'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TranslateSQLite(tt.in, translateSchema())
			if err != nil {
				t.Fatalf("error: %v (SQL %q)", err, got.SQL)
			}
			if got.SQL != tt.want {
				t.Errorf("\n got: %s\nwant: %s", got.SQL, tt.want)
			}
			if got.SQL != tt.in && len(got.Changes) == 0 {
				t.Errorf("the SQL changed but no change is reported")
			}
		})
	}
}

func TestTranslateSQLite_UnparsableResultIsAnError(t *testing.T) {
	t.Parallel()
	tr, err := TranslateSQLite("SELECT FROM WHERE", translateSchema())
	if !errors.Is(err, ErrTranslation) {
		t.Fatalf("err = %v, want ErrTranslation", err)
	}
	if tr.SQL == "" {
		t.Error("the translation is returned even when it does not parse")
	}
}

func TestSchemaInfoFromTables_RecordsRenames(t *testing.T) {
	t.Parallel()
	s := SchemaInfoFromTables([]*TableData{{Def: TableDef{Name: "performance", Original: "Performance", Columns: []ColumnDef{
		{Name: "official_ratings_millions", Original: "Official_ratings_(millions)", Type: TypeFloat},
	}}}})
	if s.Tables["performance"]["official_ratings_millions"] != TypeFloat {
		t.Errorf("tables = %v", s.Tables)
	}
	if s.Renamed["official_ratings_(millions)"] != "official_ratings_millions" || len(s.Renamed) != 1 {
		t.Errorf("renamed = %v", s.Renamed)
	}
}
