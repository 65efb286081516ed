package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/goldset/goldset/migrations"
	"github.com/goldset/goldset/store/pgserver"
)

// EnvURL names a superuser URL of an existing server to use instead of a private cluster.
const EnvURL = "GOLDSET_TEST_DATABASE_URL"

// templateLockKey serialises template builds across test binaries (pg_advisory_lock key).
const templateLockKey = 7_461_202_511

// ownerLockClass is the first key of the advisory lock each test binary holds for its lifetime
// (the second is hashtext(owner id)). Test database names carry the owner id, so databases
// whose owner lock is free were left by a killed binary (a test timeout skips cleanups) and
// are dropped.
const ownerLockClass = 74612025

// templateMarker is the comment that marks a template database as completely migrated; a build
// interrupted half-way leaves a database without it, which the next build drops and redoes.
const templateMarker = "goldset test template: complete"

var shared struct {
	once     sync.Once
	err      error
	skip     bool // no binaries and no URL: skip rather than fail
	cluster  *pgserver.Cluster
	adminURL string // superuser, database "postgres"
	admin    *sql.DB
	template string
	dbURL    func(name string) string
	owner    string    // this binary's id, part of every test database name
	ownerCon *pgx.Conn // holds the owner lock
}

// setup starts (or attaches to) the server and builds the template, once per test binary.
func setup() error {
	shared.once.Do(func() {
		shared.err = doSetup()
	})
	return shared.err
}

func doSetup() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if env := os.Getenv(EnvURL); env != "" {
		u, err := url.Parse(env)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return fmt.Errorf("storetest: %s must be a postgres:// URL", EnvURL)
		}
		shared.dbURL = func(name string) string {
			v := *u
			v.Path = "/" + name
			return v.String()
		}
	} else {
		dir := filepath.Join(os.TempDir(), "goldset-test-pg-"+strconv.Itoa(os.Getuid()))
		c, err := pgserver.Start(ctx, pgserver.Options{DataDir: dir, Settings: map[string]string{
			// Test data is disposable: trade durability for speed.
			"fsync":              "off",
			"synchronous_commit": "off",
			"full_page_writes":   "off",
			// Many test binaries share the server, each with a pool per test database.
			"max_connections": "300",
		}})
		if err != nil {
			shared.skip = errors.Is(err, pgserver.ErrBinariesNotFound)
			return fmt.Errorf("storetest: start test cluster: %w", err)
		}
		shared.cluster = c
		shared.dbURL = c.URL
	}
	shared.adminURL = shared.dbURL("postgres")
	admin, err := sql.Open("pgx", shared.adminURL)
	if err != nil {
		return fmt.Errorf("storetest: %w", err)
	}
	shared.admin = admin
	fp, err := migrations.Fingerprint()
	if err != nil {
		return fmt.Errorf("storetest: migrations fingerprint: %w", err)
	}
	shared.template = "goldset_tpl_" + fp
	if err := buildTemplate(ctx, shared.template); err != nil {
		return err
	}
	return claimOwner(ctx)
}

// claimOwner takes this binary's owner lock, then drops test databases whose owners died.
func claimOwner(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, shared.adminURL)
	if err != nil {
		return fmt.Errorf("storetest: connect to %s: %w", shared.adminURL, err)
	}
	shared.ownerCon = conn
	shared.owner = randomHex(4)
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1, hashtext($2))", ownerLockClass, shared.owner); err != nil {
		return fmt.Errorf("storetest: owner lock: %w", err)
	}
	rows, err := conn.Query(ctx, `SELECT datname, split_part(datname, '_', 3) FROM pg_database WHERE datname LIKE 'goldset\_t\_%\_%'`)
	if err != nil {
		return fmt.Errorf("storetest: list test databases: %w", err)
	}
	type leftover struct{ name, owner string }
	var dbs []leftover
	for rows.Next() {
		var l leftover
		if err := rows.Scan(&l.name, &l.owner); err != nil {
			return fmt.Errorf("storetest: %w", err)
		}
		dbs = append(dbs, l)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("storetest: list test databases: %w", err)
	}
	for _, l := range dbs {
		var free bool
		if err := conn.QueryRow(ctx, "SELECT pg_try_advisory_lock($1, hashtext($2))", ownerLockClass, l.owner).Scan(&free); err != nil {
			return fmt.Errorf("storetest: %w", err)
		}
		if !free {
			continue
		}
		// A failure here only leaves litter behind; it must not fail this binary's tests.
		conn.Exec(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(l.name)+" WITH (FORCE)")
		conn.Exec(ctx, dropRoles(l.name))
		conn.Exec(ctx, "SELECT pg_advisory_unlock($1, hashtext($2))", ownerLockClass, l.owner)
	}
	return nil
}

