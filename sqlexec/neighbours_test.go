package sqlexec

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// neighbourFixture: singer (primary key id) and concert (no primary key; singer_id references
// singer), loaded as target c of a sandbox.
func neighbourFixture(t *testing.T) (*sandbox, Target, []TableDef) {
	t.Helper()
	s := newSandbox(t, ExecOptions{})
	ctx := context.Background()
	db, _ := CurrentDatabase(ctx, s.admins)
	tgt := TargetFor(db, 3)
	tables := []*TableData{
		{Def: TableDef{Name: "singer", Columns: []ColumnDef{{Name: "id", Type: TypeInteger}, {Name: "name", Type: TypeText}, {Name: "age", Type: TypeInteger}},
			PrimaryKey: []string{"id"}},
			Rows: [][]any{{int64(1), "Joe", int64(52)}, {int64(2), "Ann", int64(31)}, {int64(3), "Lia", int64(28)}, {int64(4), "Bo", int64(45)},
				{int64(5), "Kim", int64(33)}, {int64(6), "Ola", int64(61)}}},
		{Def: TableDef{Name: "concert", Columns: []ColumnDef{{Name: "singer_id", Type: TypeInteger}, {Name: "year", Type: TypeInteger}},
			ForeignKeys: []ForeignKey{{Columns: []string{"singer_id"}, RefTable: "singer", RefColumns: []string{"id"}}}},
			Rows: [][]any{{int64(1), int64(2014)}, {int64(2), int64(2015)}, {int64(4), int64(2014)}, {int64(6), int64(2016)}, {int64(1), int64(2016)}}},
	}
	if err := pgx.BeginFunc(ctx, s.admins, func(tx pgx.Tx) error { _, err := Load(ctx, tx, tgt, tables); return err }); err != nil {
		t.Fatal(err)
	}
	defs := []TableDef{tables[0].Def, tables[1].Def}
	return s, tgt, defs
}

func TestDistinguish_CatchesCoincidencesAndKeepsEquivalences(t *testing.T) {
	t.Parallel()
	s, tgt, defs := neighbourFixture(t)
	ctx := context.Background()
	cases := []struct {
		name, a, b string
		same       bool
	}{
		{"> and >= agree on today's rows", "SELECT name FROM singer WHERE age > 40", "SELECT name FROM singer WHERE age >= 40", false},
		{"a missing DISTINCT", "SELECT DISTINCT year FROM concert WHERE year = 2015", "SELECT year FROM concert WHERE year = 2015", false},
		{"a join that happens to match", "SELECT s.name FROM singer s JOIN concert c ON c.singer_id = s.id WHERE c.year = 2015",
			"SELECT name FROM singer WHERE age = 31", false},
		{"count of a key is count of rows", "SELECT count(*) FROM singer", "SELECT count(id) FROM singer", true},
		{"a join through a foreign key is a filter", "SELECT c.year FROM concert c JOIN singer s ON s.id = c.singer_id",
			"SELECT year FROM concert WHERE singer_id IS NOT NULL", true},
		{"written differently", "SELECT name FROM singer WHERE age BETWEEN 30 AND 50", "SELECT name FROM singer WHERE age >= 30 AND age <= 50", true},
		{"the query's own CTE shadows a table", "WITH singer AS (SELECT 1 AS id) SELECT count(*) FROM singer", "SELECT 1::bigint", true},
		{"the query's own CTE beside the neighbours'", "WITH older AS (SELECT name FROM singer WHERE age > 40) SELECT name FROM older",
			"SELECT name FROM singer WHERE age >= 40", false},
		{"a set operation after a comment, with a semicolon", "-- both ends\n(SELECT name FROM singer WHERE age > 50) UNION (SELECT name FROM singer WHERE age < 30);",
			"SELECT DISTINCT name FROM singer WHERE age > 50 OR age < 30", true},
	}
	for _, c := range cases {
		ra, rb := s.exec.Run(ctx, tgt, c.a), s.exec.Run(ctx, tgt, c.b)
		if m := Match(ra, rb, MatchOptions{}); !m.Match {
			t.Fatalf("%s: the fixture must make them agree on the database: %s (%v %v)", c.name, m.Reason, ra.Error, rb.Error)
		}
		d := s.exec.Distinguish(ctx, tgt, defs, c.a, c.b, MatchOptions{})
		if d.Same != c.same {
			t.Errorf("%s: same=%v on %q (%s), checked %d, skipped %v", c.name, d.Same, d.Neighbour, d.Reason, d.Checked, d.Skipped)
		}
		if !d.Same && (d.Diff == nil || d.Diff.OnlyInGoldCount+d.Diff.OnlyInPredCount == 0 && d.Reason == "") {
			t.Errorf("%s: no distinguishing rows shown: %+v", c.name, d)
		}
		if c.same && d.Checked < 3 {
			t.Errorf("%s: only %d neighbours checked (%v)", c.name, d.Checked, d.Skipped)
		}
	}
}
