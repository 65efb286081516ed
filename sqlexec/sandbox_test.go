package sqlexec

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// sandbox is a migrated platform database with two loaded target databases.
type sandbox struct {
	exec   *Executor
	a, b   Target
	admins *pgxpool.Pool
}

func newSandbox(t testing.TB, opt ExecOptions) *sandbox {
	t.Helper()
	ctx := context.Background()
	url := storetest.URL(t)
	admin := storetest.Pool(t, url)
	// The platform's own secrets live beside the targets; the sandbox must never reach them.
	if _, err := admin.Exec(ctx, `INSERT INTO users (email, password_hash) VALUES ('secret@example.com', 'argon2-secret')`); err != nil {
		t.Fatal(err)
	}
	dbName, err := CurrentDatabase(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	s := &sandbox{admins: admin, a: TargetFor(dbName, 1), b: TargetFor(dbName, 2)}
	for _, tgt := range []Target{s.a, s.b} {
		tx, err := admin.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Load(ctx, tx, tgt, []*TableData{{
			Def:  TableDef{Name: "singer", Columns: []ColumnDef{{Name: "id", Type: TypeInteger}, {Name: "name", Type: TypeText}, {Name: "age", Type: TypeNumeric}}, PrimaryKey: []string{"id"}},
			Rows: [][]any{{int64(1), "Joe", "52.5"}, {int64(2), "Ann", "31"}, {int64(3), "O'Neil", nil}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if s.exec, err = NewExecutor(ctx, url, opt); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.exec.Close)
	return s
}

func (s *sandbox) count(t testing.TB, q string) int64 {
	t.Helper()
	var n int64
	if err := s.admins.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSandbox_RunsAQuery(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{})
	res := s.exec.Run(context.Background(), s.a, "SELECT name, age FROM singer WHERE age > 40 ORDER BY name")
	if !res.OK() {
		t.Fatal(res.Error)
	}
	if len(res.Rows) != 1 || res.Rows[0][0] != "Joe" || res.RowCount != 1 || res.Truncated || res.Fingerprint == "" {
		t.Fatalf("result: %+v", res)
	}
	if res.Columns[0].Name != "name" || res.Columns[0].Type != "text" || res.Columns[1].Type != "numeric" {
		t.Errorf("columns: %+v", res.Columns)
	}
	// The schema-qualified name of its own database is fine.
	if res := s.exec.Run(context.Background(), s.a, "SELECT count(*) FROM "+s.a.Schema+".singer"); !res.OK() {
		t.Error(res.Error)
	}
	// Errors come back as data, with the server's message.
	if res := s.exec.Run(context.Background(), s.a, "SELECT nope FROM singer"); res.OK() || !strings.Contains(res.Error, `column "nope" does not exist`) {
		t.Errorf("bad column: %+v", res)
	}
}

// TestSandbox_RefusesHostileSQL: each statement is refused, and nothing changes.
func TestSandbox_RefusesHostileSQL(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{Timeout: time.Second})
	ctx := context.Background()
	big := "SELECT 1 -- " + strings.Repeat("x", 1<<20)
	cases := []struct{ name, sql, want string }{
		{"drop", "DROP TABLE singer", "only SELECT"},
		{"delete", "DELETE FROM singer", "only SELECT"},
		{"update", "UPDATE singer SET name = 'x'", "only SELECT"},
		{"insert", "INSERT INTO singer VALUES (9, 'x', 1)", "only SELECT"},
		{"create", "CREATE TABLE evil (x int)", "only SELECT"},
		{"alter", "ALTER TABLE singer ADD COLUMN evil int", "only SELECT"},
		{"truncate", "TRUNCATE singer", "only SELECT"},
		{"copy to program", "COPY singer TO PROGRAM 'touch /tmp/goldset-pwned'", "COPY"},
		{"copy from program", "COPY singer FROM PROGRAM 'cat /etc/passwd'", "COPY"},
		{"two statements", "SELECT 1; DELETE FROM singer", "2 statements"},
		{"comment hides a second statement", "SELECT 1 /* harmless */; /* really */ DROP TABLE singer --", "2 statements"},
		{"for update", "SELECT * FROM singer FOR UPDATE", "FOR UPDATE"},
		{"for share", "SELECT * FROM singer FOR SHARE", "FOR UPDATE/SHARE"},
		{"select into", "SELECT * INTO evil FROM singer", "SELECT INTO"},
		{"data-modifying CTE", "WITH d AS (DELETE FROM singer RETURNING *) SELECT * FROM d", "DELETE is not allowed"},
		{"set role", "SET ROLE postgres", "SET ROLE"},
		{"reset role", "RESET ROLE", "SET"},
		{"set_config", "SELECT set_config('role', 'goldset', false)", "set_config"},
		{"current_setting", "SELECT current_setting('data_directory')", "current_setting"},
		{"pg_sleep", "SELECT pg_sleep(60)", "pg_sleep"},
		{"pg_sleep_for", "SELECT pg_sleep_for('1 minute')", "pg_sleep_for"},
		{"pg_read_file", "SELECT pg_read_file('/etc/passwd')", "pg_read_file"},
		{"pg_ls_dir", "SELECT * FROM pg_ls_dir('.')", "pg_ls_dir"},
		{"large objects", "SELECT lo_import('/etc/passwd')", "lo_import"},
		{"dblink", "SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(x int)", "dblink"},
		{"terminate backends", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity", "pg_terminate_backend"},
		{"query_to_xml runs SQL from a string", "SELECT query_to_xml('DELETE FROM singer RETURNING 1', true, false, '')", "query_to_xml"},
		{"schema-qualified function", "SELECT pg_catalog.pg_sleep(1)", "pg_sleep"},
		{"platform users table", "SELECT * FROM public.users", "outside this database"},
		{"platform tokens table", "SELECT token_hash FROM public.api_tokens", "outside this database"},
		{"another target database", "SELECT * FROM " + s.b.Schema + ".singer", "outside this database"},
		{"system catalog", "SELECT rolname FROM pg_roles", "system catalog"},
		{"qualified system catalog", "SELECT * FROM pg_catalog.pg_authid", "outside this database"},
		{"information_schema", "SELECT * FROM information_schema.tables", "outside this database"},
		{"three-part column", "SELECT public.users.email FROM singer", "outside this database"},
		{"nextval writes", "SELECT nextval('users_id_seq')", "nextval"},
		{"explain", "EXPLAIN ANALYZE DELETE FROM singer", "only SELECT"},
		{"1 MB of SQL", big, "bytes"},
		{"empty", "   ", "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := s.exec.Run(ctx, s.a, c.sql)
			if res.OK() || !strings.Contains(res.Error, c.want) {
				t.Fatalf("%s: error %q, want it to mention %q", c.sql, res.Error, c.want)
			}
		})
	}
	if n := s.count(t, "SELECT count(*) FROM "+s.a.Schema+".singer"); n != 3 {
		t.Errorf("singer rows changed: %d", n)
	}
	if n := s.count(t, "SELECT count(*) FROM users WHERE email = 'secret@example.com'"); n != 1 {
		t.Errorf("users changed: %d", n)
	}
	if n := s.count(t, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '"+s.a.Schema+"'"); n != 1 {
		t.Errorf("tables in the target changed: %d", n)
	}
}

// Behind the parser, the sandbox itself holds: even SQL that slipped past Check cannot write, cannot
// read other schemas, and cannot escape its role.
func TestSandbox_DefenceInDepthWithoutTheGuard(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{})
	for _, c := range []struct{ sql, want string }{
		{"SELECT * FROM public.users", "permission denied"},
		{"SELECT * FROM " + s.b.Schema + ".singer", "permission denied"},
		{"SELECT * FROM singer FOR UPDATE", "only reading is allowed"},
		{"SELECT pg_read_file('/etc/passwd')", "permission denied"},
		{"SELECT nextval('public.users_id_seq')", "permission denied"},
	} {
		res := s.unchecked(t, c.sql)
		if res.OK() || !strings.Contains(res.Error, c.want) {
			t.Errorf("%s: %q, want %q", c.sql, res.Error, c.want)
		}
	}
	// A write hidden in a CTE is stopped by the read-only transaction.
	if res := s.unchecked(t, "WITH d AS (DELETE FROM singer RETURNING *) SELECT * FROM d"); res.OK() {
		t.Error("a data-modifying CTE ran")
	}
	if n := s.count(t, "SELECT count(*) FROM "+s.a.Schema+".singer"); n != 3 {
		t.Errorf("rows changed: %d", n)
	}
}

// unchecked runs sql on target a the way Run does, minus Check.
func (s *sandbox) unchecked(t *testing.T, sql string) *Result {
	t.Helper()
	res := &Result{}
	s.exec.execute(context.Background(), s.a, sql, res, nil)
	return res
}

func TestSandbox_TimeoutCapsAndCancellation(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{Timeout: 500 * time.Millisecond, MaxRows: 1000, MaxBytes: 1 << 20})
	ctx := context.Background()

	res := s.exec.Run(ctx, s.a, "SELECT count(*) FROM generate_series(1, 10000000000) g, singer")
	if res.OK() || !strings.Contains(res.Error, "longer than the 500ms limit") {
		t.Errorf("timeout: %+v", res.Error)
	}
	// Ten million rows, produced lazily by a join: the cursor stops the server after the cap.
	res = s.exec.Run(ctx, s.a, "SELECT a * 1000 + b FROM generate_series(1, 10000) a, generate_series(1, 1000) b")
	if !res.OK() || !res.Truncated || len(res.Rows) != 1000 || res.Fingerprint != "" {
		t.Errorf("10M rows: ok=%v truncated=%v rows=%d fp=%q err=%s", res.OK(), res.Truncated, len(res.Rows), res.Fingerprint, res.Error)
	}
	res = s.exec.Run(ctx, s.a, "SELECT repeat('x', 100000) FROM generate_series(1, 100)")
	if !res.OK() || !res.Truncated || len(res.Rows) >= 100 {
		t.Errorf("byte cap: ok=%v truncated=%v rows=%d", res.OK(), res.Truncated, len(res.Rows))
	}

	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	res = s.exec.Run(cctx, s.a, "SELECT count(*) FROM generate_series(1, 10000000000) g")
	if res.OK() || !strings.Contains(res.Error, "cancel") {
		t.Errorf("cancellation: %q", res.Error)
	}
	// The pool recovers: the next query works.
	if res := s.exec.Run(ctx, s.a, "SELECT 1"); !res.OK() {
		t.Errorf("after cancellation: %s", res.Error)
	}
}

func TestLoad_FailureLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := storetest.Pool(t, storetest.URL(t))
	tgt := TargetFor("load-failure-test", 1)
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(ctx, tx, tgt, []*TableData{
		{Def: TableDef{Name: "ok", Columns: []ColumnDef{{Name: "x", Type: TypeInteger}}}, Rows: [][]any{{int64(1)}}},
		{Def: TableDef{Name: "bad", Columns: []ColumnDef{{Name: "n", Type: TypeNumeric}}}, Rows: [][]any{{"12"}, {"twelve"}}},
	})
	_ = tx.Rollback(ctx)
	if err == nil || !strings.Contains(err.Error(), `"twelve" is not a number`) {
		t.Fatalf("load: %v", err)
	}
	var schemas, roles int
	pool.QueryRow(ctx, "SELECT count(*) FROM pg_namespace WHERE nspname = $1", tgt.Schema).Scan(&schemas)
	pool.QueryRow(ctx, "SELECT count(*) FROM pg_roles WHERE rolname = $1", tgt.Reader).Scan(&roles)
	if schemas != 0 || roles != 0 {
		t.Fatalf("a failed load left %d schema(s) and %d role(s)", schemas, roles)
	}
}

func TestLoad_KeysThatTheDataBreaksAreWarnings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := storetest.Pool(t, storetest.URL(t))
	dbName, _ := CurrentDatabase(ctx, pool)
	tgt := TargetFor(dbName, 3)
	tx, _ := pool.Begin(ctx)
	rep, err := Load(ctx, tx, tgt, []*TableData{
		{Def: TableDef{Name: "parent", Columns: []ColumnDef{{Name: "id", Type: TypeInteger}}, PrimaryKey: []string{"id"}}, Rows: [][]any{{int64(1)}, {int64(1)}}},
		{Def: TableDef{Name: "child", Columns: []ColumnDef{{Name: "pid", Type: TypeInteger}},
			ForeignKeys: []ForeignKey{{Columns: []string{"pid"}, RefTable: "parent", RefColumns: []string{"id"}}}}, Rows: [][]any{{int64(7)}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	joined := ""
	for _, tr := range rep.Tables {
		joined += strings.Join(tr.Warnings, "|")
	}
	if !strings.Contains(joined, "primary key (id) is not enforced") || !strings.Contains(joined, "foreign key (pid) → parent(id) is not enforced") {
		t.Fatalf("warnings: %s", joined)
	}
	if rep.Rows() != 3 {
		t.Errorf("rows: %d", rep.Rows())
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{tgt.Schema, "parent"}.Sanitize()).Scan(&n); err != nil || n != 2 {
		t.Errorf("parent rows %d: %v", n, err)
	}
}
