package migrations_test

import (
	"context"
	"testing"

	"github.com/goldset/goldset/migrations"
	"github.com/goldset/goldset/store/storetest"
)

// The verifiers PostgreSQL makes of passwords are the ones the package makes with the same salt
// and iterations; HandOver stores its own, which PostgreSQL keeps as given, and writes it again only
// when the password changes.
func TestSCRAMVerifier_AgreesWithPostgreSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := storetest.URL(t)
	super := storetest.Pool(t, url)
	stored := func(role string) string {
		t.Helper()
		var v string
		if err := super.QueryRow(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = $1", role).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, pw := range []string{"x", "correct horse battery staple", `it's "quoted"; \ and $$`, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef+"} {
		role := storetest.RoleName(t, url)
		var create string
		if err := super.QueryRow(ctx, `SELECT format('CREATE ROLE %I PASSWORD %L', $1::text, $2::text)`, role, pw).Scan(&create); err != nil {
			t.Fatal(err)
		}
		if _, err := super.Exec(ctx, create); err != nil {
			t.Fatal(err)
		}
		v := stored(role)
		if !migrations.ScramMatches(v, pw) || migrations.ScramMatches(v, pw+"x") || migrations.ScramMatches(v, "") {
			t.Errorf("password %q: PostgreSQL stored %s, which scramMatches does not judge right", pw, v)
		}
	}

	role := storetest.RoleName(t, url)
	hand := func(password string) string {
		t.Helper()
		if _, err := migrations.HandOver(ctx, super, migrations.PlatformRole{Name: role, Password: password}, false); err != nil {
			t.Fatal(err)
		}
		return stored(role)
	}
	first := hand("first password")
	if !migrations.ScramMatches(first, "first password") {
		t.Errorf("HandOver stored %s", first)
	}
	if again := hand("first password"); again != first {
		t.Errorf("the same password was written again: %s, then %s", first, again)
	}
	if second := hand("second password"); second == first || !migrations.ScramMatches(second, "second password") {
		t.Errorf("a new password: %s, then %s", first, second)
	}
	// A password beyond ASCII is hashed by PostgreSQL (after SASLprep, which leaves this one as is).
	if third := hand("Grüße geheim"); !migrations.ScramMatches(third, "Grüße geheim") || hand("Grüße geheim") != third {
		t.Errorf("a password beyond ASCII: %s", third)
	}
}
