package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/goldset/goldset/sqlexec/sandboxtest"
)

// TestCLI_SQLRunRefusesTheAttackCorpus: every attack through `goldset sql run` comes back as a
// failed query that shows nothing of the platform or of another project's database.
func TestCLI_SQLRunRefusesTheAttackCorpus(t *testing.T) {
	c := newCLI(t).withSingers()
	csv := filepath.Join(t.TempDir(), "secret.csv")
	os.WriteFile(csv, []byte("name,code\nhidden,4242-other-project\n"), 0o644)
	c.must("import", "csv", csv, "--project", "q")
	var schemas struct{ own, other string }
	conn, err := pgx.Connect(context.Background(), c.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for name, to := range map[string]*string{"singers": &schemas.own, "secret": &schemas.other} {
		if err := conn.QueryRow(context.Background(), "SELECT schema_name FROM databases WHERE name = $1", name).Scan(to); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range sandboxtest.Attacks(schemas.own, schemas.other, "goldset") {
		out, err := c.run("sql", "run", "--project", "p", "--database", "singers", "--json", a.SQL)
		var res struct{ Error string }
		if jerr := json.Unmarshal([]byte(out), &res); jerr != nil {
			t.Fatalf("%s: %v %v: %s", a.Name, err, jerr, out)
		}
		if res.Error == "" {
			t.Errorf("%s: ran: %s", a.Name, out)
		}
		if strings.Contains(out, "4242-other-project") || strings.Contains(out, "$argon2") {
			t.Errorf("%s: leaked: %s", a.Name, out)
		}
	}
	out := c.must("sql", "run", "--project", "p", "--database", "singers", "SELECT name FROM singers WHERE age > 40")
	if !strings.Contains(out, "Joe") {
		t.Fatalf("after the attacks: %s", out)
	}
}
