package sqlexec

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/goldset/goldset/sqlexec/sandboxtest"
	"github.com/goldset/goldset/store/storetest"
)

// probedSession is what a probe reads of a pooled sandbox connection at rest.
type probedSession struct {
	currentUser, sessionUser, searchPath, timeout, readOnly, workMem string
}

// probe takes an idle connection of t's from the pool (the one the last query used, with
// MaxConcurrent 1) and reads its session as the next query would find it.
func (e *Executor) probe(t *testing.T, tgt Target) probedSession {
	t.Helper()
	ctx := context.Background()
	conn, _, err := e.conns.get(ctx, tgt)
	if err != nil {
		t.Fatal(err)
	}
	defer e.conns.put(tgt, conn)
	var s probedSession
	if err := conn.QueryRow(ctx, "SELECT current_user::text, session_user::text").Scan(&s.currentUser, &s.sessionUser); err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		name string
		to   *string
	}{{"search_path", &s.searchPath}, {"statement_timeout", &s.timeout}, {"default_transaction_read_only", &s.readOnly}, {"work_mem", &s.workMem}} {
		if err := conn.QueryRow(ctx, "SHOW "+v.name).Scan(v.to); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// TestSandbox_AttackCorpus runs every attack twice, through Run (the guard refuses it) and with the
// guard bypassed (PostgreSQL refuses it: the privileges hold on their own), and after each reads
// the pooled session: still the reader, its own search_path, its timeout, read-only. The platform's
// secrets never appear in a result.
func TestSandbox_AttackCorpus(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{MaxConcurrent: 1, Timeout: 2e9})
	ctx := context.Background()
	var platformRole string
	if err := s.admins.QueryRow(ctx, "SELECT current_user").Scan(&platformRole); err != nil {
		t.Fatal(err)
	}
	want := probedSession{currentUser: s.a.Reader, sessionUser: s.a.Reader, searchPath: s.a.Schema, timeout: "2s", readOnly: "on", workMem: "4MB"}
	if got := s.exec.probe(t, s.a); got.currentUser != want.currentUser || got.searchPath != want.searchPath {
		t.Fatalf("fresh session: %+v", got)
	}
	want.workMem = s.exec.probe(t, s.a).workMem // the server's default, whatever it is
	attacks := sandboxtest.Attacks(s.a.Schema, s.b.Schema, platformRole)
	if len(attacks) < 60 {
		t.Fatalf("the corpus has %d attacks", len(attacks))
	}
	for _, a := range attacks {
		guarded := s.exec.Run(ctx, s.a, a.SQL)
		if guarded.OK() || !strings.Contains(guarded.Error, "refused") && !strings.Contains(guarded.Error, "syntax error") {
			t.Errorf("%s: the guard let it through: %+v", a.Name, guarded)
		}
		bypassed := s.unchecked(t, a.SQL)
		t.Logf("%-45s %s", a.Name, bypassed.Error)
		if bypassed.OK() {
			t.Errorf("%s: ran inside PostgreSQL with the guard bypassed: %v", a.Name, bypassed.Rows)
		}
		for _, r := range []*Result{guarded, bypassed} {
			if leaked(r) {
				t.Errorf("%s: the platform's secrets appear in %+v", a.Name, r)
			}
		}
		if got := s.exec.probe(t, s.a); got != want {
			t.Fatalf("%s left the session changed: %+v, want %+v", a.Name, got, want)
		}
	}
	// Nothing was written, and the platform's row is intact.
	if n := s.count(t, "SELECT count(*) FROM "+s.a.Schema+".singer"); n != 3 {
		t.Errorf("singer rows: %d", n)
	}
	if n := s.count(t, "SELECT count(*) FROM users WHERE email = 'secret@example.com'"); n != 1 {
		t.Errorf("users: %d", n)
	}
	// No advisory lock or session outlived its query.
	if n := s.count(t, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"); n != 0 {
		t.Errorf("%d advisory locks held", n)
	}
}

func leaked(r *Result) bool {
	text := r.Error
	for _, row := range r.Rows {
		for _, v := range row {
			if s, ok := v.(string); ok {
				text += s
			}
		}
	}
	return strings.Contains(text, "secret@example.com") || strings.Contains(text, "argon2-secret")
}

// TestSandbox_ReaderHasNoPrivilegesOfItsOwn: the role the sandbox logs in as cannot become anyone,
// owns nothing and can create nothing.
func TestSandbox_ReaderHasNoPrivilegesOfItsOwn(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{})
	var super, createRole, createDB, inherit, canLogin bool
	var memberOf int
	err := s.admins.QueryRow(context.Background(), `SELECT rolsuper, rolcreaterole, rolcreatedb, rolinherit, rolcanlogin,
		(SELECT count(*) FROM pg_auth_members WHERE member = r.oid)
		FROM pg_roles r WHERE rolname = $1`, s.a.Reader).Scan(&super, &createRole, &createDB, &inherit, &canLogin, &memberOf)
	if err != nil {
		t.Fatal(err)
	}
	if super || createRole || createDB || inherit || !canLogin || memberOf != 0 {
		t.Errorf("reader: super=%v createrole=%v createdb=%v inherit=%v login=%v member of %d roles", super, createRole, createDB, inherit, canLogin, memberOf)
	}
	var owned int64
	if err := s.admins.QueryRow(context.Background(), `SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`, s.a.Reader).Scan(&owned); err != nil || owned != 0 {
		t.Errorf("reader owns %d relations (%v)", owned, err)
	}
	var temp bool
	if err := s.admins.QueryRow(context.Background(), `SELECT has_database_privilege($1, current_database(), 'TEMPORARY')`, s.a.Reader).Scan(&temp); err != nil || temp {
		t.Errorf("reader may create temporary tables: %v (%v)", temp, err)
	}
}

