package spider

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// devDir is the shared Spider dev data; tests skip when it is absent (CI always has it).
func devDir(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "shared", "data", "spider"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "dev.json")); err != nil {
		t.Skipf("Spider dev data not found at %s (CI always has it): %v", dir, err)
	}
	return dir
}

// loadedDB is one Spider database read from SQLite and loaded into PostgreSQL.
type loadedDB struct {
	id     string
	sqlite *sql.DB
	tables []*sqlexec.TableData
	target sqlexec.Target
	schema *sqlexec.SchemaInfo
}

type devEnv struct {
	ds    *Dataset
	admin *pgxpool.Pool
	exec  *sqlexec.Executor
	dbs   map[string]*loadedDB
	read  time.Duration
	load  time.Duration
}

// loadDev reads every database of the dev set and loads each into its own target in a fresh
// PostgreSQL database.
func loadDev(t testing.TB) *devEnv {
	t.Helper()
	ctx := context.Background()
	ds, err := ReadDataset(devDir(t))
	if err != nil {
		t.Fatal(err)
	}
	pg := newTestPG(t)
	admin := pg.admin
	env := &devEnv{ds: ds, admin: admin, dbs: map[string]*loadedDB{}}
	for i, id := range ds.DatabaseIDs() {
		start := time.Now()
		tables, err := ReadSQLite(ctx, ds.SQLitePath(id))
		if err != nil {
			t.Fatal(err)
		}
		env.read += time.Since(start)
		db := &loadedDB{id: id, tables: tables, target: sqlexec.TargetFor(pg.name, int64(i+1)), schema: sqlexec.SchemaInfoFromTables(tables)}
		start = time.Now()
		rep, err := pg.load(ctx, db.target, tables)
		for _, tr := range rep.Tables {
			for _, w := range tr.Warnings {
				t.Logf("%s.%s: load: %s", id, tr.Name, w)
			}
		}
		if err != nil {
			t.Fatalf("%s: load: %v", id, err)
		}
		env.load += time.Since(start)
		tgt := db.target
		t.Cleanup(func() {
			admin.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+tgt.Schema+" CASCADE")
			admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+tgt.Reader)
		})
		if db.sqlite, err = OpenSQLite(ds.SQLitePath(id)); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.sqlite.Close() })
		env.dbs[id] = db
	}
	env.exec = pg.executor(t, sqlexec.ExecOptions{MaxRows: 100_000, MaxBytes: 64 << 20})
	t.Logf("read %d SQLite databases in %v, loaded them into PostgreSQL in %v", len(env.dbs), env.read.Round(time.Millisecond), env.load.Round(time.Millisecond))
	return env
}

func TestDev_EveryTableArrivesWhole(t *testing.T) {
	t.Parallel()
	env := loadDev(t)
	ctx := context.Background()
	if len(env.dbs) != 10 {
		t.Errorf("databases = %d, want the 10 of the dev set", len(env.dbs))
	}
	for _, id := range env.ds.DatabaseIDs() {
		db := env.dbs[id]
		for _, td := range db.tables {
			var want int
			if err := db.sqlite.QueryRowContext(ctx, "SELECT count(*) FROM "+quoteSQLite(td.Def.Original)).Scan(&want); err != nil {
				t.Fatal(err)
			}
			if len(td.Rows) != want {
				t.Errorf("%s.%s: read %d rows, SQLite has %d", id, td.Def.Original, len(td.Rows), want)
			}
			var got int
			if err := env.admin.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{db.target.Schema, td.Def.Name}.Sanitize()).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s.%s: PostgreSQL has %d rows, SQLite %d", id, td.Def.Name, got, want)
			}
			// Every value, compared as a multiset of rows.
			orig, pg := make([]string, len(td.Def.Columns)), make([]string, len(td.Def.Columns))
			for i, c := range td.Def.Columns {
				orig[i] = quoteSQLite(c.Original)
				pg[i] = pgx.Identifier{c.Name}.Sanitize()
			}
			sres := RunSQLite(ctx, db.sqlite, "SELECT "+strings.Join(orig, ", ")+" FROM "+quoteSQLite(td.Def.Original), 0)
			pres := env.run(ctx, db, "SELECT "+strings.Join(pg, ", ")+" FROM "+pgx.Identifier{td.Def.Name}.Sanitize())
			if !sres.OK() || !pres.OK() {
				t.Fatalf("%s.%s: sqlite error %q, postgres error %q", id, td.Def.Name, sres.Error, pres.Error)
			}
			if m := sqlexec.Match(sres, pres, sqlexec.MatchOptions{}); !m.Match {
				t.Errorf("%s.%s: rows differ: %s", id, td.Def.Name, m.Reason)
			}
		}
	}
}

// TestDev_GoldQueriesTranslateAndVerify is the proof of the translator: every gold query of the
// dev set, translated to PostgreSQL, must give the result the original gives on SQLite.
func TestDev_GoldQueriesTranslateAndVerify(t *testing.T) {
	t.Parallel()
	env := loadDev(t)
	ctx := context.Background()
	start := time.Now()
	matched := 0
	var misses []string
	for _, q := range env.ds.Questions {
		db := env.dbs[q.DBID]
		tr, err := sqlexec.TranslateSQLite(q.Query, db.schema)
		if err != nil {
			misses = append(misses, fmt.Sprintf("#%d %s: %v\n    original:    %s\n    translation: %s", q.Index, q.DBID, err, q.Query, tr.SQL))
			continue
		}
		v := Verify(ctx, db.sqlite, q.Query, tr.SQL, func(ctx context.Context, sql string) *sqlexec.Result {
			return env.run(ctx, db, sql)
		})
		if v.Match {
			matched++
			continue
		}
		misses = append(misses, fmt.Sprintf("#%d %s: %s\n    original:    %s\n    translation: %s", q.Index, q.DBID, v.Reason, q.Query, tr.SQL))
	}
	n := len(env.ds.Questions)
	t.Logf("verified %d gold queries in %v: %d match (%.1f%%), %d do not", n, time.Since(start).Round(time.Millisecond), matched, 100*float64(matched)/float64(n), len(misses))
	for _, m := range misses {
		t.Log(m)
	}
	if n != 499 {
		t.Errorf("questions = %d, want 499", n)
	}
	if float64(matched) < 0.97*float64(n) {
		t.Errorf("match rate %d/%d is below 97%%", matched, n)
	}
}

// run executes sql on db's target through the sandbox.
func (env *devEnv) run(ctx context.Context, db *loadedDB, sql string) *sqlexec.Result {
	return env.exec.Run(ctx, db.target, sql)
}
