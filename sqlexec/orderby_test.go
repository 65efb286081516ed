package sqlexec

import (
	"errors"
	"testing"
)

func TestHasTopLevelOrderBy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		sql  string
		want bool
	}{
		{"plain select", "SELECT name FROM singer", false},
		{"top-level order by", "SELECT name FROM singer ORDER BY age DESC", true},
		{"order by with limit", "SELECT name FROM singer ORDER BY age LIMIT 1", true},
		{"order by in a subquery", "SELECT name FROM (SELECT name FROM singer ORDER BY age) AS s", false},
		{"order by in a scalar subquery", "SELECT name FROM singer WHERE age = (SELECT age FROM singer ORDER BY age LIMIT 1)", false},
		{"order by in an IN subquery", "SELECT name FROM singer WHERE id IN (SELECT id FROM concert ORDER BY year)", false},
		{"union with a trailing order by", "SELECT name FROM singer UNION SELECT name FROM actor ORDER BY 1", true},
		{"union without order by", "SELECT name FROM singer UNION SELECT name FROM actor", false},
		{"order by inside a parenthesized union branch", "(SELECT name FROM singer ORDER BY name LIMIT 3) UNION ALL SELECT name FROM actor", false},
		{"parenthesized select with order by", "(SELECT name FROM singer ORDER BY name)", true},
		{"CTE with inner order by only", "WITH s AS (SELECT name FROM singer ORDER BY age) SELECT name FROM s", false},
		{"CTE with outer order by", "WITH s AS (SELECT name, age FROM singer) SELECT name FROM s ORDER BY age", true},
		{"order by inside a window", "SELECT name, rank() OVER (ORDER BY age) FROM singer", false},
		{"order by inside an aggregate", "SELECT string_agg(name, ',' ORDER BY name) FROM singer", false},
		{"SQLite double-quoted identifiers", `SELECT "name" FROM singer ORDER BY "age"`, true},
		{"trailing semicolon", "SELECT name FROM singer ORDER BY age;", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := HasTopLevelOrderBy(tt.sql)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("HasTopLevelOrderBy(%q) = %v, want %v", tt.sql, got, tt.want)
			}
		})
	}
}

func TestHasTopLevelOrderBy_Errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sql       string
		notSelect bool
	}{
		{"unparseable SQLite LIMIT a, b", "SELECT name FROM singer ORDER BY age LIMIT 1, 2", false},
		{"garbage", "SELEC name FORM singer", false},
		{"two statements", "SELECT 1; SELECT 2", false},
		{"empty", "", false},
		{"not a query", "DELETE FROM singer", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := HasTopLevelOrderBy(tt.sql)
			if err == nil {
				t.Fatalf("HasTopLevelOrderBy(%q): want an error", tt.sql)
			}
			if errors.Is(err, ErrNotSelect) != tt.notSelect {
				t.Fatalf("errors.Is(%v, ErrNotSelect) = %v, want %v", err, !tt.notSelect, tt.notSelect)
			}
		})
	}
}