func TestCheck_RefusesByAllowList(t *testing.T) {
	t.Parallel()
	for _, sql := range []string{
		"SELECT txid_current()", "SELECT pg_typeof(1), gen_random_uuid(), unknown_fn(1)",
		"SELECT 'x'::regclass", "SELECT 1::xml", "SELECT current_user", "SELECT current_schema",
		"SELECT $1", "SELECT xmlelement(name x)", "SELECT a OPERATOR(public.+) b FROM singer",
		"SELECT myschema.count(*) FROM singer",
	} {
		if err := Check(sql, "tdb_1"); !errors.Is(err, ErrRefused) {
			if sql == "SELECT pg_typeof(1), gen_random_uuid(), unknown_fn(1)" && err != nil && strings.Contains(err.Error(), "unknown_fn") {
				continue
			}
			t.Errorf("%s: %v", sql, err)
		}
	}
	for _, sql := range []string{
		"SELECT count(*), avg(age), string_agg(name, ',' ORDER BY name) FROM singer WHERE name ILIKE '%a%' GROUP BY age HAVING count(*) > 1",
		"SELECT extract(year FROM now()), date_trunc('month', current_date), now() - interval '1 day', CAST(age AS double precision)",
		"SELECT name, rank() OVER (PARTITION BY age ORDER BY id DESC) FROM singer",
		"WITH t AS (SELECT * FROM singer) SELECT coalesce(name, 'x'), nullif(age, 0), greatest(1, 2), CASE WHEN age > 1 THEN 'a' END FROM t",
		"SELECT trim(both ' ' FROM name), substring(name FROM 1 FOR 2), position('a' IN name), name SIMILAR TO 'a%' FROM tdb_1.singer",
		"SELECT * FROM singer AS s JOIN generate_series(1, 3) g ON g = s.id WHERE s.name IN (SELECT name FROM singer) AND s.age BETWEEN 1 AND 2",
		"SELECT tdb_1.singer.name FROM tdb_1.singer",
		"SELECT name FROM singer EXCEPT SELECT name FROM singer ORDER BY 1 LIMIT 3 OFFSET 1",
	} {
		if err := Check(sql, "tdb_1"); err != nil {
			t.Errorf("%s: %v", sql, err)
		}
	}
}

// TestNewExecutor_UpgradesReadersOfEarlierVersions: a reader made NOLOGIN (reached through SET
// ROLE, as earlier versions did) becomes a login reader when the sandbox starts, and answers.
func TestNewExecutor_UpgradesReadersOfEarlierVersions(t *testing.T) {
	t.Parallel()
	s := newSandbox(t, ExecOptions{})
	ctx := context.Background()
	if _, err := s.admins.Exec(ctx, "ALTER ROLE "+s.a.Reader+" NOLOGIN PASSWORD NULL"); err != nil {
		t.Fatal(err)
	}
	exec, err := NewExecutor(ctx, s.exec.base.ConnString(), ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Close()
	if res := exec.Run(ctx, s.a, "SELECT count(*) FROM singer"); !res.OK() || res.Rows[0][0] != int64(3) {
		t.Fatalf("after the upgrade: %+v", res)
	}
}

// TestLoad_MakesReadersItselfWhereMakeReaderIsMissing: on a server where Harden could not install
// make_reader (its URL's role was no superuser), the platform's role makes the reader itself — with
// the same attributes, limits and membership — and the sandbox answers as it.
func TestLoad_MakesReadersItselfWhereMakeReaderIsMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	admin := storetest.Pool(t, url)
	if _, err := admin.Exec(ctx, "DROP SCHEMA goldset_priv CASCADE"); err != nil {
		t.Fatal(err)
	}
	dbName, err := CurrentDatabase(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	tgt := TargetFor(dbName, 7)
	tx, err := admin.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Load(ctx, tx, tgt, []*TableData{{Def: TableDef{Name: "t", Columns: []ColumnDef{{Name: "n", Type: TypeInteger}}}, Rows: [][]any{{int64(1)}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) > 0 {
		t.Errorf("warnings: %v", rep.Warnings)
	}
	var login, inherit, member bool
	var limit int
	var config []string
	err = admin.QueryRow(ctx, `SELECT rolcanlogin, rolinherit, rolconnlimit, coalesce(rolconfig, '{}'), pg_has_role(current_user, oid, 'MEMBER')
		FROM pg_roles WHERE rolname = $1`, tgt.Reader).Scan(&login, &inherit, &limit, &config, &member)
	if err != nil {
		t.Fatal(err)
	}
	if !login || inherit || limit != readerConnectionLimit || !slices.Contains(config, "temp_file_limit="+readerTempFileLimit) || !member {
		t.Errorf("reader: login %v, inherit %v, connection limit %d, config %v, platform a member %v", login, inherit, limit, config, member)
	}
	exec, err := NewExecutor(ctx, url, ExecOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer exec.Close()
	if res := exec.Run(ctx, tgt, "SELECT n FROM t"); !res.OK() || res.Rows[0][0] != int64(1) {
		t.Fatalf("the sandbox: %+v", res)
	}
}
