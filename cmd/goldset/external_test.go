package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/migrations"
	"github.com/goldset/goldset/store"
	"github.com/goldset/goldset/store/storetest"
)

// TestExternal_TheAdminURLHandsTheDatabaseToAnOrdinaryRole: on an external server, a superuser URL
// given as --admin-database-url is used only at start, to migrate and to hand the database to
// --database-url's role, which is created with its password; everything else runs as that role,
// which owns the platform's objects and can raise itself no more than the embedded cluster's. The
// database starts as an earlier version left it: migrated and owned by the superuser.
func TestExternal_TheAdminURLHandsTheDatabaseToAnOrdinaryRole(t *testing.T) {
	ctx := context.Background()
	adminURL := storetest.URL(t)
	super := connect(t, adminURL)
	var superuser string
	if err := super.QueryRow(ctx, "SELECT current_user").Scan(&superuser); err != nil {
		t.Fatal(err)
	}
	role := storetest.RoleName(t, adminURL)
	appURL := withUser(t, adminURL, role, "pw 'with' quotes; and more")

	out := mustCLI(t, "sample", "--database-url", appURL, "--admin-database-url", adminURL)
	if !strings.Contains(out, "127 of 127 match") {
		t.Fatalf("the sample's gold SQL did not run in the sandbox:\n%s", out)
	}
	var isSuper, createRole, createDB, hasPassword bool
	if err := super.QueryRow(ctx, `SELECT rolsuper, rolcreaterole, rolcreatedb, rolpassword LIKE 'SCRAM-SHA-256$%'
		FROM pg_authid WHERE rolname = $1`, role).Scan(&isSuper, &createRole, &createDB, &hasPassword); err != nil {
		t.Fatal(err)
	}
	if isSuper || createRole || createDB || !hasPassword {
		t.Errorf("%s: superuser %v, createrole %v, createdb %v, password set %v", role, isSuper, createRole, createDB, hasPassword)
	}
	assertNothingOwnedBySuperuser(t, super, role)
	var readers int
	if err := super.QueryRow(ctx, `SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
		WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = $1) AND r.rolname LIKE 'gs\_%\_reader'`, role).Scan(&readers); err != nil || readers != 4 {
		t.Errorf("%s is a member of %d readers, want the sample's 4 (%v)", role, readers, err)
	}
	app := connect(t, appURL)
	var user string
	if err := app.QueryRow(ctx, "SELECT current_user").Scan(&user); err != nil || user != role {
		t.Errorf("--database-url connects as %q (%v), want %s", user, err, role)
	}
	assertCannotRaiseItself(t, app, role, superuser)

	// A second start finds everything in place; a start without the admin URL runs as the role.
	mustCLI(t, "user", "list", "--database-url", appURL, "--admin-database-url", adminURL)
	mustCLI(t, "user", "list", "--database-url", appURL)

	// What it refuses, each with a reason.
	other := withUser(t, strings.Replace(adminURL, "/"+databaseOf(t, adminURL), "/postgres", 1), role, "x")
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"admin without database", []string{"--admin-database-url", adminURL}, "goes with --database-url"},
		{"another database", []string{"--database-url", other, "--admin-database-url", adminURL}, "must name the same"},
		{"the superuser as the platform", []string{"--database-url", adminURL, "--admin-database-url", adminURL}, "a role of its own"},
		{"an admin that is no superuser", []string{"--database-url", withUser(t, adminURL, superuser, ""), "--admin-database-url", appURL}, "must connect as a superuser"},
	} {
		_, err := runCLI(t, append([]string{"user", "list"}, c.args...)...)
		if !errors.Is(err, errUsage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a usage error saying %q", c.name, err, c.want)
		}
	}
	if _, err := super.Exec(ctx, "ALTER ROLE "+pgx.Identifier{role}.Sanitize()+" CREATEDB"); err != nil {
		t.Fatal(err)
	}
	_, err := runCLI(t, "user", "list", "--database-url", appURL, "--admin-database-url", adminURL)
	if !errors.Is(err, migrations.ErrPlatformRoleTooPowerful) || !strings.Contains(err.Error(), "NOCREATEDB") {
		t.Errorf("a platform role with CREATEDB: %v", err)
	}
}

// Without an admin URL, a platform that connects as a superuser is warned about; one that connects
// as an ordinary role is not.
func TestExternal_ConnectingAsASuperuserIsWarnedAbout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	superURL := storetest.URL(t)
	plain := storetest.RoleName(t, superURL)
	if _, err := connect(t, superURL).Exec(ctx, "CREATE ROLE "+plain+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		url  string
		warn bool
	}{{superURL, true}, {withUser(t, superURL, plain, ""), false}} {
		st, err := store.Open(ctx, c.url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var logs bytes.Buffer
		warnIfSuperuser(ctx, st, slog.New(slog.NewTextHandler(&logs, nil)))
		st.Close()
		if got := strings.Contains(logs.String(), "connects to PostgreSQL as a superuser"); got != c.warn {
			t.Errorf("%s: warned %v, want %v: %q", c.url, got, c.warn, logs.String())
		}
	}
}

// withUser is rawURL connecting as user with password (none when "").
func withUser(t *testing.T, rawURL, user, password string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(user, password)
	if password == "" {
		u.User = url.User(user)
	}
	return u.String()
}

func databaseOf(t *testing.T, rawURL string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimPrefix(u.Path, "/")
}
