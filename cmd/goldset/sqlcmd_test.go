package main

import (
	"context"
	"encoding/json"
	"fmt"
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

// --project takes a project's name or, when no project is called that, its number (the one in the
// web UI's addresses); a project neither names gets an error listing those there are.
func TestCLI_ProjectByNameOrNumber(t *testing.T) {
	c := newCLI(t).withSingers()
	var id int64
	conn, err := pgx.Connect(context.Background(), c.url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if err := conn.QueryRow(context.Background(), "SELECT id FROM projects WHERE name = 'p'").Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, project := range []string{"p", "P", fmt.Sprint(id)} {
		if out := c.must("sql", "run", "--project", project, "--database", "singers", "SELECT name FROM singers WHERE age > 40"); !strings.Contains(out, "Joe") {
			t.Errorf("--project %s: %s", project, out)
		}
	}
	// An import into the project's number goes to it, not to a new project of that name.
	csv := filepath.Join(t.TempDir(), "bands.csv")
	os.WriteFile(csv, []byte("band\nABBA\n"), 0o644)
	c.must("import", "csv", csv, "--project", fmt.Sprint(id))
	var projects, databases int
	if err := conn.QueryRow(context.Background(), "SELECT (SELECT count(*) FROM projects), (SELECT count(*) FROM databases WHERE project_id = $1)", id).Scan(&projects, &databases); err != nil {
		t.Fatal(err)
	}
	if projects != 1 || databases != 2 {
		t.Errorf("after importing into project %d: %d projects, %d databases in it", id, projects, databases)
	}
	for _, project := range []string{"nope", fmt.Sprint(id + 1000), "0"} {
		_, err := c.run("sql", "run", "--project", project, "--database", "singers", "SELECT 1")
		want := fmt.Sprintf(`no project is called %q; the projects are: "p" (%d)`, project, id)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--project %s: %v, want %q", project, err, want)
		}
	}
}
