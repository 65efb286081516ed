package migrations_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/goldset/goldset/migrations"
	"github.com/goldset/goldset/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// A platform role that is no superuser cannot take from PUBLIC what only a superuser may, so
// Harden run as that role reports each such step — but only while PUBLIC still holds it: once a
// superuser has hardened the database (as HandOver does), the role's own runs report nothing.
func TestHarden_ReportsOnlyWhatIsLeftUndone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	superURL := storetest.URL(t)
	super := storetest.Pool(t, superURL)
	role := storetest.RoleName(t, superURL)
	if _, err := migrations.HandOver(ctx, super, migrations.PlatformRole{Name: role}, false); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(superURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	app := storetest.Pool(t, u.String())
	skipped := func() []string {
		t.Helper()
		rep, err := migrations.Harden(ctx, app)
		if err != nil {
			t.Fatal(err)
		}
		return rep.Skipped
	}
	if s := skipped(); len(s) > 0 {
		t.Errorf("after a superuser's hand-over, the platform role's Harden reports %q", s)
	}
	for _, c := range []struct{ undo, want string }{
		{"GRANT SELECT ON pg_catalog.pg_statistic TO PUBLIC", "SELECT on the system catalogs"},
		{"GRANT EXECUTE ON FUNCTION pg_catalog.pg_read_file(text) TO PUBLIC", "EXECUTE on functions"},
		{"DROP SCHEMA " + migrations.PrivSchema + " CASCADE", "the function that makes reader roles"},
	} {
		if _, err := super.Exec(ctx, c.undo); err != nil {
			t.Fatal(err)
		}
		if s := skipped(); len(s) != 1 || !strings.Contains(s[0], c.want) {
			t.Errorf("after %s: the platform role's Harden reports %q, want one step about %s", c.undo, s, c.want)
		}
		if rep, err := migrations.Harden(ctx, super); err != nil || len(rep.Skipped) > 0 {
			t.Fatalf("a superuser's Harden: %v %q", err, rep.Skipped)
		}
		if s := skipped(); len(s) > 0 {
			t.Errorf("after a superuser hardened again, the platform role's Harden reports %q", s)
		}
	}
}

// Processes that start at once each hand the database over (a server and its workers): all
// succeed, and the role is made once.
func TestHandOver_SeveralProcessesAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	superURL := storetest.URL(t)
	role := storetest.RoleName(t, superURL)
	errs := make(chan error, 4)
	for range cap(errs) {
		super := storetest.Pool(t, superURL) // a pool each, as separate processes have
		go func() {
			_, err := migrations.HandOver(ctx, super, migrations.PlatformRole{Name: role, Password: "same"}, true)
			errs <- err
		}()
	}
	for range cap(errs) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	var owner string
	if err := storetest.Pool(t, superURL).QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()").Scan(&owner); err != nil || owner != role {
		t.Errorf("the database's owner is %s (%v), want %s", owner, err, role)
	}
}

// Two databases of one server handed to one role at once (two platforms started together): the
// role is made by one, and both succeed.
func TestHandOver_OneRoleForTwoDatabasesAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	first, second := storetest.URL(t), storetest.URL(t)
	pools := []*pgxpool.Pool{storetest.Pool(t, first), storetest.Pool(t, second)}
	for range 5 {
		role := storetest.RoleName(t, first)
		errs := make(chan error, len(pools))
		for _, p := range pools {
			go func() {
				_, err := migrations.HandOver(ctx, p, migrations.PlatformRole{Name: role, Password: "pw"}, false)
				errs <- err
			}()
		}
		for range pools {
			if err := <-errs; err != nil {
				t.Error(err)
			}
		}
	}
}

// A platform role with more than LOGIN is refused, and left as it was.
func TestHandOver_RefusesAPowerfulRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	superURL := storetest.URL(t)
	super := storetest.Pool(t, superURL)
	for _, attr := range []string{"SUPERUSER", "CREATEROLE", "CREATEDB", "REPLICATION", "BYPASSRLS"} {
		role := storetest.RoleName(t, superURL)
		if _, err := super.Exec(ctx, "CREATE ROLE "+role+" LOGIN "+attr); err != nil {
			t.Fatal(err)
		}
		_, err := migrations.HandOver(ctx, super, migrations.PlatformRole{Name: role, Password: "p"}, false)
		if err == nil || !strings.Contains(err.Error(), "NO"+attr) {
			t.Errorf("%s: %v", attr, err)
		}
		var owner string
		if err := super.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()").Scan(&owner); err != nil || owner == role {
			t.Errorf("%s: the database's owner is %s (%v)", attr, owner, err)
		}
	}
}
