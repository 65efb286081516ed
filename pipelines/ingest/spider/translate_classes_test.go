package spider

import (
	"context"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec"
)

// TestTranslateSQLite_ClassesMatchSQLiteOnMadeUpTables runs each class of SQLite semantics the
// translation handles on made-up tables: the original on SQLite, the translation on PostgreSQL
// over the same data as the reader loads it, compared by Verify (execution match). Each case also
// states what the translation must not contain, so a faithful result cannot come from an internal.
func TestTranslateSQLite_ClassesMatchSQLiteOnMadeUpTables(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := writeSQLite(t,
		// rows stored in key order: the row id is the key
		`CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT, dept TEXT, salary INT, hired DATE, left_on DATE)`,
		`INSERT INTO emp VALUES (1,'ann','ops',10,'2015-03-01','2019-06-01'), (2,'bob','dev',20,'2016-01-01','2018-01-01'),
			(3,'cat','dev',20,'2012-05-05','2020-01-01'), (4,'dan','ops',30,'2017-07-07','2017-12-31'),
			(5,'eve','hr',10,'2011-01-01','2021-01-01'), (6,'fay','hr',30,'2010-10-10','2011-11-11')`,
		// a reserved word as a column name, renamed by the loader
		`CREATE TABLE train (id INTEGER PRIMARY KEY, "From" TEXT, "To" TEXT)`,
		`INSERT INTO train VALUES (1,'York','Leeds'), (2,'Leeds','Hull'), (3,'York','Hull')`,
		`CREATE TABLE peak (id INTEGER PRIMARY KEY, range TEXT, height INT)`,
		`INSERT INTO peak VALUES (1,'alps',4000), (2,'andes',6000), (3,'rockies',4300), (4,'urals',1800)`,
	)
	s := loadSideBySide(t, path, sqlexec.ExecOptions{MaxRows: 1000, MaxBytes: 1 << 20})
	tables, target, exec, lite := s.tables, s.target, s.exec, s.lite
	schema := sqlexec.SchemaInfoFromTables(tables)

	tests := []struct {
		name, sql string
		never     string // text the translation must not contain ("" for none)
	}{
		{"ties under a grouped ORDER BY … LIMIT broken by the group key", "SELECT dept FROM emp GROUP BY dept ORDER BY count(*) DESC LIMIT 1", "ctid"},
		{"ties under a grouped ascending ORDER BY", "SELECT dept, count(*) FROM emp GROUP BY dept ORDER BY count(*)", "ctid"},
		{"ties under ORDER BY … LIMIT over one table broken by the primary key", "SELECT name FROM emp ORDER BY salary LIMIT 3", "ctid"},
		{"ties under ORDER BY DESC over one table", "SELECT name, salary FROM emp ORDER BY salary DESC", "ctid"},
		{"a reserved word as a column keeps the keyword a keyword", `SELECT count(*) FROM train WHERE "From" = 'York'`, "from_ train"},
		{"a reserved word in brackets", `SELECT [From], [To] FROM train ORDER BY id`, ""},
		{"DISTINCT ordered by a column not selected", "SELECT DISTINCT dept FROM emp ORDER BY id DESC", ""},
		{"DISTINCT ordered by a column not selected, with LIMIT", "SELECT DISTINCT range FROM peak ORDER BY height DESC LIMIT 2", ""},
		{"a one-row aggregate ordered by a column", "SELECT sum(salary) FROM emp ORDER BY hired DESC LIMIT 3", ""},
		{"a derived table without an alias", "SELECT count(*) FROM (SELECT dept FROM emp WHERE salary > 10 INTERSECT SELECT dept FROM emp WHERE salary < 30)", ""},
		{"text dates subtracted", "SELECT name FROM emp ORDER BY left_on - hired DESC, id LIMIT 2", ""},
		{"bare columns beside max() keep the row of the max", "SELECT name, max(salary) FROM emp", ""},
		{"groups by the primary key keep ascending ties", "SELECT id, count(*) FROM emp GROUP BY id ORDER BY count(*) DESC LIMIT 2", "ctid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := sqlexec.TranslateSQLite(tt.sql, schema)
			if err != nil {
				t.Fatalf("translate: %v", err)
			}
			if tt.never != "" && strings.Contains(strings.ToLower(tr.SQL), tt.never) {
				t.Errorf("the translation contains %q: %s", tt.never, tr.SQL)
			}
			v := Verify(ctx, lite, tt.sql, tr.SQL, func(ctx context.Context, sql string) *sqlexec.Result { return exec.Run(ctx, target, sql) })
			if !v.Match {
				t.Errorf("%s\n   orig: %s\n   tran: %s", v.Reason, tt.sql, tr.SQL)
			}
		})
	}
}
