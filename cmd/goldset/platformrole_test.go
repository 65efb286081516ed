package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/migrations"
	"github.com/goldset/goldset/sqlexec"
	"github.com/goldset/goldset/store/pgserver"
	"github.com/goldset/goldset/store/storetest"
)

// TestEmbedded_ThePlatformRunsAsNoSuperuser: with the embedded cluster, everything Goldset does after
// migrating — imports, readers, the sandbox, users — runs as migrations.AppRole, which owns the
// platform's objects but can neither become a superuser nor make one. Objects a superuser left in the
// database (as earlier versions, which ran as the superuser, did) are handed over at the next start.
func TestEmbedded_ThePlatformRunsAsNoSuperuser(t *testing.T) {
	if _, err := pgserver.FindBinaries(""); err != nil {
		t.Skip(err)
	}
	ctx := context.Background()
	dir := storetest.TempDir(t)
	if out := mustCLI(t, "sample", "--data-dir", dir); !strings.Contains(out, "127 of 127 match") {
		t.Fatalf("the sample's gold SQL did not run in the sandbox:\n%s", out)
	}
	// migrate up migrates as the superuser too: no step of the hardening is left undone.
	var logs bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	if out := mustCLI(t, "migrate", "up", "--data-dir", dir); !strings.Contains(out, "Applied 0 migration(s)") || strings.Contains(logs.String(), "not applied") {
		t.Errorf("migrate up on the embedded cluster:\n%s\n%s", out, logs.String())
	}

	cl, err := pgserver.Start(ctx, pgserver.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cl.Close(context.WithoutCancel(ctx)) })
	super := connect(t, cl.URL(platformDatabase))
	var isSuper, createRole, createDB bool
	if err := super.QueryRow(ctx, `SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = $1`, migrations.AppRole).
		Scan(&isSuper, &createRole, &createDB); err != nil {
		t.Fatal(err)
	}
	if isSuper || createRole || createDB {
		t.Errorf("%s: superuser %v, createrole %v, createdb %v", migrations.AppRole, isSuper, createRole, createDB)
	}
	var readers int
	if err := super.QueryRow(ctx, `SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
		WHERE m.member = $1::regrole AND r.rolname LIKE 'gs\_%\_reader'`, migrations.AppRole).Scan(&readers); err != nil || readers != 4 {
		t.Errorf("%s is a member of %d readers, want the sample's 4 (%v)", migrations.AppRole, readers, err)
	}
	assertNothingOwnedBySuperuser(t, super, migrations.AppRole)

	// What an earlier version left behind, owned by the superuser; and a reader of another database.
	oldReader := sqlexec.TargetFor(platformDatabase, 9999).Reader
	otherReader := sqlexec.TargetFor("another_platform", 9999).Reader
	for _, q := range []string{
		"CREATE SCHEMA tdb_9999", "CREATE TABLE tdb_9999.t (id serial PRIMARY KEY, n int GENERATED ALWAYS AS IDENTITY)",
		"CREATE VIEW tdb_9999.v AS SELECT id FROM tdb_9999.t", "CREATE TYPE tdb_9999.mood AS ENUM ('ok')",
		"CREATE DOMAIN tdb_9999.pos AS int CHECK (VALUE > 0)", "CREATE SEQUENCE tdb_9999.free",
		"CREATE FUNCTION tdb_9999.f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "CREATE TABLE public.left_behind (x int)",
		"CREATE ROLE " + oldReader + " LOGIN NOINHERIT",
		"GRANT USAGE ON SCHEMA tdb_9999 TO " + oldReader,
		"CREATE ROLE " + otherReader + " LOGIN NOINHERIT", // another database's
	} {
		if _, err := super.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	super.Close(ctx)
	mustCLI(t, "user", "list", "--data-dir", dir)
	super = connect(t, cl.URL(platformDatabase))
	assertNothingOwnedBySuperuser(t, super, migrations.AppRole)
	var member bool
	if err := super.QueryRow(ctx, `SELECT pg_has_role($1, $2, 'MEMBER') AND NOT pg_has_role($1, $3, 'MEMBER')`,
		migrations.AppRole, oldReader, otherReader).Scan(&member); err != nil || !member {
		t.Errorf("%s is not a member of a reader made before it, or is one of another database's (%v)", migrations.AppRole, err)
	}

	// The platform's role cannot raise itself, nor use make_reader to.
	u, err := url.Parse(cl.URL(platformDatabase))
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(migrations.AppRole)
	app := connect(t, u.String())
	if _, err := super.Exec(ctx, "CREATE ROLE gs_0123456789_tdb_1_reader CREATEROLE"); err != nil {
		t.Fatal(err)
	}
	assertCannotRaiseItself(t, app, migrations.AppRole, pgserver.Superuser)
	for _, q := range []string{
		"SELECT goldset_priv.make_reader('" + pgserver.Superuser + "', 'x', 1, '1MB')",
		"SELECT goldset_priv.make_reader('intruder', 'x', 1, '1MB')",
		"SELECT goldset_priv.make_reader('gs_0123456789_tdb_1_reader', 'x', 1, '1MB')", // exists, more than a reader
		"SELECT goldset_priv.make_reader('gs_0123456789_tdb_2_reader', 'x', 1, '-1')",
		"CREATE FUNCTION goldset_priv.g() RETURNS int LANGUAGE sql AS 'SELECT 1'",
	} {
		if _, err := app.Exec(ctx, q); err == nil {
			t.Errorf("the platform's role could: %s", q)
		}
	}
	var createRoleAfter bool
	if err := super.QueryRow(ctx, `SELECT rolcreaterole FROM pg_roles WHERE rolname = 'gs_0123456789_tdb_1_reader'`).Scan(&createRoleAfter); err != nil || !createRoleAfter {
		t.Errorf("make_reader changed a role that is more than a reader (%v)", err)
	}
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// assertCannotRaiseItself: the platform's role, connected as app, can neither become the superuser
// nor give itself a superuser's powers, read the server's files or run its programs.
func assertCannotRaiseItself(t *testing.T, app *pgx.Conn, role, superuser string) {
	t.Helper()
	for _, q := range []string{
		"SET ROLE " + pgx.Identifier{superuser}.Sanitize(),
		"ALTER ROLE " + pgx.Identifier{role}.Sanitize() + " SUPERUSER",
		"CREATE ROLE intruder",
		"GRANT pg_execute_server_program TO " + pgx.Identifier{role}.Sanitize(),
		"COPY (SELECT 1) TO PROGRAM 'true'",
		"SELECT pg_read_file('postgresql.conf')",
		"SELECT lo_import('/etc/passwd')",
		"SELECT rolpassword FROM pg_authid",
	} {
		if _, err := app.Exec(context.Background(), q); err == nil {
			t.Errorf("the platform's role could: %s", q)
		}
	}
}

// assertNothingOwnedBySuperuser: every schema, relation, routine and type of the platform database
// outside the system's schemas and migrations.PrivSchema belongs to role, the platform's role.
func assertNothingOwnedBySuperuser(t *testing.T, super *pgx.Conn, role string) {
	t.Helper()
	var app, other uint32
	if err := super.QueryRow(context.Background(), "SELECT oid FROM pg_roles WHERE rolname = $1", role).Scan(&app); err != nil {
		t.Fatal(err)
	}
	rows, err := super.Query(context.Background(), `
		SELECT 'schema ' || nspname, nspowner FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname NOT IN ('information_schema', $1)
		UNION ALL SELECT 'relation ' || c.oid::regclass, c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', $1)
		UNION ALL SELECT 'routine ' || p.oid::regprocedure, p.proowner FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', $1)
		UNION ALL SELECT 'type ' || t.oid::regtype, t.typowner FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
			WHERE n.nspname NOT LIKE 'pg\_%' AND n.nspname NOT IN ('information_schema', $1)`, migrations.PrivSchema)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var what string
		if err := rows.Scan(&what, &other); err != nil {
			t.Fatal(err)
		}
		n++
		if other != app && !strings.HasPrefix(what, "schema public") {
			t.Errorf("%s is not owned by %s", what, role)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Errorf("only %d objects looked at", n)
	}
}