// buildTemplate creates and migrates the template database unless a complete one exists. Test
// binaries run in parallel, so one builds while the others wait on the advisory lock.
func buildTemplate(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, shared.adminURL)
	if err != nil {
		return fmt.Errorf("storetest: connect to %s: %w", shared.adminURL, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", templateLockKey); err != nil {
		return fmt.Errorf("storetest: template lock: %w", err)
	}
	defer conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", templateLockKey)

	var comment *string
	err = conn.QueryRow(ctx, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name).Scan(&comment)
	switch {
	case err == nil && comment != nil && *comment == templateMarker:
		return nil
	case err == nil: // left half-built by a killed test binary
		if _, err := conn.Exec(ctx, "DROP DATABASE "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("storetest: drop unfinished template %s: %w", name, err)
		}
	case !errors.Is(err, pgx.ErrNoRows):
		return fmt.Errorf("storetest: look up template %s: %w", name, err)
	}

	if _, err := conn.Exec(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil {
		return fmt.Errorf("storetest: create template %s: %w", name, err)
	}
	pool, err := pgxpool.New(ctx, shared.dbURL(name))
	if err != nil {
		return fmt.Errorf("storetest: %w", err)
	}
	_, err = migrations.Apply(ctx, pool) // ours and River's
	pool.Close()
	if err != nil {
		return fmt.Errorf("storetest: migrate template %s: %w", name, err)
	}
	// No one connects to the template again: CREATE DATABASE ... TEMPLATE fails while anyone is.
	for _, stmt := range []string{
		"ALTER DATABASE " + quoteIdent(name) + " ALLOW_CONNECTIONS false",
		"COMMENT ON DATABASE " + quoteIdent(name) + " IS '" + templateMarker + "'",
	} {
		if _, err := conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("storetest: finish template %s: %w", name, err)
		}
	}
	return nil
}

func ready(t testing.TB) {
	t.Helper()
	if err := setup(); err != nil {
		// In CI a missing PostgreSQL is a broken setup, never a reason to pass.
		if shared.skip && os.Getenv("CI") == "" {
			t.Skipf("skipping: no PostgreSQL for tests: %v", err)
		}
		t.Fatal(err)
	}
}

// TempDir returns a fresh directory that can hold a PostgreSQL cluster: t.TempDir makes 0700
// directories, which a root test process would hand to the unprivileged postgres user unreachable.
func TempDir(t testing.TB) string {
	t.Helper()
	d := t.TempDir()
	if os.Geteuid() == 0 {
		for _, p := range []string{d, filepath.Dir(d)} {
			if err := os.Chmod(p, 0o711); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d
}

// URL returns the URL of a fresh database for this test, migrated to the newest schema, and drops
// it at cleanup (forcibly, so connections a test forgot to close do not leak the database).
func URL(t testing.TB) string {
	t.Helper()
	ready(t)
	name := "goldset_t_" + shared.owner + "_" + randomHex(6)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := shared.admin.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)+" TEMPLATE "+quoteIdent(shared.template)); err != nil {
		t.Fatalf("storetest: create test database: %v", err)
	}
	// A database's own privileges are not copied from its template; this is the one of
	// migrations.Harden's that lives there.
	if _, err := shared.admin.ExecContext(ctx, "REVOKE TEMPORARY ON DATABASE "+quoteIdent(name)+" FROM PUBLIC"); err != nil {
		t.Fatalf("storetest: harden test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := shared.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop test database %s: %v", name, err)
		}
		if _, err := shared.admin.ExecContext(ctx, dropRoles(name)); err != nil {
			t.Errorf("storetest: drop the roles of %s: %v", name, err)
		}
	})
	return shared.dbURL(name)
}

// dropRoles is the SQL that drops the roles made for database name: roles belong to the whole
// cluster and outlive the database. They are the reader roles of its target databases, which
// sqlexec.TargetFor names gs_<first 10 hex of sha256(database name)>_tdb_<id>_reader, and those
// named by RoleName.
func dropRoles(name string) string {
	h := sha256.Sum256([]byte(name))
	readers := "gs_" + hex.EncodeToString(h[:5]) + "_" // hex and _: safe inside the literal
	return `DO $$DECLARE r text; BEGIN
		FOR r IN SELECT rolname FROM pg_roles WHERE starts_with(rolname, '` + readers + `')
			OR starts_with(rolname, '` + roleNamePrefix(name) + `') LOOP
			EXECUTE format('DROP ROLE %I', r);
		END LOOP; END$$`
}

// roleNamePrefix starts the names RoleName gives for database name (letters, digits and _).
func roleNamePrefix(name string) string { return name + "_role_" }

// RoleName returns an unused name for a role that the test, or the code it tests, creates for the
// database of url (a URL from URL): the role is dropped at cleanup, after the database.
func RoleName(t testing.TB, url string) string {
	t.Helper()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	return roleNamePrefix(cfg.Database) + randomHex(3)
}

// DB returns a *gorm.DB on a fresh database (as URL), closed at cleanup. SQL logging is off:
// failing tests say what went wrong themselves.
func DB(t testing.TB) *gorm.DB {
	t.Helper()
	u := URL(t)
	db, err := gorm.Open(postgres.Open(u), &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		t.Fatalf("storetest: open %s: %v", u, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { sqlDB.Close() }) // runs before URL's cleanup drops the database
	return db
}

// Pool returns a pgx pool on url, closed at cleanup (before URL's cleanup drops the database).
func Pool(t testing.TB, url string) *pgxpool.Pool {
	t.Helper()
	p, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatalf("storetest: connect: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// AdminURL returns the superuser URL of the shared test server's "postgres" database, for tests
// that create roles, schemas or databases of their own (and must clean them up).
func AdminURL(t testing.TB) string {
	t.Helper()
	ready(t)
	return shared.adminURL
}

// Main runs the package's tests and then ends this test binary's use of the shared cluster, so
// the last binary of a `go test ./...` run stops it. Call it from TestMain:
//
//	func TestMain(m *testing.M) { storetest.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if shared.admin != nil {
		shared.admin.Close()
	}
	if shared.ownerCon != nil {
		shared.ownerCon.Close(context.Background())
	}
	if shared.cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := shared.cluster.Close(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "storetest:", err)
		}
		cancel()
	}
	os.Exit(code)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

func quoteIdent(s string) string {
	return pgx.Identifier{s}.Sanitize()
}
