package spider

import (
	"context"
	"database/sql"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store/storetest"
)

// testPG is a fresh PostgreSQL database of a test's own: its URL, an admin pool on it (closed when
// the test ends) and its name, which the targets tables are loaded into are made in.
type testPG struct {
	url   string
	admin *pgxpool.Pool
	name  string
}

func newTestPG(t testing.TB) *testPG {
	t.Helper()
	ctx := context.Background()
	pg := &testPG{url: storetest.URL(t)}
	pg.admin = storetest.Pool(t, pg.url)
	var err error
	if pg.name, err = sqlexec.CurrentDatabase(ctx, pg.admin); err != nil {
		t.Fatal(err)
	}
	return pg
}

// load loads tables into target in one transaction, as the importer does.
func (pg *testPG) load(ctx context.Context, target sqlexec.Target, tables []*sqlexec.TableData) (sqlexec.LoadReport, error) {
	var rep sqlexec.LoadReport
	err := pgx.BeginFunc(ctx, pg.admin, func(tx pgx.Tx) error {
		var err error
		rep, err = sqlexec.Load(ctx, tx, target, tables)
		return err
	})
	return rep, err
}

// executor is a sandbox executor on the database, closed when the test ends.
func (pg *testPG) executor(t testing.TB, opts sqlexec.ExecOptions) *sqlexec.Executor {
	t.Helper()
	exec, err := sqlexec.NewExecutor(context.Background(), pg.url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(exec.Close)
	return exec
}

// sideBySide is a SQLite file open for reading and its tables loaded into target 1 of a fresh
// PostgreSQL database, with a sandbox executor on it: a query can run on both sides.
type sideBySide struct {
	tables []*sqlexec.TableData
	target sqlexec.Target
	exec   *sqlexec.Executor
	lite   *sql.DB
}

// loadSideBySide reads the SQLite file at path and loads it into PostgreSQL; the executor has opts.
func loadSideBySide(t testing.TB, path string, opts sqlexec.ExecOptions) *sideBySide {
	t.Helper()
	ctx := context.Background()
	tables, err := ReadSQLite(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	pg := newTestPG(t)
	s := &sideBySide{tables: tables, target: sqlexec.TargetFor(pg.name, 1)}
	if _, err := pg.load(ctx, s.target, tables); err != nil {
		t.Fatal(err)
	}
	s.exec = pg.executor(t, opts)
	if s.lite, err = OpenSQLite(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.lite.Close() })
	return s
}
